//! Assignees: who may assign whom, the history row in the same transaction, the timeline's
//! names, the live notice, the list's filter and a person's page, on both databases.
use crate::api::{api, error};
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use crate::live::{connect, next, token};
use app::{
    domain::{Role, Severity, Status},
    issues::api::{AssignIssue, ListAssignable},
    domain::NotificationKind,
    server::entities::{issue_events, issues, notifications, users},
};
use chrono::{Duration, Utc};
use leptos::server_fn::ServerFn;
use reqwest::Method;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};

on_both_databases!(
    a_maintainer_assigns_by_handle_and_the_history_row_lands_with_it,
    filing_can_name_an_owner_for_triagers_only,
    reporters_cannot_assign_and_learn_nothing_about_other_issues,
    only_active_maintainers_and_admins_can_be_assigned,
    a_stale_assignment_is_409_and_changes_nothing,
    the_timeline_names_who_was_assigned_and_the_change_goes_live,
    the_list_filters_by_assignee,
    a_persons_page_shows_the_open_assigned_issues_the_viewer_may_see,
    the_picker_offers_active_maintainers_and_admins_to_triagers_only,
    the_issue_page_shows_the_assignee_with_a_picker_for_triagers_only,
);

async fn by_email(app: &TestApp, email: &str) -> users::Model {
    users::Entity::find().filter(users::Column::Email.eq(email)).one(app.db()).await.unwrap().unwrap()
}

async fn issue_row(app: &TestApp, id: i64) -> issues::Model {
    issues::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap()
}

async fn assigned_events(app: &TestApp, id: i64) -> Vec<issue_events::Model> {
    issue_events::Entity::find().filter(issue_events::Column::IssueId.eq(id)).filter(issue_events::Column::Kind.eq("assigned")).all(app.db()).await.unwrap()
}

async fn a_maintainer_assigns_by_handle_and_the_history_row_lands_with_it(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let ada = insert_user(app.db(), "ada@example.com", Role::Admin).await;
    let path = format!("/api/v1/issues/{}/assignee", issue.id);

    let response = mo.send(Method::PUT, &path, Some(json!({ "assignee": "@Ada", "version": 1 }))).await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!((body["assignee"]["handle"].as_str(), body["assignee"]["display_name"].as_str(), body["version"].as_i64()), (Some("ada"), Some("Ada"), Some(2)));
    let row = issue_row(&app, issue.id).await;
    assert_eq!((row.assignee_id, row.version), (Some(ada.id), 2));
    let events = assigned_events(&app, issue.id).await;
    let expected_to = ada.id.to_string();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].from_value.as_deref(), events[0].to_value.as_deref()), (None, Some(expected_to.as_str())));
    let told = notifications::Entity::find().filter(notifications::Column::UserId.eq(ada.id)).all(app.db()).await.unwrap();
    assert_eq!(told.iter().map(|n| (n.kind, n.event_id)).collect::<Vec<_>>(), [(NotificationKind::Assigned, Some(events[0].id))], "the new assignee is told, in the same transaction");

    let cleared = mo.send(Method::PUT, &path, Some(json!({ "assignee": null, "version": 2 }))).await;
    assert_eq!(cleared.status(), 200);
    assert_eq!(cleared.json::<Value>().await.unwrap()["assignee"], Value::Null);
    assert_eq!(issue_row(&app, issue.id).await.assignee_id, None);
    assert_eq!(assigned_events(&app, issue.id).await.len(), 2);
    let detail: Value = mo.get(&format!("/api/v1/issues/{}", issue.id)).await.json().await.unwrap();
    assert_eq!(detail["summary"]["reporter"]["handle"], "rita");
    assert_eq!(detail["summary"]["assignee"], Value::Null);
}

async fn filing_can_name_an_owner_for_triagers_only(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let ada = insert_user(app.db(), "ada@example.com", Role::Admin).await;
    let new = |assignee: &str| json!({ "title": "Owned from the start", "description": "cc nobody", "severity": "HIGH", "assignee": assignee });

    let created = mo.send(Method::POST, "/api/v1/issues", Some(new("ada"))).await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["summary"]["assignee"]["handle"], "ada");
    let id = body["summary"]["id"].as_i64().unwrap();
    assert_eq!(issue_row(&app, id).await.assignee_id, Some(ada.id));
    assert_eq!(assigned_events(&app, id).await.len(), 1, "the assignment is in the history with the filing");
    let told = notifications::Entity::find().filter(notifications::Column::UserId.eq(ada.id)).all(app.db()).await.unwrap();
    assert_eq!(told.iter().map(|n| n.kind).collect::<Vec<_>>(), [NotificationKind::Assigned]);

    let taken = mo.send(Method::POST, "/api/v1/issues", Some(new("mo"))).await;
    assert_eq!(taken.status(), 201, "a maintainer may take the issue they file");
    assert_eq!(taken.json::<Value>().await.unwrap()["summary"]["assignee"]["handle"], "mo");

    let before = issues::Entity::find().all(app.db()).await.unwrap().len();
    let refused = rita.send(Method::POST, "/api/v1/issues", Some(new("ada"))).await;
    assert_eq!(refused.status(), 403, "reporters cannot assign, not even while filing");
    let unknown = mo.send(Method::POST, "/api/v1/issues", Some(new("nobody-here"))).await;
    assert_eq!(error(unknown, 422).await.1, ["assignee"]);
    assert_eq!(issues::Entity::find().all(app.db()).await.unwrap().len(), before, "nothing half-written");
}

