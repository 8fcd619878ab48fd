//! Saved views: the built-in ones every account has, one's own, and shared ones; each counts
//! only what its reader may see, and only maintainers and admins share. Both databases.
use crate::{
    api::{Api, api, error},
    common::{TestDb, call, insert_issue, insert_user, spawn_app},
};
use app::{
    domain::{Role, Severity, Status},
    views::api::ListViews,
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

on_both_databases!(views_count_what_their_reader_may_see, only_maintainers_and_admins_share_and_bad_views_are_refused);

/// The caller's views as (name, count).
async fn views(api: &Api<'_>) -> Vec<(String, u64)> {
    let response = api.get("/api/v1/views").await;
    assert_eq!(response.status(), 200);
    let list: Value = response.json().await.unwrap();
    list.as_array().unwrap().iter().map(|v| (v["name"].as_str().unwrap().to_owned(), v["count"].as_u64().unwrap())).collect()
}

fn count_of(views: &[(String, u64)], name: &str) -> Option<u64> {
    views.iter().find(|(n, _)| n == name).map(|(_, c)| *c)
}

async fn views_count_what_their_reader_may_see(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let rita_row = crate::query_language::user(&app, "rita@example.com").await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let now = Utc::now();
    insert_issue(app.db(), &rita_row, "Rita's crash", Severity::Critical, Status::Open, now).await;
    insert_issue(app.db(), &rita_row, "Rita's typo", Severity::Low, Status::Done, now).await;
    insert_issue(app.db(), &otto, "Otto's crash", Severity::High, Status::Triaged, now).await;
    insert_issue(app.db(), &otto, "Otto's question", Severity::Low, Status::Open, now).await;

    // The built-in views, as each sees them.
    let mine = views(&mo).await;
    assert_eq!(mine.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["Assigned to me", "Reported by me", "Open critical and high", "Recently updated"]);
    assert_eq!(count_of(&mine, "Open critical and high"), Some(2));
    assert_eq!(count_of(&mine, "Recently updated"), Some(4));
    assert_eq!(count_of(&mine, "Reported by me"), Some(0));
    let hers = views(&rita).await;
    assert_eq!(count_of(&hers, "Open critical and high"), Some(1), "only her own issues");
    assert_eq!(count_of(&hers, "Reported by me"), Some(2));

    // A shared view: everyone has it, and it never widens what a reporter sees.
    let shared = mo.send(Method::POST, "/api/v1/views", Some(json!({ "name": "Crashes", "query": "crash", "shared": true }))).await;
    assert_eq!(shared.status(), 201);
    let shared: Value = shared.json().await.unwrap();
    assert_eq!((shared["count"].as_u64(), shared["shared"].as_bool()), (Some(2), Some(true)));
    assert_eq!(count_of(&views(&rita).await, "Crashes"), Some(1));
    let page = rita.get(&format!("/api/v1/issues?q={}", app::issues::model::encode(shared["query"].as_str().unwrap()))).await;
    let page: Value = page.json().await.unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["title"], "Rita's crash");

    // A personal view is its owner's alone.
    let private = rita.send(Method::POST, "/api/v1/views", Some(json!({ "name": "My open", "query": "is:open" }))).await;
    assert_eq!(private.status(), 201);
    let private: Value = private.json().await.unwrap();
    assert_eq!(count_of(&views(&rita).await, "My open"), Some(1));
    assert_eq!(count_of(&views(&mo).await, "My open"), None);
    assert_eq!(mo.send(Method::DELETE, &format!("/api/v1/views/{}", private["id"]), None).await.status(), 404);
    // The same name again, in other letters, is 409.
    let again = rita.send(Method::POST, "/api/v1/views", Some(json!({ "name": "MY OPEN", "query": "is:closed" }))).await;
    assert_eq!(error(again, 409).await.0, "conflict");

    // A reporter cannot delete a shared view; its owner can.
    assert_eq!(rita.send(Method::DELETE, &format!("/api/v1/views/{}", shared["id"]), None).await.status(), 403);
    assert_eq!(mo.send(Method::DELETE, &format!("/api/v1/views/{}", shared["id"]), None).await.status(), 204);
    assert_eq!(count_of(&views(&rita).await, "Crashes"), None);
    for action in [app::audit_log::AuditAction::SharedViewSaved, app::audit_log::AuditAction::SharedViewDeleted] {
        let n = app::server::entities::audit_log::Entity::find()
            .filter(app::server::entities::audit_log::Column::Action.eq(action.as_str()))
            .count(app.db())
            .await
            .unwrap();
        assert_eq!(n, 1, "{action:?} is audited");
    }

    // Counts are kept a few seconds: a new issue shows in them once that has passed.
    insert_issue(app.db(), &otto, "Otto's other crash", Severity::Critical, Status::Open, now).await;
    tokio::time::sleep(app::views::service::COUNT_FRESH_FOR).await;
    assert_eq!(count_of(&views(&mo).await, "Open critical and high"), Some(3));

    // The page's server function lists the same.
    let (_, client) = app.signed_in("ada@example.com", Role::Admin).await;
    let listed = call(&client, &app, ListViews::PATH, &[]).await;
    assert_eq!(listed.status(), 200);
}

async fn only_maintainers_and_admins_share_and_bad_views_are_refused(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let refused = rita.send(Method::POST, "/api/v1/views", Some(json!({ "name": "Everyone's", "query": "is:open", "shared": true }))).await;
    assert_eq!(error(refused, 403).await.0, "forbidden");
    for (body, fields) in [
        (json!({ "name": "", "query": "is:open" }), vec!["name"]),
        (json!({ "name": "x".repeat(65), "query": "is:open" }), vec!["name"]),
        (json!({ "name": "Broken", "query": "colour:red" }), vec!["query"]),
        (json!({ "name": "Empty", "query": "   " }), vec!["query"]),
        (json!({ "name": "", "query": "is:nothing" }), vec!["name", "query"]),
    ] {
        let (code, named) = error(rita.send(Method::POST, "/api/v1/views", Some(body.clone())).await, 422).await;
        assert_eq!((code.as_str(), named.iter().map(String::as_str).collect::<Vec<_>>()), ("validation_failed", fields), "{body}");
    }
    assert_eq!(views(&rita).await.len(), 4, "nothing saved but the built-in views");

    // One account keeps at most so many: each is counted on every list page.
    for n in 0..app::views::service::MOST_PER_ACCOUNT {
        let saved = rita.send(Method::POST, "/api/v1/views", Some(json!({ "name": format!("View {n}"), "query": "is:open" }))).await;
        assert_eq!(saved.status(), 201);
    }
    let over = rita.send(Method::POST, "/api/v1/views", Some(json!({ "name": "One more", "query": "is:open" }))).await;
    assert_eq!(error(over, 422).await.1, ["name"]);
}
