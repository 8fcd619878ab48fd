//! The daily statistics job and the dashboard: hand-computed fixtures over several UTC days,
//! status and severity changes, soft deletes and time zones; idempotence; backfill; one run
//! per tick across instances; the dashboard's scopes and permissions.
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use app::{
    activity::model::Change,
    domain::{Role, Severity, Status},
    server::{
        entities::{daily_stats, issues, stats_medians, stats_runs, users},
        job_lock::JobLock,
    },
    stats::{
        api::{GetDashboard, RunStats},
        service::{ADVISORY_LOCK_KEY, Trigger, run},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::server_fn::ServerFn;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, Database, DatabaseBackend, EntityTrait, IntoActiveModel, PaginatorTrait, QueryOrder, Set, Statement,
    TransactionTrait,
};
use serde_json::Value;

on_both_databases!(
    each_day_is_counted_from_the_history,
    history_read_a_chunk_at_a_time_is_the_same_history,
    running_twice_gives_identical_rows,
    days_missed_while_down_are_backfilled,
    a_tick_runs_once,
    the_dashboard_counts_what_the_user_may_see,
    days_since_the_last_run_are_counted_as_asked,
    only_admins_recompute_and_the_window_is_checked,
);

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Records a status change the way the services do, at a chosen time.
async fn change(app: &TestApp, issue: &issues::Model, actor: &users::Model, from: Status, to: Status, when: &str) {
    record(app, issue, actor, Change::Status { from, to }, when).await
}

async fn record(app: &TestApp, issue: &issues::Model, actor: &users::Model, change: Change, when: &str) {
    app::activity::service::row(issue.id, actor.id, change, at(when)).insert(app.db()).await.unwrap();
}

/// Five issues over 1–4 March 2026 (UTC), with the counts each day should get written next to
/// the steps that make them.
async fn fixture(app: &TestApp) -> users::Model {
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let mo = insert_user(app.db(), "mo@example.com", Role::Maintainer).await;
    // A: high; triaged on the 1st, in progress on the 2nd, done one second before midnight on the 3rd.
    let a = insert_issue(app.db(), &rita, "A", Severity::High, Status::Done, at("2026-03-01T09:00:00Z")).await;
    change(app, &a, &mo, Status::Open, Status::Triaged, "2026-03-01T15:00:00Z").await;
    change(app, &a, &mo, Status::Triaged, Status::InProgress, "2026-03-02T10:00:00Z").await;
    change(app, &a, &mo, Status::InProgress, Status::Done, "2026-03-03T23:59:59Z").await;
    // B: filed at 01:30 on the 2nd in UTC+2, which is 23:30 on the 1st in UTC; low until midnight
    // UTC on the 3rd, critical since; never triaged.
    let b = insert_issue(app.db(), &rita, "B", Severity::Critical, Status::Open, at("2026-03-02T01:30:00+02:00")).await;
    record(app, &b, &mo, Change::Severity { from: Severity::Low, to: Severity::Critical }, "2026-03-03T00:00:00Z").await;
    // C: medium; done on the 2nd, reopened on the 3rd.
    let c = insert_issue(app.db(), &mo, "C", Severity::Medium, Status::Open, at("2026-03-02T12:00:00Z")).await;
    change(app, &c, &mo, Status::Open, Status::Triaged, "2026-03-02T13:00:00Z").await;
    change(app, &c, &mo, Status::Triaged, Status::InProgress, "2026-03-02T14:00:00Z").await;
    change(app, &c, &mo, Status::InProgress, Status::Done, "2026-03-02T18:00:00Z").await;
    change(app, &c, &mo, Status::Done, Status::Open, "2026-03-03T09:00:00Z").await;
    // D: deleted, so it counts nowhere, on no day.
    let d = insert_issue(app.db(), &rita, "D", Severity::Critical, Status::Open, at("2026-03-02T08:00:00Z")).await;
    change(app, &d, &mo, Status::Open, Status::Triaged, "2026-03-02T09:00:00Z").await;
    let mut deleted = d.into_active_model();
    deleted.deleted_at = Set(Some(at("2026-03-03T10:00:00Z")));
    deleted.update(app.db()).await.unwrap();
    // E: high, filed on the 4th.
    insert_issue(app.db(), &mo, "E", Severity::High, Status::Open, at("2026-03-04T08:00:00Z")).await;
    rita
}

/// (day, [open, triaged, in progress, done], [low, medium, high, critical] not done, created, resolved)
type Row = (NaiveDate, [i64; 4], [i64; 4], i64, i64);

async fn rows(app: &TestApp) -> Vec<Row> {
    daily_stats::Entity::find()
        .order_by_asc(daily_stats::Column::Day)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.day, [r.open, r.triaged, r.in_progress, r.done], [r.low, r.medium, r.high, r.critical], r.created, r.resolved))
        .collect()
}

