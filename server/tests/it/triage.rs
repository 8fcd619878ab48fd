//! Triage: the workflow, roles, stale versions and the event row, on both databases.
use app::{
    domain::{Role, Severity, Status},
    issues::api::{ChangeSeverity, TransitionIssue},
    server::entities::{issue_events, issues},
};
use chrono::Utc;
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

on_both_databases!(
    a_maintainer_moves_an_issue_and_the_change_is_recorded_with_it,
    a_forbidden_transition_is_422_naming_it_and_changes_nothing,
    a_stale_version_is_409_and_nothing_is_overwritten,
    reporters_cannot_triage_and_learn_nothing_about_other_issues,
    admins_triage_and_severity_changes_are_recorded_too,
);

async fn issue_row(app: &TestApp, id: i64) -> issues::Model {
    issues::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap()
}

async fn events(app: &TestApp, id: i64) -> u64 {
    issue_events::Entity::find().filter(issue_events::Column::IssueId.eq(id)).count(app.db()).await.unwrap()
}

async fn a_maintainer_moves_an_issue_and_the_change_is_recorded_with_it(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &reporter, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let (maintainer, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let response = call(&client, &app, TransitionIssue::PATH, &[("issue_id", &issue.id.to_string()), ("status", "TRIAGED"), ("version", "1")]).await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!((body["status"].as_str(), body["version"].as_i64()), (Some("TRIAGED"), Some(2)));
    let row = issue_row(&app, issue.id).await;
    assert_eq!((row.status, row.version), (Status::Triaged, 2));
    let event = issue_events::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!(
        (event.kind.as_str(), event.from_value.as_deref(), event.to_value.as_deref(), event.actor_id),
        ("status", Some("OPEN"), Some("TRIAGED"), maintainer.id)
    );
}

async fn a_forbidden_transition_is_422_naming_it_and_changes_nothing(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &reporter, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let response = call(&client, &app, TransitionIssue::PATH, &[("issue_id", &issue.id.to_string()), ("status", "DONE"), ("version", "1")]).await;

    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["Validation"][0]["field"], "status");
    assert_eq!(body["Validation"][0]["message"], "an issue cannot move from New to Done");
    assert_eq!(issue_row(&app, issue.id).await.status, Status::Open);
    assert_eq!(events(&app, issue.id).await, 0);
}

async fn a_stale_version_is_409_and_nothing_is_overwritten(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &reporter, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let (_, first) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (_, second) = app.signed_in("max@example.com", Role::Maintainer).await;
    let id = issue.id.to_string();

    let winner = call(&first, &app, ChangeSeverity::PATH, &[("issue_id", &id), ("severity", "CRITICAL"), ("version", "1")]).await;
    let loser = call(&second, &app, ChangeSeverity::PATH, &[("issue_id", &id), ("severity", "LOW"), ("version", "1")]).await;

    assert_eq!((winner.status().as_u16(), loser.status().as_u16()), (200, 409));
    let body: Value = loser.json().await.unwrap();
    assert_eq!(body["StaleVersion"]["current_version"], 2);
    let row = issue_row(&app, issue.id).await;
    assert_eq!((row.severity, row.version), (Severity::Critical, 2), "the first change stands");
    assert_eq!(events(&app, issue.id).await, 1);
}

async fn reporters_cannot_triage_and_learn_nothing_about_other_issues(db: TestDb) {
    let app = spawn_app(db).await;
    let other = insert_user(app.db(), "other@example.com", Role::Reporter).await;
    let theirs = insert_issue(app.db(), &other, "Theirs", Severity::High, Status::Open, Utc::now()).await;
    let (me, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let mine = insert_issue(app.db(), &me, "Mine", Severity::Low, Status::Open, Utc::now()).await;

    let own = call(&client, &app, TransitionIssue::PATH, &[("issue_id", &mine.id.to_string()), ("status", "TRIAGED"), ("version", "1")]).await;
    let foreign = call(&client, &app, TransitionIssue::PATH, &[("issue_id", &theirs.id.to_string()), ("status", "TRIAGED"), ("version", "1")]).await;
    let missing = call(&client, &app, TransitionIssue::PATH, &[("issue_id", "99999"), ("status", "TRIAGED"), ("version", "1")]).await;

    assert_eq!(own.status(), 403);
    assert_eq!(foreign.status(), 404, "another reporter's issue is indistinguishable from a missing one");
    assert_eq!(foreign.text().await.unwrap(), missing.text().await.unwrap());
    assert_eq!(issue_row(&app, mine.id).await.status, Status::Open);
    assert_eq!(issue_row(&app, theirs.id).await.status, Status::Open);
}

async fn admins_triage_and_severity_changes_are_recorded_too(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &reporter, "Crash", Severity::High, Status::Done, Utc::now()).await;
    let (_, admin) = app.signed_in("admin@example.com", Role::Admin).await;
    let id = issue.id.to_string();

    let reopened = call(&admin, &app, TransitionIssue::PATH, &[("issue_id", &id), ("status", "OPEN"), ("version", "1")]).await;
    let severity = call(&admin, &app, ChangeSeverity::PATH, &[("issue_id", &id), ("severity", "LOW"), ("version", "2")]).await;

    assert_eq!((reopened.status().as_u16(), severity.status().as_u16()), (200, 200));
    let row = issue_row(&app, issue.id).await;
    assert_eq!((row.status, row.severity, row.version), (Status::Open, Severity::Low, 3));
    assert_eq!(events(&app, issue.id).await, 2);
}
