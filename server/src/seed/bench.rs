//! Generated data for the benchmark (`server seed-bench`, driven by `cargo xtask bench`): accounts,
//! issues with markdown, tags, comments and their history, inserted in large batches so that
//! 100k issues take seconds, not minutes. The same seed always gives the same data.
use app::{
    activity::model::Change,
    auth::model::{Credential, CurrentUser},
    domain::{Role, Severity, Status, TagColour},
    issues::model::{IssueFilter, IssueSort},
    server::entities::{comments, issue_events, issue_tags, issues, tags, users},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait, Set, TransactionTrait,
};
use text::{Rng, Vocabulary};

mod text;

/// The maintainer the benchmark signs in as.
pub const MAINTAINER: &str = "bench.maintainer1@bench.test";

const MAINTAINERS: usize = 5;
const REPORTERS: usize = 40;
const TAGS: &[(&str, TagColour)] = &[
    ("bug", TagColour::Red), ("ui", TagColour::Violet), ("auth", TagColour::Amber), ("export", TagColour::Teal),
    ("performance", TagColour::Orange), ("api", TagColour::Blue), ("docs", TagColour::Gray), ("security", TagColour::Pink),
    ("regression", TagColour::Red), ("mobile", TagColour::Sky), ("billing", TagColour::Green), ("search", TagColour::Amber),
];
/// What was inserted, and the ids the benchmark needs.
pub struct Seeded {
    pub users: usize,
    pub tags: usize,
    pub issues: usize,
    pub comments: usize,
    pub events: usize,
    pub issue_tags: usize,
    pub maintainer: CurrentUser,
    /// Who the benchmark's owned filings are assigned to (a second maintainer), and the handles
    /// they mention (a third maintainer and the admin).
    pub assignee: i64,
    pub mentioned: Vec<String>,
}

/// Rows waiting for their batch insert.
#[derive(Default)]
struct Rows {
    issues: Vec<issues::ActiveModel>,
    comments: Vec<comments::ActiveModel>,
    events: Vec<issue_events::ActiveModel>,
    issue_tags: Vec<issue_tags::ActiveModel>,
}

/// How many rows go into one INSERT: SQLite and PostgreSQL both take 10,000 bound values.
fn per_statement(columns: usize) -> usize {
    10_000 / columns
}

async fn insert_batches<A: ActiveModelTrait + Send>(db: &impl ConnectionTrait, rows: Vec<A>, columns: usize) -> Result<usize, DbErr> {
    let count = rows.len();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement(columns)).collect();
        A::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(count)
}