const NOW: &str = "2026-03-04T12:00:00Z";

async fn each_day_is_counted_from_the_history(db: TestDb) {
    let app = spawn_app(db).await;
    fixture(&app).await;

    let summary = run(app.db(), &app.state.stats_job, Trigger::Manual { actor_id: None }, at(NOW)).await.unwrap().expect("a manual run always runs");

    assert_eq!((summary.from, summary.to, summary.days), (day("2026-03-01"), day("2026-03-04"), 4));
    assert_eq!(
        rows(&app).await,
        [
            // A triaged, B open (low, in UTC it was filed on the 1st).
            (day("2026-03-01"), [1, 1, 0, 0], [1, 0, 1, 0], 2, 0),
            // A in progress, B open, C done; C was filed and resolved.
            (day("2026-03-02"), [1, 0, 1, 1], [1, 0, 1, 0], 1, 1),
            // A done at 23:59:59, B critical from 00:00, C reopened.
            (day("2026-03-03"), [2, 0, 0, 1], [0, 1, 0, 1], 0, 1),
            // E filed.
            (day("2026-03-04"), [3, 0, 0, 1], [0, 1, 1, 1], 1, 0),
        ]
    );
    let medians: Vec<_> = stats_medians::Entity::find().all(app.db()).await.unwrap().into_iter().map(|m| (m.severity, m.triaged, m.triage_seconds, m.resolved, m.resolve_seconds)).collect();
    let of = |severity| medians.iter().find(|m| m.0 == severity).copied().unwrap();
    // A: triaged after 6 h, done after 2 d 14:59:59. C: triaged after 1 h, done after 6 h.
    assert_eq!(of(Severity::High), (Severity::High, 1, Some(6 * 3600), 1, Some(2 * 86_400 + 14 * 3600 + 59 * 60 + 59)));
    assert_eq!(of(Severity::Medium), (Severity::Medium, 1, Some(3600), 1, Some(6 * 3600)));
    assert_eq!(of(Severity::Critical), (Severity::Critical, 0, None, 0, None), "B was never triaged and D is deleted");
    let logged = stats_runs::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((logged.trigger.as_str(), logged.tick, logged.days), ("manual", None, 4));
}

async fn history_read_a_chunk_at_a_time_is_the_same_history(db: TestDb) {
    use app::{access::IssueScope, stats::service::{each_history_in, load_history}};
    let app = spawn_app(db).await;
    let rita = fixture(&app).await;
    for scope in [IssueScope::Every, IssueScope::ReportedBy(rita.id)] {
        let whole = load_history(app.db(), scope).await.unwrap();
        for chunk in [1, 2, 3] {
            let mut read = Vec::new();
            let count = each_history_in(app.db(), scope, chunk, |issue| read.push(issue)).await.unwrap();
            assert_eq!(read, whole, "{chunk} at a time, {scope:?}");
            assert_eq!(count, whole.len());
        }
    }
    // The deleted issue counts nowhere; the reporter's own are A, B and (deleted) D.
    assert_eq!(load_history(app.db(), IssueScope::Every).await.unwrap().len(), 4);
    assert_eq!(load_history(app.db(), IssueScope::ReportedBy(rita.id)).await.unwrap().len(), 2);
    let b = &load_history(app.db(), IssueScope::ReportedBy(rita.id)).await.unwrap()[1];
    assert_eq!((b.severity, b.changes.len()), (Severity::Low, 1), "B starts low and changes once");
}