async fn reporters_cannot_assign_and_learn_nothing_about_other_issues(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    insert_user(app.db(), "mo@example.com", Role::Maintainer).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let hers = insert_issue(app.db(), &by_email(&app, "rita@example.com").await, "Hers", Severity::Low, Status::Open, Utc::now()).await;
    let his = insert_issue(app.db(), &otto, "His", Severity::Low, Status::Open, Utc::now()).await;
    let body = json!({ "assignee": "mo", "version": 1 });

    let own = rita.send(Method::PUT, &format!("/api/v1/issues/{}/assignee", hers.id), Some(body.clone())).await;
    let other = rita.send(Method::PUT, &format!("/api/v1/issues/{}/assignee", his.id), Some(body)).await;

    error(own, 403).await;
    error(other, 404).await;
    assert_eq!(issue_row(&app, hers.id).await.assignee_id, None);
    assert!(assigned_events(&app, hers.id).await.is_empty());
}

async fn only_active_maintainers_and_admins_can_be_assigned(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let gone = insert_user(app.db(), "gone@example.com", Role::Maintainer).await;
    let mut gone = gone.into_active_model();
    gone.deactivated_at = Set(Some(Utc::now()));
    gone.update(app.db()).await.unwrap();
    let path = format!("/api/v1/issues/{}/assignee", issue.id);

    for assignee in ["rita", "gone", "nobody-here", "not a handle"] {
        let response = mo.send(Method::PUT, &path, Some(json!({ "assignee": assignee, "version": 1 }))).await;
        let (_, fields) = error(response, 422).await;
        assert_eq!(fields, ["assignee"], "{assignee}");
    }
    let row = issue_row(&app, issue.id).await;
    assert_eq!((row.assignee_id, row.version), (None, 1));
    assert!(assigned_events(&app, issue.id).await.is_empty());
}

async fn a_stale_assignment_is_409_and_changes_nothing(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let (mo, client) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let max = insert_user(app.db(), "max@example.com", Role::Maintainer).await;
    let id = issue.id.to_string();

    let first = call(&client, &app, AssignIssue::PATH, &[("issue_id", &id), ("version", "1"), ("assignee_id", &mo.id.to_string())]).await;
    let stale = call(&client, &app, AssignIssue::PATH, &[("issue_id", &id), ("version", "1"), ("assignee_id", &max.id.to_string())]).await;

    assert_eq!((first.status().as_u16(), stale.status().as_u16()), (200, 409));
    assert_eq!(stale.json::<Value>().await.unwrap()["StaleVersion"]["current_version"], 2);
    assert_eq!(issue_row(&app, issue.id).await.assignee_id, Some(mo.id), "the first assignment stands");
    assert_eq!(assigned_events(&app, issue.id).await.len(), 1);
}

async fn the_timeline_names_who_was_assigned_and_the_change_goes_live(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &by_email(&app, "rita@example.com").await, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let (mo, client) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let mut socket = connect(&app, &token(&app, "rita@example.com").await).await;
    let id = issue.id.to_string();

    call(&client, &app, AssignIssue::PATH, &[("issue_id", &id), ("version", "1"), ("assignee_id", &mo.id.to_string())]).await;
    let notice = next(&mut socket).await;
    call(&client, &app, AssignIssue::PATH, &[("issue_id", &id), ("version", "2")]).await;

    assert_eq!((notice["type"].as_str(), notice["issue_id"].as_i64(), notice["version"].as_i64(), notice["change"].as_str()), (Some("issue"), Some(issue.id), Some(2), Some("updated")));
    let activity: Value = rita.get(&format!("/api/v1/issues/{id}/activity")).await.json().await.unwrap();
    let lines: Vec<String> = activity
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry.get("Activity"))
        .filter(|a| a["kind"] == "assigned")
        .map(|a| format!("{} {} {}", a["actor"]["display_name"].as_str().unwrap(), a["from"], a["to"]))
        .collect();
    assert_eq!(lines, ["Mo null \"Mo (@mo)\"", "Mo \"Mo (@mo)\" null"], "{activity}");
}

