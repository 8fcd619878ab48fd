//! The list's queries at 100,000 issues read indexes, on both databases: the plans are
//! asked of the databases themselves, for the SQL the list really runs.
use crate::common::{TestDb, insert_issue, insert_user};
use app::{
    auth::model::{Credential, CurrentUser},
    domain::Role,
    issues::{list::statements, model::{AssigneeFilter, IssueFilter, IssueSort}},
    server::entities::issues,
};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait, Statement};

on_both_databases!(list_queries_use_indexes_at_100k_issues, the_mailers_queries_read_only_what_is_due);

const ISSUES: i64 = 100_000;

async fn seed(db: &DatabaseConnection, first_user: i64) {
    let backend = db.get_database_backend();
    let (series, ts) = match backend {
        DbBackend::Postgres => ("generate_series(1, 100000) AS seq(n)", "now() - n * interval '1 minute'"),
        _ => ("seq", "strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || n || ' minutes') || ' +00:00'"),
    };
    let with = if backend == DbBackend::Postgres { String::new() } else { format!("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {ISSUES}) ") };
    let sql = format!(
        "{with}INSERT INTO issues (title, description, severity, status, reporter_id, created_at, updated_at, version) \
         SELECT 'Issue ' || n || CASE n % 3 WHEN 0 THEN ' crash on save' WHEN 1 THEN ' layout glitch' ELSE ' export fails' END, \
         'Steps to reproduce number ' || n, \
         CASE n % 4 WHEN 0 THEN 'LOW' WHEN 1 THEN 'MEDIUM' WHEN 2 THEN 'HIGH' ELSE 'CRITICAL' END, \
         CASE n % 4 WHEN 0 THEN 'OPEN' WHEN 1 THEN 'TRIAGED' WHEN 2 THEN 'IN_PROGRESS' ELSE 'DONE' END, \
         {first_user} + n % 10, {ts}, {ts}, 1 FROM {series}"
    );
    db.execute_unprepared(&sql).await.expect("seed issues");
    // Two in three issues have an owner, spread over five people.
    db.execute_unprepared(&format!("UPDATE issues SET assignee_id = {first_user} + id % 5 WHERE id % 3 <> 0")).await.expect("seed assignees");
    for t in 0..5 {
        db.execute_unprepared(&format!("INSERT INTO tags (name, name_key, colour, created_at) VALUES ('t{t}', 't{t}', 'RED', CURRENT_TIMESTAMP)")).await.unwrap();
    }
    db.execute_unprepared("INSERT INTO issue_tags (issue_id, tag_id) SELECT issues.id, tags.id FROM issues JOIN tags ON tags.name_key = 't' || (issues.id % 5)")
        .await
        .expect("seed tags");
    // PostgreSQL keeps statistics by itself (autovacuum); SQLite runs without them, as the
    // server leaves it (with them it drove the tag filter from the tag, through slow row lookups).
    if backend == DbBackend::Postgres {
        db.execute_unprepared("VACUUM ANALYZE").await.unwrap();
    }
}

async fn plan(db: &DatabaseConnection, statement: &Statement) -> Vec<String> {
    let backend = db.get_database_backend();
    let (prefix, column) = match backend {
        DbBackend::Postgres => ("EXPLAIN ", "QUERY PLAN"),
        _ => ("EXPLAIN QUERY PLAN ", "detail"),
    };
    let explain = Statement::from_sql_and_values(backend, format!("{prefix}{}", statement.sql), statement.values.clone().map(|v| v.0).unwrap_or_default());
    db.query_all_raw(explain).await.expect("explain").iter().map(|row| row.try_get::<String>("", column).unwrap()).collect()
}

/// A full read of the issues table, in either database's words.
fn full_scan(line: &str) -> bool {
    let line = line.trim_start_matches([' ', '-', '>']);
    line.starts_with("Seq Scan on issues") || line.starts_with("Parallel Seq Scan on issues") || line == "SCAN issues"
}

/// Sorting every matching row instead of reading them in order from an index.
fn sorts_rows(line: &str) -> bool {
    line.contains("USE TEMP B-TREE FOR ORDER BY") || line.trim_start_matches([' ', '-', '>']).starts_with("Sort ")
}

