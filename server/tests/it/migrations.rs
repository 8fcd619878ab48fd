//! The schema is the same on SQLite and PostgreSQL, and every migration can be undone.
use crate::common::TestDb;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

on_both_databases!(migrations_apply_roll_back_and_reapply, the_schema_refuses_unknown_enum_values, text_stored_earlier_is_brought_to_nfc);

async fn migrations_apply_roll_back_and_reapply(db: TestDb) {
    let conn = app::server::db::connect(&db.url).await.unwrap();

    Migrator::up(&conn, None).await.unwrap();
    assert!(Migrator::get_pending_migrations(&conn).await.unwrap().is_empty());
    Migrator::down(&conn, None).await.unwrap();
    let backend = conn.get_database_backend();
    let tables_left = conn
        .query_one_raw(Statement::from_string(
            backend,
            if db.is_postgres() {
                "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('users','issues','daily_stats','sessions','auth_throttles','issue_events')"
            } else {
                "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('users','issues','daily_stats','sessions','auth_throttles','issue_events')"
            },
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(tables_left, 0);
    Migrator::up(&conn, None).await.unwrap();
    assert_eq!(Migrator::get_applied_migrations(&conn).await.unwrap().len(), Migrator::migrations().len());
}

async fn the_schema_refuses_unknown_enum_values(db: TestDb) {
    let conn = app::server::db::connect(&db.url).await.unwrap();
    Migrator::up(&conn, None).await.unwrap();

    let bad_role = conn
        .execute_unprepared(
            "INSERT INTO users (email, role, created_at) VALUES ('x@example.com', 'OWNER', CURRENT_TIMESTAMP)",
        )
        .await;
    let default_role = conn
        .execute_unprepared("INSERT INTO users (email, created_at) VALUES ('y@example.com', CURRENT_TIMESTAMP)")
        .await;

    assert!(bad_role.is_err(), "a role outside the set is refused");
    assert!(default_role.is_ok());
    let role = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), "SELECT role FROM users WHERE email = 'y@example.com'"))
        .await
        .unwrap()
        .unwrap()
        .try_get::<String>("", "role")
        .unwrap();
    assert_eq!(role, "REPORTER", "new accounts default to REPORTER");
}

/// "José" as its letters and a combining accent (NFD), and as one precomposed letter (NFC).
const JOSE_NFD: &str = "Jose\u{301}";
const JOSE_NFC: &str = "Jos\u{e9}";

async fn text_stored_earlier_is_brought_to_nfc(db: TestDb) {
    use app::{
        domain::{Role, Severity, Status, TagColour},
        server::entities::{comments, issues, tags, users},
    };
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let conn = app::server::db::connect(&db.url).await.unwrap();
    // The schema as it was before the migration, holding text written before the server normalized.
    let before = Migrator::migrations().iter().position(|m| m.name() == "m20261204_000014_text_in_nfc").unwrap();
    Migrator::up(&conn, Some(before as u32)).await.unwrap();
    let reporter = crate::common::insert_user(&conn, "jose@example.com", Role::Reporter).await;
    users::ActiveModel { id: Set(reporter.id), display_name: Set(JOSE_NFD.into()), ..Default::default() }.update(&conn).await.unwrap();
    // Only the columns that schema has: an issue's later ones (its template) are not there yet.
    let now = chrono::Utc::now();
    let issue_id = issues::Entity::insert(issues::ActiveModel {
        title: Set(format!("{JOSE_NFD} cannot save")),
        description: Set(format!("Reported by {JOSE_NFD}.")),
        severity: Set(Severity::Low),
        status: Set(Status::Open),
        reporter_id: Set(reporter.id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec(&conn)
    .await
    .unwrap()
    .last_insert_id;
    let comment = comments::ActiveModel {
        issue_id: Set(issue_id),
        author_id: Set(reporter.id),
        body: Set(format!("Thanks, {JOSE_NFD}")),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&conn)
    .await
    .unwrap();
    let tag = |name: &str| tags::ActiveModel {
        name: Set(name.to_owned()),
        name_key: Set(name.to_lowercase()),
        colour: Set(TagColour::Gray),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    let clashing = tag(JOSE_NFD).insert(&conn).await.unwrap();
    let holder = tag(JOSE_NFC).insert(&conn).await.unwrap();
    let alone = tag("Nai\u{308}ve").insert(&conn).await.unwrap();
    let plain = tag("ui").insert(&conn).await.unwrap();

    Migrator::up(&conn, None).await.unwrap();

    let user = users::Entity::find_by_id(reporter.id).one(&conn).await.unwrap().unwrap();
    assert_eq!(user.display_name, JOSE_NFC);
    let issue = issues::Entity::find_by_id(issue_id).one(&conn).await.unwrap().unwrap();
    assert_eq!((issue.title.as_str(), issue.description.as_str()), (format!("{JOSE_NFC} cannot save").as_str(), format!("Reported by {JOSE_NFC}.").as_str()));
    let comment = comments::Entity::find_by_id(comment.id).one(&conn).await.unwrap().unwrap();
    assert_eq!(comment.body, format!("Thanks, {JOSE_NFC}"));
    let name = async |id: i64| {
        let t = tags::Entity::find_by_id(id).one(&conn).await.unwrap().unwrap();
        (t.name, t.name_key)
    };
    assert_eq!(name(alone.id).await, ("Na\u{ef}ve".to_owned(), "na\u{ef}ve".to_owned()), "a tag with no twin is normalized");
    assert_eq!(name(clashing.id).await, (JOSE_NFD.to_owned(), JOSE_NFD.to_lowercase()), "a tag with a twin is left for an admin");
    assert_eq!(name(holder.id).await, (JOSE_NFC.to_owned(), JOSE_NFC.to_lowercase()));
    assert_eq!(name(plain.id).await, ("ui".to_owned(), "ui".to_owned()));
    let collisions = migration::colliding_tags(&conn).await.unwrap();
    assert_eq!(
        collisions,
        [migration::TagCollision { id: clashing.id, name: JOSE_NFD.into(), other_id: holder.id, other_name: JOSE_NFC.into() }],
        "the twins are reported"
    );
}