async fn the_list_filters_by_assignee(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let ada = insert_user(app.db(), "ada@example.com", Role::Admin).await;
    let now = Utc::now();
    let mut ids = Vec::new();
    for (n, title) in ["Mine", "Ada's", "Nobody's"].into_iter().enumerate() {
        ids.push(insert_issue(app.db(), &rita, title, Severity::Low, Status::Open, now - Duration::minutes(n as i64)).await.id);
    }
    for (id, assignee) in [(ids[0], "mo"), (ids[1], "ada")] {
        let response = mo.send(Method::PUT, &format!("/api/v1/issues/{id}/assignee"), Some(json!({ "assignee": assignee, "version": 1 }))).await;
        assert_eq!(response.status(), 200);
    }

    let titles = |page: Value| page["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let mut seen = Vec::new();
    for filter in ["me", "ada", "@ADA", "none", "nobody-by-that-name"] {
        let response = mo.get(&format!("/api/v1/issues?assignee={}", app::issues::model::encode(filter))).await;
        assert_eq!(response.status(), 200, "{filter}");
        seen.push(titles(response.json().await.unwrap()));
    }

    assert_eq!(seen, [vec!["Mine"], vec!["Ada's"], vec!["Ada's"], vec!["Nobody's"], Vec::<&str>::new()]);
    let all: Value = mo.get("/api/v1/issues").await.json().await.unwrap();
    let rows = all["items"].as_array().unwrap();
    assert_eq!(rows[1]["assignee"]["id"].as_i64(), Some(ada.id));
    assert_eq!(rows[2]["assignee"], Value::Null);
}

async fn a_persons_page_shows_the_open_assigned_issues_the_viewer_may_see(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let rita_row = by_email(&app, "rita@example.com").await;
    let now = Utc::now();
    let hers = insert_issue(app.db(), &rita_row, "Hers", Severity::Low, Status::Open, now).await;
    let his = insert_issue(app.db(), &otto, "His", Severity::Low, Status::InProgress, now - Duration::minutes(1)).await;
    let done = insert_issue(app.db(), &rita_row, "Done", Severity::Low, Status::Done, now - Duration::minutes(2)).await;
    for issue in [&hers, &his, &done] {
        mo.send(Method::PUT, &format!("/api/v1/issues/{}/assignee", issue.id), Some(json!({ "assignee": "mo", "version": 1 }))).await;
    }

    let as_rita: Value = rita.get("/api/v1/people/mo").await.json().await.unwrap();
    let as_mo: Value = mo.get("/api/v1/people/MO").await.json().await.unwrap();
    let unknown = rita.get("/api/v1/people/nobody").await;

    let titles = |v: &Value| v["assigned"]["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!((as_rita["person"]["display_name"].as_str(), as_rita["person"]["handle"].as_str()), (Some("Mo"), Some("mo")));
    assert_eq!(titles(&as_rita), ["Hers"], "a reporter sees only their own");
    assert_eq!(titles(&as_mo), ["Hers", "His"], "done issues are not open");
    assert!(as_rita.get("email").is_none() && !as_rita.to_string().contains("example.com"));
    error(unknown, 404).await;
    let page = rita.client.get(app.url("/u/nobody")).bearer_auth(&rita.token).send().await.unwrap();
    assert_eq!(page.status(), 404, "an unknown handle is a 404 page");
}

async fn the_picker_offers_active_maintainers_and_admins_to_triagers_only(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    insert_user(app.db(), "ada@example.com", Role::Admin).await;

    let offered: Value = call(&maintainer, &app, ListAssignable::PATH, &[]).await.json().await.unwrap();
    let refused = call(&reporter, &app, ListAssignable::PATH, &[]).await;

    let handles: Vec<&str> = offered.as_array().unwrap().iter().map(|p| p["handle"].as_str().unwrap()).collect();
    assert_eq!(handles, ["ada", "mo"]);
    assert!(!offered.to_string().contains("example.com"));
    assert_eq!(refused.status(), 403);
}

async fn the_issue_page_shows_the_assignee_with_a_picker_for_triagers_only(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &by_email(&app, "rita@example.com").await, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let (mo, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let id = issue.id.to_string();
    call(&maintainer, &app, AssignIssue::PATH, &[("issue_id", &id), ("version", "1"), ("assignee_id", &mo.id.to_string())]).await;
    let path = format!("/issues/{id}");

    let for_reporter = reporter.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    let for_maintainer = maintainer.get(app.url(&path)).send().await.unwrap().text().await.unwrap();

    assert!(for_reporter.contains(r#"data-testid="assignee-name""#) && for_reporter.contains(">Mo<"), "{for_reporter}");
    assert!(!for_reporter.contains(r#"data-testid="assignee-button""#), "no picker for a reporter");
    assert!(for_maintainer.contains(r#"data-testid="assignee-button""#) && for_maintainer.contains(r#"aria-haspopup="listbox""#));
    // Each sees their own address in the header, and nobody else's anywhere.
    assert!(!for_reporter.contains("mo@example.com") && !for_maintainer.contains("rita@example.com"), "names, not addresses");
}