async fn list_queries_use_indexes_at_100k_issues(db: TestDb) {
    let conn = Database::connect(&db.url).await.unwrap();
    <migration::Migrator as migration::MigratorTrait>::up(&conn, None).await.unwrap();
    let mut users = Vec::new();
    for n in 0..10 {
        users.push(insert_user(&conn, &format!("user{n}@example.com"), Role::Reporter).await);
    }
    seed(&conn, users[0].id).await;
    let deep = issues::Entity::find_by_id(90_000).one(&conn).await.unwrap().unwrap();
    let cursor = format!("{}.{}.{}", deep.severity.rank(), deep.created_at.timestamp_nanos_opt().unwrap(), deep.id);
    let as_role = |role: Role, id: i64| CurrentUser { id, email: String::new(), role, credential: Credential::Session(String::new()) };
    let maintainer = as_role(Role::Maintainer, 0);
    let reporter = as_role(Role::Reporter, users[3].id);
    let owner = as_role(Role::Maintainer, users[1].id);
    let admin = as_role(Role::Admin, 0);
    let f = IssueFilter::default;
    let cases: Vec<(&str, &CurrentUser, IssueFilter)> = vec![
        ("newest", &maintainer, f()),
        ("recently updated", &maintainer, IssueFilter { sort: IssueSort::Updated, ..f() }),
        ("most severe", &maintainer, IssueFilter { sort: IssueSort::Severity, ..f() }),
        ("status", &maintainer, IssueFilter { status: Some(app::domain::Status::Open), ..f() }),
        ("status, most severe", &maintainer, IssueFilter { status: Some(app::domain::Status::Open), sort: IssueSort::Severity, ..f() }),
        ("status, recently updated", &maintainer, IssueFilter { status: Some(app::domain::Status::Open), sort: IssueSort::Updated, ..f() }),
        ("status and severity", &maintainer, IssueFilter { status: Some(app::domain::Status::Open), severity: Some(app::domain::Severity::High), ..f() }),
        (
            "status, severity and tag",
            &maintainer,
            IssueFilter { status: Some(app::domain::Status::Open), severity: Some(app::domain::Severity::High), tag: Some("t3".into()), ..f() },
        ),
        ("severity", &maintainer, IssueFilter { severity: Some(app::domain::Severity::High), ..f() }),
        ("tag", &maintainer, IssueFilter { tag: Some("t3".into()), ..f() }),
        ("reporter filter", &maintainer, IssueFilter { reporter: Some("user3@example.com".into()), ..f() }),
        ("reporter by handle", &maintainer, IssueFilter { reporter: Some("user3".into()), ..f() }),
        ("assigned to me", &owner, IssueFilter { assignee: Some(AssigneeFilter::Me), ..f() }),
        ("assigned to a handle", &maintainer, IssueFilter { assignee: Some(AssigneeFilter::Handle("user2".into())), ..f() }),
        ("assigned to nobody", &maintainer, IssueFilter { assignee: Some(AssigneeFilter::Nobody), ..f() }),
        ("open and assigned to me", &owner, IssueFilter { open: true, assignee: Some(AssigneeFilter::Me), ..f() }),
        ("a reporter's own list", &reporter, f()),
        ("deep page, newest", &maintainer, IssueFilter { after: Some(cursor.clone()), ..f() }),
        ("deep page, most severe", &maintainer, IssueFilter { after: Some(cursor.clone()), sort: IssueSort::Severity, ..f() }),
        ("deleted (admins)", &admin, IssueFilter { deleted: true, ..f() }),
        ("search", &maintainer, IssueFilter { q: Some("crash save".into()), ..f() }),
    ];
    let backend = conn.get_database_backend();
    let mut failures = Vec::new();
    for (name, actor, filter) in &cases {
        let [page, count] = statements(backend, actor, filter);
        let page_plan = plan(&conn, &page).await;
        let count_plan = plan(&conn, &count).await;
        println!("--- {name} ({backend:?})\npage:\n  {}\ncount:\n  {}", page_plan.join("\n  "), count_plan.join("\n  "));
        if page_plan.iter().any(|l| full_scan(l)) {
            failures.push(format!("{name}: the page reads the whole table"));
        }
        // Search, tag and deleted filters find their rows through their own index and sort
        // only those; everything else reads the list's index in order and stops after a page.
        let own_index = filter.q.is_some() || filter.tag.is_some() || filter.deleted;
        if !own_index && page_plan.iter().any(|l| sorts_rows(l)) {
            failures.push(format!("{name}: the page sorts instead of reading an index in order"));
        }
        // Counting everything reads everything; a broad tag or word (a fifth of the issues here)
        // may be cheaper to count by reading the table, which the planner is free to choose.
        let counts_all = !filter.narrows() && actor.can_triage();
        if !counts_all && filter.tag.is_none() && filter.q.is_none() && count_plan.iter().any(|l| full_scan(l)) {
            failures.push(format!("{name}: the count reads the whole table"));
        }
    }
    // Each key of the search box's query language alone: the page never reads the whole table,
    // and neither does its total, except for a negation (counting what lacks a tag reads them all).
    let keys = [
        "is:open", "is:closed", "status:triaged", "severity:>=high", "severity:<medium", "tag:t3", "assignee:me", "assignee:none",
        "assignee:user2", "reporter:user3", "created:>2026-01-01", "created:<30d", "updated:<7d", "sort:severity is:open", "sort:updated",
    ];
    for q in keys {
        let actor = if q.starts_with("assignee:me") { &owner } else { &maintainer };
        let filter = IssueFilter { q: Some(q.into()), ..f() };
        let [page, count] = statements(backend, actor, &filter);
        let page_plan = plan(&conn, &page).await;
        let count_plan = plan(&conn, &count).await;
        println!("--- q={q} ({backend:?})\npage:\n  {}\ncount:\n  {}", page_plan.join("\n  "), count_plan.join("\n  "));
        if page_plan.iter().any(|l| full_scan(l)) {
            failures.push(format!("q={q}: the page reads the whole table"));
        }
        if count_plan.iter().any(|l| full_scan(l)) {
            failures.push(format!("q={q}: the count reads the whole table"));
        }
    }
    // The filing page's look-alike issues, for a maintainer and for a reporter: found through
    // the full-text index, never by reading the table. (Words most issues here hold, like
    // "crash", may be cheaper to find by reading the table, as with the search: rarer ones.)
    for (who, actor) in [("maintainer", &maintainer), ("reporter", &reporter)] {
        let statement = app::issues::alike::statement(backend, actor, "Glitch 4242 after 4243").expect("words to look up");
        let plan = plan(&conn, &statement).await;
        println!("--- look-alike for a {who} ({backend:?})\n{}\n  {}", statement.sql, plan.join("\n  "));
        if plan.iter().any(|l| full_scan(l)) {
            failures.push(format!("look-alike for a {who}: reads the whole table"));
        }
    }
    if backend == DbBackend::Sqlite {
        // The tag filter combined with status and severity walks the status-and-severity index
        // and checks each issue's tags, for the page and for its total.
        let both = IssueFilter { status: Some(app::domain::Status::Open), severity: Some(app::domain::Severity::High), tag: Some("t3".into()), ..f() };
        for statement in statements(backend, &maintainer, &both) {
            let plan = plan(&conn, &statement).await;
            if !plan.iter().any(|l| l.contains("idx_live_issues_status_severity")) {
                failures.push(format!("status, severity and tag: not driven by the status-and-severity index: {plan:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    conn.close().await.ok();
}

/// The mailer looks for notifications due by mail every few seconds (and after every change
/// that notifies): at 50,000 notifications already mailed, it reads its partial indexes, which
/// hold only what is due, never the table. The bell's unread count and reading an issue read
/// the index of the unread.
async fn the_mailers_queries_read_only_what_is_due(db: TestDb) {
    let conn = Database::connect(&db.url).await.unwrap();
    <migration::Migrator as migration::MigratorTrait>::up(&conn, None).await.unwrap();
    let user = insert_user(&conn, "reader@example.com", Role::Maintainer).await;
    let issue = insert_issue(&conn, &user, "Mailed about", app::domain::Severity::Low, app::domain::Status::Open, chrono::Utc::now()).await;
    let backend = conn.get_database_backend();
    let (with, series) = match backend {
        DbBackend::Postgres => (String::new(), "generate_series(1, 50000) AS seq(n)"),
        _ => ("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 50000) ".to_owned(), "seq"),
    };
    // All mailed but the last five, which wait for mail at once or for a digest; all read but
    // the last ten.
    let sql = format!(
        "{with}INSERT INTO notifications (user_id, issue_id, actor_id, kind, reason, detail, created_at, read_at, digest_due, email_due) \
         SELECT {user}, {issue}, {user}, 'COMMENT', 'WATCHING', '', CURRENT_TIMESTAMP, CASE WHEN n <= 49990 THEN CURRENT_TIMESTAMP END, n > 49997, n > 49995 AND n <= 49997 FROM {series}",
        user = user.id,
        issue = issue.id,
    );
    conn.execute_unprepared(&sql).await.expect("seed notifications");
    if backend == DbBackend::Postgres {
        conn.execute_unprepared("VACUUM ANALYZE notifications").await.unwrap();
    }
    use sea_orm::QueryTrait;
    let reader = CurrentUser { id: user.id, email: String::new(), role: Role::Maintainer, credential: Credential::Session(String::new()) };
    let cases = [
        ("due by mail", app::notifications::mailer::due_by_email().build(backend), "idx_notifications_email"),
        ("waiting for a digest", app::notifications::mailer::waiting_for_digest(chrono::Utc::now() + chrono::Duration::hours(1)).build(backend), "idx_notifications_digest"),
        ("the unread count", app::notifications::service::unread_of(&reader).build(backend), "idx_notifications_unread_issue"),
        ("reading the issue", app::notifications::service::issue_read(user.id, issue.id).build(backend), "idx_notifications_unread_issue"),
    ];
    for (name, statement, index) in cases {
        let plan = plan(&conn, &statement).await;
        println!("--- {name} ({backend:?})\n{}\n  {}", statement.sql, plan.join("\n  "));
        assert!(plan.iter().any(|line| line.contains(index)), "{name}: not read through {index}: {plan:?}");
    }
    assert_eq!(app::notifications::mailer::due_by_email().all(&conn).await.unwrap().len(), 2);
    assert_eq!(app::notifications::service::unread_count(&conn, &reader).await.unwrap(), 10);
    conn.close().await.ok();
}
