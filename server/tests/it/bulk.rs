//! Bulk triage over REST and the server function: each issue changes in its own transaction with
//! its own history row and version check; refusals are listed with their reason and never undo
//! the rest; the roles and the limits refuse the whole request before anything changes.
use crate::{
    api::{api, error},
    common::{TestApp, TestDb, insert_issue, insert_user, spawn_app},
    tagging::insert_tag,
};
use app::{
    domain::{Role, Severity, Status, TagColour},
    issues::api::BulkTriage,
    server::entities::{issue_events, issue_tags, issues},
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

on_both_databases!(
    a_bulk_move_changes_each_issue_and_reports_exactly_the_stale_one,
    tags_assignees_and_deletes_apply_in_bulk_with_their_rules,
    the_roles_and_the_limits_refuse_the_whole_request,
);

async fn history(app: &TestApp, id: i64) -> u64 {
    issue_events::Entity::find().filter(issue_events::Column::IssueId.eq(id)).count(app.db()).await.unwrap()
}

async fn status_of(app: &TestApp, id: i64) -> Status {
    issues::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap().status
}

async fn a_bulk_move_changes_each_issue_and_reports_exactly_the_stale_one(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let mut ids = Vec::new();
    for title in ["One", "Two", "Three", "Done already"] {
        let status = if title == "Done already" { Status::Done } else { Status::Open };
        ids.push(insert_issue(app.db(), &rita, title, Severity::Low, status, Utc::now()).await.id);
    }
    let items = json!([
        { "id": ids[0], "version": 1 },
        { "id": ids[1], "version": 7 },
        { "id": ids[2], "version": 1 },
        { "id": ids[3], "version": 1 },
        { "id": 999_999, "version": 1 },
    ]);

    let response = mo.send(Method::POST, "/api/v1/issues/bulk", Some(json!({ "change": { "action": "status", "status": "TRIAGED" }, "items": items }))).await;

    assert_eq!(response.status(), 200);
    let outcome: Value = response.json().await.unwrap();
    let changed: Vec<i64> = outcome["changed"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
    assert_eq!(changed, [ids[0], ids[2]], "{outcome}");
    let refused: Vec<(i64, &str)> = outcome["refused"].as_array().unwrap().iter().map(|r| (r["id"].as_i64().unwrap(), r["code"].as_str().unwrap())).collect();
    assert_eq!(refused, [(ids[1], "stale_version"), (ids[3], "workflow"), (999_999, "not_found")], "{outcome}");
    assert!(outcome["refused"][0]["reason"].as_str().unwrap().contains("version 1"), "{outcome}");
    assert!(outcome["refused"][1]["reason"].as_str().unwrap().contains("Done"), "{outcome}");
    for (id, status, events) in [(ids[0], Status::Triaged, 1), (ids[1], Status::Open, 0), (ids[2], Status::Triaged, 1), (ids[3], Status::Done, 0)] {
        assert_eq!((status_of(&app, id).await, history(&app, id).await), (status, events), "issue {id}: its change and its history row land together");
    }

    // The page's server function: the same rules, with the cookie.
    let (_, client) = app.signed_in("max@example.com", Role::Maintainer).await;
    let body = json!({ "change": { "action": "severity", "severity": "HIGH" }, "items": [{ "id": ids[0], "version": 2 }, { "id": ids[1], "version": 1 }] });
    let response = client.post(app.url(BulkTriage::PATH)).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!((outcome["changed"].as_array().unwrap().len(), outcome["refused"].as_array().unwrap().len()), (2, 0), "{outcome}");
}

async fn tags_assignees_and_deletes_apply_in_bulk_with_their_rules(db: TestDb) {
    let app = spawn_app(db).await;
    let ada = api(&app, "ada@example.com", Role::Admin).await;
    insert_user(app.db(), "mo@example.com", Role::Maintainer).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let ui = insert_tag(&app, "ui", TagColour::Blue).await;
    let docs = insert_tag(&app, "docs", TagColour::Gray).await;
    let a = insert_issue(app.db(), &rita, "A", Severity::Low, Status::Open, Utc::now()).await.id;
    let b = insert_issue(app.db(), &rita, "B", Severity::Low, Status::Open, Utc::now()).await.id;
    let bulk = async |change: Value, items: Value| -> Value {
        let response = ada.send(Method::POST, "/api/v1/issues/bulk", Some(json!({ "change": change, "items": items }))).await;
        assert_eq!(response.status(), 200, "{change}");
        response.json().await.unwrap()
    };
    let tags_of = async |id: i64| -> Vec<i64> {
        let mut ids: Vec<i64> = issue_tags::Entity::find().filter(issue_tags::Column::IssueId.eq(id)).all(app.db()).await.unwrap().into_iter().map(|t| t.tag_id).collect();
        ids.sort_unstable();
        ids
    };

    bulk(json!({ "action": "add_tag", "tag_id": docs.id }), json!([{ "id": a, "version": 1 }])).await;
    let added = bulk(json!({ "action": "add_tag", "tag_id": ui.id }), json!([{ "id": a, "version": 2 }, { "id": b, "version": 1 }])).await;
    assert_eq!(added["changed"].as_array().unwrap().len(), 2, "{added}");
    assert_eq!(tags_of(a).await, [ui.id, docs.id], "adding keeps the tags it had");
    let again = bulk(json!({ "action": "add_tag", "tag_id": ui.id }), json!([{ "id": b, "version": 2 }])).await;
    assert_eq!(again["unchanged"], json!([b]), "a tag it has already changes nothing");
    bulk(json!({ "action": "remove_tag", "tag_id": ui.id }), json!([{ "id": a, "version": 3 }])).await;
    assert_eq!(tags_of(a).await, [docs.id]);

    let assigned = bulk(json!({ "action": "assign", "assignee": "mo" }), json!([{ "id": a, "version": 4 }, { "id": b, "version": 2 }])).await;
    assert_eq!(assigned["changed"].as_array().unwrap().iter().map(|s| s["assignee"]["handle"].as_str().unwrap()).collect::<Vec<_>>(), ["mo", "mo"]);
    let refused = ada.send(Method::POST, "/api/v1/issues/bulk", Some(json!({ "change": { "action": "assign", "assignee": "rita" }, "items": [{ "id": a, "version": 5 }] }))).await;
    assert_eq!(error(refused, 422).await.1, ["assignee"], "a reporter cannot be assigned, and nothing is tried");

    let deleted = bulk(json!({ "action": "delete" }), json!([{ "id": a, "version": 5 }, { "id": b, "version": 1 }])).await;
    assert_eq!((deleted["deleted"].clone(), deleted["refused"][0]["code"].clone()), (json!([a]), json!("stale_version")), "{deleted}");
    assert!(issues::Entity::find_by_id(a).one(app.db()).await.unwrap().unwrap().deleted_at.is_some());
}

async fn the_roles_and_the_limits_refuse_the_whole_request(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let reporter = insert_user(app.db(), "raj@example.com", Role::Reporter).await;
    let id = insert_issue(app.db(), &reporter, "A", Severity::Low, Status::Open, Utc::now()).await.id;
    let one = json!([{ "id": id, "version": 1 }]);
    let send = async |who: &crate::api::Api<'_>, change: Value, items: Value| who.send(Method::POST, "/api/v1/issues/bulk", Some(json!({ "change": change, "items": items }))).await;

    assert_eq!(error(send(&rita, json!({ "action": "status", "status": "TRIAGED" }), one.clone()).await, 403).await.0, "forbidden");
    assert_eq!(error(send(&mo, json!({ "action": "delete" }), one.clone()).await, 403).await.0, "forbidden", "deleting is for admins");
    let many: Vec<Value> = (0..501).map(|n| json!({ "id": n + 1, "version": 1 })).collect();
    assert_eq!(error(send(&mo, json!({ "action": "severity", "severity": "HIGH" }), json!(many)).await, 422).await.1, ["items"]);
    assert_eq!(error(send(&mo, json!({ "action": "severity", "severity": "HIGH" }), json!([])).await, 422).await.1, ["items"]);
    assert_eq!(error(send(&mo, json!({ "action": "add_tag", "tag_id": 4242 }), one.clone()).await, 422).await.1, ["tag_id"]);
    assert_eq!(send(&mo, json!({ "action": "paint", "colour": "red" }), one.clone()).await.status(), 422, "an unknown action");
    assert_eq!((status_of(&app, id).await, history(&app, id).await), (Status::Open, 0), "nothing changed");
    // Exactly the limit is fine.
    let limit: Vec<Value> = (0..500).map(|_| json!({ "id": id, "version": 1 })).collect();
    let outcome: Value = send(&mo, json!({ "action": "severity", "severity": "HIGH" }), json!(limit)).await.json().await.unwrap();
    assert_eq!(outcome["changed"].as_array().unwrap().len(), 1, "an issue named twice changes once");
}