async fn running_twice_gives_identical_rows(db: TestDb) {
    let app = spawn_app(db).await;
    fixture(&app).await;
    run(app.db(), &app.state.stats_job, Trigger::Manual { actor_id: None }, at(NOW)).await.unwrap();
    let first = daily_stats::Entity::find().order_by_asc(daily_stats::Column::Day).all(app.db()).await.unwrap();

    run(app.db(), &app.state.stats_job, Trigger::Manual { actor_id: None }, at(NOW)).await.unwrap();

    assert_eq!(daily_stats::Entity::find().order_by_asc(daily_stats::Column::Day).all(app.db()).await.unwrap(), first);
    assert_eq!(stats_medians::Entity::find().count(app.db()).await.unwrap(), 4);
    assert_eq!(stats_runs::Entity::find().count(app.db()).await.unwrap(), 2, "each run is logged");
}

async fn days_missed_while_down_are_backfilled(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    insert_issue(app.db(), &rita, "Old", Severity::Low, Status::Open, at("2026-01-05T10:00:00Z")).await;
    run(app.db(), &app.state.stats_job, Trigger::Manual { actor_id: None }, at("2026-01-10T12:00:00Z")).await.unwrap();
    assert_eq!(rows(&app).await.len(), 6, "5 to 10 January");

    // Down for almost five months: far more than the 90 days every run rewrites.
    let summary = run(app.db(), &app.state.stats_job, Trigger::Manual { actor_id: None }, at("2026-06-01T08:00:00Z")).await.unwrap().unwrap();

    assert_eq!((summary.from, summary.to), (day("2026-01-10"), day("2026-06-01")));
    let rows = rows(&app).await;
    let expected_days: Vec<NaiveDate> = day("2026-01-05").iter_days().take_while(|d| *d <= day("2026-06-01")).collect();
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), expected_days, "no day is missing");
    let april = rows.iter().find(|r| r.0 == day("2026-04-01")).unwrap();
    assert_eq!((april.1, april.2), ([1, 0, 0, 0], [1, 0, 0, 0]));
}

async fn a_tick_runs_once(db: TestDb) {
    let app = spawn_app(db).await;
    fixture(&app).await;

    assert!(run(app.db(), &app.state.stats_job, Trigger::Schedule { tick: 7 }, at(NOW)).await.unwrap().is_some());
    assert!(run(app.db(), &app.state.stats_job, Trigger::Schedule { tick: 7 }, at(NOW)).await.unwrap().is_none(), "the tick already ran");
    assert!(run(app.db(), &app.state.stats_job, Trigger::Schedule { tick: 8 }, at(NOW)).await.unwrap().is_some());

    let ticks: Vec<Option<i64>> = stats_runs::Entity::find().order_by_asc(stats_runs::Column::Id).all(app.db()).await.unwrap().into_iter().map(|r| r.tick).collect();
    assert_eq!(ticks, [Some(7), Some(8)]);
}

/// Two server instances on one PostgreSQL database both wake for the same ticks: exactly one
/// of them runs each tick, and a tick whose lock another instance holds is skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_run_each_tick_once() {
    let db = TestDb::postgres().await;
    let url = db.url.clone();
    let a = spawn_app(db).await;
    let (b, b_lock) = (Database::connect(&url).await.unwrap(), JobLock::default());
    fixture(&a).await;

    for tick in 100..110 {
        let (on_a, on_b) = tokio::join!(run(a.db(), &a.state.stats_job, Trigger::Schedule { tick }, at(NOW)), run(&b, &b_lock, Trigger::Schedule { tick }, at(NOW)));
        let ran = [on_a.unwrap().is_some(), on_b.unwrap().is_some()];
        assert_eq!(ran.iter().filter(|r| **r).count(), 1, "tick {tick}: {ran:?}");
    }
    assert_eq!(stats_runs::Entity::find().count(a.db()).await.unwrap(), 10);

    // While another instance holds the job's lock (it is mid-run), a scheduled run steps aside.
    let holder = b.begin().await.unwrap();
    holder.execute_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, "SELECT pg_advisory_xact_lock($1)", [ADVISORY_LOCK_KEY.into()])).await.unwrap();
    assert!(run(a.db(), &a.state.stats_job, Trigger::Schedule { tick: 200 }, at(NOW)).await.unwrap().is_none());
    holder.rollback().await.unwrap();
    assert!(run(a.db(), &a.state.stats_job, Trigger::Schedule { tick: 200 }, at(NOW)).await.unwrap().is_some(), "free again once that run ends");
}