/// Fills an empty database with `count` issues and everything around them; every account gets
/// the password behind `password_hash`. Refuses a database that already has issues.
pub async fn seed(db: &DatabaseConnection, count: usize, password_hash: &str) -> Result<Seeded, DbErr> {
    if issues::Entity::find().count(db).await? > 0 {
        return Err(DbErr::Custom("seed-bench needs a database without issues".into()));
    }
    let now = Utc::now();
    let mut rng = Rng::new(0x5EED);
    let vocabulary = Vocabulary::new();
    let txn = db.begin().await?;
    let mut accounts = vec![("bench.admin@bench.test".to_owned(), Role::Admin)];
    accounts.extend((1..=MAINTAINERS).map(|n| (format!("bench.maintainer{n}@bench.test"), Role::Maintainer)));
    accounts.extend((1..=REPORTERS).map(|n| (format!("bench.reporter{n}@bench.test"), Role::Reporter)));
    let mut user_ids = Vec::new();
    let mut handles = Vec::new();
    for (email, role) in &accounts {
        let (handle, display_name) = app::people::service::identity_for(&txn, email).await?;
        let user = users::ActiveModel {
            email: Set(email.clone()),
            handle: Set(handle),
            display_name: Set(display_name),
            hashed_password: Set(Some(password_hash.to_owned())),
            google_id: Set(None),
            role: Set(*role),
            created_at: Set(now - Duration::days(800)),
            deactivated_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        user_ids.push(user.id);
        handles.push(user.handle);
    }
    let maintainer = CurrentUser { id: user_ids[1], email: MAINTAINER.to_owned(), role: Role::Maintainer, credential: Credential::Session(String::new()) };
    let mut tag_ids = Vec::new();
    for (name, colour) in TAGS {
        let tag = tags::ActiveModel { name: Set((*name).to_owned()), name_key: Set((*name).to_owned()), colour: Set(*colour), created_at: Set(now), ..Default::default() };
        tag_ids.push(tag.insert(&txn).await?.id);
    }
    txn.commit().await?;

    let span = Duration::days(730);
    let (mut comment_id, mut event_id) = (0_i64, 0_i64);
    let (mut comment_total, mut event_total, mut tag_total) = (0, 0, 0);
    let mut rows = Rows::default();
    for n in 0..count {
        let id = n as i64 + 1;
        let reporter = user_ids[1 + MAINTAINERS + rng.below(REPORTERS)];
        let triager = user_ids[1 + rng.below(MAINTAINERS)];
        // Oldest first, so ids and creation times rise together as they do in real use.
        let created = now - span + Duration::seconds(span.num_seconds() * n as i64 / count.max(1) as i64) + Duration::seconds(rng.below(600) as i64);
        let created = created.min(now);
        let severity = Severity::ALL[rng.weighted(&[30, 40, 20, 10])];
        let status = Status::ALL[rng.weighted(&[40, 20, 15, 25])];
        let title = vocabulary.title(&mut rng);
        let mut at = created;
        let mut later = |rng: &mut Rng| {
            at = (at + Duration::minutes(1 + rng.below(3 * 24 * 60) as i64)).min(now);
            at
        };
        let mut event = |change: Change, actor: i64, when: DateTime<Utc>| {
            event_id += 1;
            let mut row = app::activity::service::row(id, actor, change, when);
            row.id = Set(event_id);
            row
        };
        let mut history = vec![event(Change::Created { title: title.clone() }, reporter, created)];
        let chosen: Vec<usize> = (0..rng.weighted(&[35, 35, 20, 10])).map(|_| rng.below(tag_ids.len())).collect();
        let mut chosen_ids: Vec<i64> = chosen.iter().map(|i| tag_ids[*i]).collect();
        chosen_ids.sort_unstable();
        chosen_ids.dedup();
        if !chosen_ids.is_empty() {
            let names = chosen_ids.iter().map(|t| TAGS[tag_ids.iter().position(|x| x == t).unwrap_or(0)].0.to_owned()).collect();
            history.push(event(Change::Tags { from: Vec::new(), to: names }, reporter, created));
        }
        if rng.below(5) == 0 {
            let from = Severity::ALL[rng.below(4)];
            let when = later(&mut rng);
            history.push(event(Change::Severity { from, to: severity }, triager, when));
        }
        for step in 1..=status as usize {
            let when = later(&mut rng);
            history.push(event(Change::Status { from: Status::ALL[step - 1], to: Status::ALL[step] }, triager, when));
        }
        for _ in 0..rng.weighted(&[30, 30, 20, 10, 10]) {
            comment_id += 1;
            let when = later(&mut rng);
            let author = if rng.below(2) == 0 { reporter } else { triager };
            rows.comments.push(comments::ActiveModel {
                id: Set(comment_id),
                issue_id: Set(id),
                author_id: Set(author),
                body: Set(vocabulary.comment(&mut rng)),
                created_at: Set(when),
                edited_at: Set(None),
                deleted_at: Set(None),
            });
        }
        let version = history.len() as i64;
        rows.issues.push(issues::ActiveModel {
            id: Set(id),
            description: Set(vocabulary.description(&mut rng, &title)),
            title: Set(title),
            severity: Set(severity),
            status: Set(status),
            reporter_id: Set(reporter),
            assignee_id: Set(None),
            created_at: Set(created),
            updated_at: Set(at),
            version: Set(version),
            // One in a hundred was deleted: the list must keep stepping over them.
            deleted_at: Set((rng.below(100) == 0).then_some(at)),
            template_id: Set(None),
        });
        rows.events.extend(history);
        rows.issue_tags.extend(chosen_ids.into_iter().map(|tag_id| issue_tags::ActiveModel { issue_id: Set(id), tag_id: Set(tag_id) }));
        if rows.issues.len() == 5_000 || n + 1 == count {
            let batch = std::mem::take(&mut rows);
            let txn = db.begin().await?;
            insert_batches(&txn, batch.issues, 10).await?;
            comment_total += insert_batches(&txn, batch.comments, 7).await?;
            event_total += insert_batches(&txn, batch.events, 7).await?;
            tag_total += insert_batches(&txn, batch.issue_tags, 2).await?;
            txn.commit().await?;
        }
    }
    if db.get_database_backend() == DbBackend::Postgres {
        // Ids were given explicitly, so the sequences must be moved past them.
        for table in ["issues", "comments", "issue_events"] {
            db.execute_unprepared(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))")).await?;
        }
        // What autovacuum does soon after a bulk load anyway: statistics and the visibility map.
        db.execute_unprepared("VACUUM ANALYZE").await?;
    } else {
        // No ANALYZE: the app never runs it on SQLite, so the planner sees what it sees in use.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    }
    Ok(Seeded { users: accounts.len(), tags: TAGS.len(), issues: count, comments: comment_total, events: event_total, issue_tags: tag_total, maintainer, assignee: user_ids[2], mentioned: vec![handles[3].clone(), handles[0].clone()] })
}

/// The list views the benchmark loads, by name: the page (S1), a filtered list and a search (S2).
pub fn bench_filters() -> Vec<(&'static str, IssueFilter)> {
    vec![
        ("page", IssueFilter { status: Some(Status::Open), sort: IssueSort::Severity, ..Default::default() }),
        ("filter", IssueFilter { status: Some(Status::Open), severity: Some(Severity::High), tag: Some("regression".into()), ..Default::default() }),
        ("search", IssueFilter { q: Some("timeout session".into()), ..Default::default() }),
    ]
}

/// What `cargo xtask bench` reads back: the counts, the account it signs in as, the paths of the
/// server functions it calls (they carry a hash of where the app was built) and, for each list
/// view, its URL, its filter and the SQL the list runs for it (page, then total).
pub fn manifest(backend: DbBackend, seeded: &Seeded, seconds: f64) -> serde_json::Value {
    use app::{auth::api::LogIn, issues::api::{CreateIssue, ListIssues, SimilarIssues, TransitionIssue}};
    use leptos::server_fn::ServerFn;
    let views: serde_json::Map<String, serde_json::Value> = bench_filters()
        .into_iter()
        .map(|(name, filter)| {
            let sql: Vec<String> = app::issues::list::statements(backend, &seeded.maintainer, &filter).iter().map(ToString::to_string).collect();
            let view = serde_json::json!({ "url": format!("/issues{}", filter.to_query()), "filter": filter, "sql": sql });
            (name.to_owned(), view)
        })
        .collect();
    serde_json::json!({
        "seconds": seconds,
        "users": seeded.users,
        "tags": seeded.tags,
        "issues": seeded.issues,
        "comments": seeded.comments,
        "issue_events": seeded.events,
        "issue_tags": seeded.issue_tags,
        "maintainer": MAINTAINER,
        "assignee_id": seeded.assignee,
        "mentioned": seeded.mentioned,
        "paths": {
            "log_in": <LogIn as ServerFn>::PATH,
            "list_issues": <ListIssues as ServerFn>::PATH,
            "create_issue": <CreateIssue as ServerFn>::PATH,
            "transition_issue": <TransitionIssue as ServerFn>::PATH,
            "similar_issues": <SimilarIssues as ServerFn>::PATH,
        },
        "views": views,
    })
}
