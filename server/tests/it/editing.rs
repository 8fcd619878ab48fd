//! Editing with a version check, and soft delete with restore, on both databases.
use app::{
    domain::{Role, Severity, Status},
    issues::api::{DeleteIssue, GetIssue, ListIssues, RestoreIssue, UpdateIssue},
    server::entities::{issue_events, issues},
};
use chrono::Utc;
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

on_both_databases!(
    a_reporter_edits_their_issue_and_each_change_is_recorded,
    a_stale_edit_is_409_and_the_first_edit_stands,
    only_the_reporter_or_an_admin_edits,
    a_deleted_issue_vanishes_and_an_admin_restores_it,
    only_admins_delete_and_see_deleted_issues,
);

async fn kinds(app: &TestApp, id: i64) -> Vec<String> {
    issue_events::Entity::find()
        .filter(issue_events::Column::IssueId.eq(id))
        .order_by_asc(issue_events::Column::Id)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

async fn row(app: &TestApp, id: i64) -> issues::Model {
    issues::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap()
}

async fn total(client: &reqwest::Client, app: &TestApp, deleted: bool) -> Value {
    let mut form = vec![("filter[sort]", "newest")];
    if deleted {
        form.push(("filter[deleted]", "true"));
    }
    let response = call(client, app, ListIssues::PATH, &form).await;
    response.json::<Value>().await.unwrap()["total"].clone()
}

async fn a_reporter_edits_their_issue_and_each_change_is_recorded(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Old title", Severity::Low, Status::Open, Utc::now()).await;
    let id = issue.id.to_string();

    let response = call(&client, &app, UpdateIssue::PATH, &[("issue_id", &id), ("version", "1"), ("title", "New title"), ("description", "Now **with** detail")]).await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["summary"]["version"], 2);
    assert!(body["description_html"].as_str().unwrap().contains("<strong>with</strong>"));
    let stored = row(&app, issue.id).await;
    assert_eq!((stored.title.as_str(), stored.version), ("New title", 2));
    assert_eq!(kinds(&app, issue.id).await, ["title", "description"]);
    let invalid = call(&client, &app, UpdateIssue::PATH, &[("issue_id", &id), ("version", "2"), ("title", " "), ("description", "")]).await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(row(&app, issue.id).await.title, "New title");
}

async fn a_stale_edit_is_409_and_the_first_edit_stands(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, admin) = app.signed_in("admin@example.com", Role::Admin).await;
    let issue = insert_issue(app.db(), &rita, "Title", Severity::Low, Status::Open, Utc::now()).await;
    let id = issue.id.to_string();

    let first = call(&admin, &app, UpdateIssue::PATH, &[("issue_id", &id), ("version", "1"), ("title", "Admin's title"), ("description", "")]).await;
    let stale = call(&client, &app, UpdateIssue::PATH, &[("issue_id", &id), ("version", "1"), ("title", "Rita's title"), ("description", "")]).await;

    assert_eq!((first.status().as_u16(), stale.status().as_u16()), (200, 409));
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["StaleVersion"]["current_version"], 2);
    assert_eq!(row(&app, issue.id).await.title, "Admin's title");
    let current: Value = call(&client, &app, GetIssue::PATH, &[("issue_id", &id)]).await.json().await.unwrap();
    assert_eq!(current["summary"]["title"], "Admin's title", "the current state is there to review");
}

async fn only_the_reporter_or_an_admin_edits(db: TestDb) {
    let app = spawn_app(db).await;
    let owner = insert_user(app.db(), "owner@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &owner, "Title", Severity::Low, Status::Open, Utc::now()).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (_, stranger) = app.signed_in("stranger@example.com", Role::Reporter).await;
    let form = [("issue_id", issue.id.to_string()), ("version", "1".into()), ("title", "Hijacked".into()), ("description", String::new())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let by_maintainer = call(&maintainer, &app, UpdateIssue::PATH, &form).await;
    let by_stranger = call(&stranger, &app, UpdateIssue::PATH, &form).await;

    assert_eq!((by_maintainer.status().as_u16(), by_stranger.status().as_u16()), (403, 404));
    assert_eq!(row(&app, issue.id).await.title, "Title");
    assert!(kinds(&app, issue.id).await.is_empty());
}

async fn a_deleted_issue_vanishes_and_an_admin_restores_it(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, admin) = app.signed_in("admin@example.com", Role::Admin).await;
    let issue = insert_issue(app.db(), &rita, "Soon gone", Severity::Low, Status::Open, Utc::now()).await;
    let id = issue.id.to_string();

    let deleted = call(&admin, &app, DeleteIssue::PATH, &[("issue_id", &id)]).await;

    assert_eq!(deleted.status(), 200);
    assert!(row(&app, issue.id).await.deleted_at.is_some(), "soft: the row is kept");
    assert_eq!(total(&reporter, &app, false).await, 0);
    assert_eq!(total(&admin, &app, false).await, 0);
    assert_eq!(total(&admin, &app, true).await, 1, "admins can list deleted issues");
    assert_eq!(call(&reporter, &app, GetIssue::PATH, &[("issue_id", &id)]).await.status(), 404);
    assert_eq!(call(&admin, &app, DeleteIssue::PATH, &[("issue_id", &id)]).await.status(), 409);

    let restored = call(&admin, &app, RestoreIssue::PATH, &[("issue_id", &id)]).await;

    assert_eq!(restored.status(), 200);
    assert_eq!(total(&reporter, &app, false).await, 1);
    assert_eq!(kinds(&app, issue.id).await, ["deleted", "restored"]);
}

async fn only_admins_delete_and_see_deleted_issues(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let other = insert_user(app.db(), "other@example.com", Role::Reporter).await;
    let mine = insert_issue(app.db(), &rita, "Mine", Severity::Low, Status::Open, Utc::now()).await;
    let theirs = insert_issue(app.db(), &other, "Theirs", Severity::Low, Status::Open, Utc::now()).await;

    let own = call(&reporter, &app, DeleteIssue::PATH, &[("issue_id", &mine.id.to_string())]).await;
    let foreign = call(&reporter, &app, DeleteIssue::PATH, &[("issue_id", &theirs.id.to_string())]).await;
    let by_maintainer = call(&maintainer, &app, DeleteIssue::PATH, &[("issue_id", &theirs.id.to_string())]).await;

    assert_eq!((own.status().as_u16(), foreign.status().as_u16(), by_maintainer.status().as_u16()), (403, 404, 403));
    assert!(row(&app, mine.id).await.deleted_at.is_none() && row(&app, theirs.id).await.deleted_at.is_none());
    assert_eq!(total(&maintainer, &app, true).await, 2, "asking for deleted issues shows live ones to non-admins");
}
