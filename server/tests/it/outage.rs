//! A database that goes away and comes back: while it is gone every request is 503 with
//! `Retry-After` in the one error shape and `/health` says so without detail; nothing is
//! half-written; and the server recovers by itself, without a restart.
use crate::{
    api::{api, error},
    common::{TestDb, new_client, postgres_admin_url, spawn_app},
};
use app::domain::Role;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_going_away_is_503_and_the_server_recovers() {
    let db = TestDb::postgres().await;
    let name = db.url.rsplit('/').next().unwrap().to_owned();
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let file = |title: &str| mo.send(Method::POST, "/api/v1/issues", Some(json!({ "title": title, "severity": "LOW" })));
    assert_eq!(file("Before the outage").await.status(), 201);
    let (_, browser) = app.signed_in("pat@example.com", Role::Reporter).await;

    // The database refuses new connections and drops the server's.
    let admin = Database::connect(postgres_admin_url()).await.unwrap();
    let allow = |allowed: bool| format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {allowed}");
    admin.execute_unprepared(&allow(false)).await.unwrap();
    admin.execute_unprepared(&format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")).await.unwrap();

    let listed = mo.get("/api/v1/issues").await;
    let retry_after = listed.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(listed.status(), 503, "{:?}", listed.text().await);
    let listed = mo.get("/api/v1/issues").await;
    assert_eq!(error(listed, 503).await.0, "unavailable");
    assert_eq!(retry_after.as_deref(), Some("5"));
    let filed = file("During the outage").await;
    assert_eq!(error(filed, 503).await.0, "unavailable");
    // A page says so in words, with the same status.
    let page = browser.get(app.url("/issues")).send().await.unwrap();
    assert_eq!(page.status(), 503);
    let html = page.text().await.unwrap();
    assert!(html.contains("the service is temporarily unavailable; try again in a few seconds"), "{html}");
    let health = new_client().get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 503);
    let said = health.text().await.unwrap();
    assert!(!said.contains(&name) && !said.to_lowercase().contains("error"), "no detail: {said}");

    // Back: the next requests find it again.
    admin.execute_unprepared(&allow(true)).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let listed = mo.get("/api/v1/issues").await;
        if listed.status() == 200 {
            let body: Value = listed.json().await.unwrap();
            assert_eq!(body["total"], 1, "only the issue filed before the outage: {body}");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "still {} after the database came back", listed.status());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(file("After the outage").await.status(), 201);
    assert_eq!(browser.get(app.url("/issues")).send().await.unwrap().status(), 200, "the page is back too");
    assert_eq!(new_client().get(app.url("/health")).send().await.unwrap().status(), 200);
}