async fn dashboard(client: &reqwest::Client, app: &TestApp, days: &str) -> reqwest::Response {
    call(client, app, GetDashboard::PATH, &[("days", days)]).await
}

fn pairs(value: &Value) -> Vec<(String, i64)> {
    value.as_array().unwrap().iter().map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_i64().unwrap())).collect()
}

async fn the_dashboard_counts_what_the_user_may_see(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, as_rita) = app.signed_in("rita2@example.com", Role::Reporter).await;
    let (mo, as_mo) = app.signed_in("mo2@example.com", Role::Maintainer).await;
    let now = Utc::now();
    let own = insert_issue(app.db(), &rita, "Mine", Severity::Critical, Status::Open, now - chrono::TimeDelta::days(3)).await;
    insert_issue(app.db(), &rita, "Mine, done", Severity::Low, Status::Done, now - chrono::TimeDelta::days(2)).await;
    insert_issue(app.db(), &mo, "Theirs", Severity::High, Status::Triaged, now - chrono::TimeDelta::days(5)).await;
    insert_issue(app.db(), &mo, "Theirs too", Severity::High, Status::Open, now).await;
    run(app.db(), &app.state.stats_job, Trigger::Manual { actor_id: None }, now).await.unwrap();

    let everyone: Value = dashboard(&as_mo, &app, "30").await.json().await.unwrap();
    assert_eq!(everyone["scope"], "Everyone");
    assert_eq!(pairs(&everyone["open_by_severity"]), [("LOW".into(), 0), ("MEDIUM".into(), 0), ("HIGH".into(), 2), ("CRITICAL".into(), 1)]);
    assert_eq!(pairs(&everyone["by_status"]), [("OPEN".into(), 2), ("TRIAGED".into(), 1), ("IN_PROGRESS".into(), 0), ("DONE".into(), 1)]);
    let trend = everyone["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 30);
    assert_eq!(trend.iter().map(|d| d["created"].as_i64().unwrap()).sum::<i64>(), 4);
    let oldest: Vec<&str> = everyone["oldest"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(oldest, ["Theirs", "Mine", "Theirs too"]);
    assert_eq!(everyone["can_recompute"], false);
    // The charts come built: each an ECharts option (JSON text) holding the same numbers.
    let option = |name: &str| serde_json::from_str::<Value>(everyone["charts"][name].as_str().unwrap()).unwrap();
    let bar_values = |chart: Value| chart["series"][0]["data"].as_array().unwrap().iter().map(|p| p["value"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(bar_values(option("open_by_severity")), [0, 0, 2, 1]);
    assert_eq!(bar_values(option("by_status")), [2, 1, 0, 1]);
    assert_eq!(option("trend")["series"][0]["data"].as_array().unwrap().iter().map(|n| n.as_i64().unwrap()).sum::<i64>(), 4);

    let own_view: Value = dashboard(&as_rita, &app, "90").await.json().await.unwrap();
    assert_eq!(own_view["scope"], "Own");
    assert_eq!(pairs(&own_view["open_by_severity"]), [("LOW".into(), 0), ("MEDIUM".into(), 0), ("HIGH".into(), 0), ("CRITICAL".into(), 1)]);
    assert_eq!(pairs(&own_view["by_status"]), [("OPEN".into(), 1), ("TRIAGED".into(), 0), ("IN_PROGRESS".into(), 0), ("DONE".into(), 1)]);
    assert_eq!(own_view["trend"].as_array().unwrap().len(), 90);
    assert_eq!(own_view["trend"].as_array().unwrap().iter().map(|d| d["created"].as_i64().unwrap()).sum::<i64>(), 2);
    let oldest: Vec<i64> = own_view["oldest"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(oldest, [own.id], "nothing of anyone else's, not even an id");
    assert!(!own_view.to_string().contains("Theirs"));

    // The counts are live: a change shows at once, without waiting for the job.
    let mut done = own.into_active_model();
    done.status = Set(Status::Done);
    done.update(app.db()).await.unwrap();
    let after: Value = dashboard(&as_rita, &app, "30").await.json().await.unwrap();
    assert_eq!(pairs(&after["open_by_severity"])[3], ("CRITICAL".into(), 0));

    let anonymous = dashboard(&crate::common::new_client(), &app, "30").await;
    assert_eq!(anonymous.status(), 401);
}

async fn days_since_the_last_run_are_counted_as_asked(db: TestDb) {
    let app = spawn_app(db).await;
    let (mo, as_mo) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let now = Utc::now();
    let days_ago = |n: i64| now - chrono::TimeDelta::days(n);
    insert_issue(app.db(), &mo, "Before the run", Severity::Low, Status::Open, days_ago(3)).await;
    run(app.db(), &app.state.stats_job, Trigger::Manual { actor_id: None }, days_ago(2)).await.unwrap();
    // Everything after the run: nothing of it is in the stored rows.
    insert_issue(app.db(), &mo, "Yesterday", Severity::Low, Status::Open, days_ago(1)).await;
    let today = insert_issue(app.db(), &mo, "Today", Severity::High, Status::Done, now).await;
    let stamp = now.to_rfc3339();
    change(&app, &today, &mo, Status::Open, Status::Done, &stamp).await;
    change(&app, &today, &mo, Status::Done, Status::Open, &stamp).await;
    change(&app, &today, &mo, Status::Open, Status::Done, &stamp).await;
    let gone = insert_issue(app.db(), &mo, "Deleted today", Severity::High, Status::Done, now).await;
    change(&app, &gone, &mo, Status::Open, Status::Done, &stamp).await;
    let mut deleted = gone.into_active_model();
    deleted.deleted_at = Set(Some(now));
    deleted.update(app.db()).await.unwrap();

    let shown: Value = dashboard(&as_mo, &app, "30").await.json().await.unwrap();
    let trend: Vec<(i64, i64)> = shown["trend"].as_array().unwrap().iter().map(|d| (d["created"].as_i64().unwrap(), d["resolved"].as_i64().unwrap())).collect();
    assert_eq!(trend[29], (1, 1), "today: filed and resolved (once, though resolved twice), the deleted one left out");
    assert_eq!(trend[28], (1, 0), "yesterday, after the run");
    assert_eq!(trend[26], (1, 0), "from the stored rows");
    assert_eq!(trend.iter().map(|d| d.0).sum::<i64>(), 3);
    let computed_at: DateTime<Utc> = shown["computed_at"].as_str().unwrap().parse().unwrap();
    assert!((computed_at - days_ago(2)).num_milliseconds().abs() < 1_000, "the run's time: {computed_at}");
}

async fn only_admins_recompute_and_the_window_is_checked(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, as_mo) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (admin, as_admin) = app.signed_in("ada@example.com", Role::Admin).await;

    let refused = call(&as_mo, &app, RunStats::PATH, &[]).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(stats_runs::Entity::find().count(app.db()).await.unwrap(), 0);

    let ran = call(&as_admin, &app, RunStats::PATH, &[]).await;
    assert_eq!(ran.status(), 200);
    let summary: Value = ran.json().await.unwrap();
    assert_eq!(summary["days"], 1, "no issues yet: today only");
    let logged = stats_runs::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((logged.trigger.as_str(), logged.actor_id), ("manual", Some(admin.id)));
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("stats_job_runs_total{trigger=\"manual\"}") && metrics.contains("stats_job_duration_seconds"), "{metrics}");
    let shown: Value = dashboard(&as_admin, &app, "30").await.json().await.unwrap();
    assert_eq!(shown["can_recompute"], true);
    assert!(shown["computed_at"].is_string());

    let bad = dashboard(&as_mo, &app, "7").await;
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["Validation"][0]["field"], "days", "{body}");
}
