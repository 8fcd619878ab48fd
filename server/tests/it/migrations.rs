//! The schema is the same on SQLite and PostgreSQL, and every migration can be undone.
use crate::common::TestDb;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

on_both_databases!(migrations_apply_roll_back_and_reapply, the_schema_refuses_unknown_enum_values);

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
