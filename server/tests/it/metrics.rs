//! `/metrics` after a short session: request counts by route pattern and status, latency
//! histograms, the pool, sockets, and issues created by severity; and the token, when set.
use crate::common::{TestDb, call, spawn_app, spawn_app_with};
use app::{domain::Role, issues::api::CreateIssue};
use leptos::server_fn::ServerFn;

on_both_databases!(metrics_show_the_session_just_run, a_metrics_token_closes_the_endpoint_to_everyone_else, a_metrics_address_moves_the_endpoint_off_the_app);

async fn metrics_show_the_session_just_run(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;
    call(&client, &app, CreateIssue::PATH, &[("title", "Counted"), ("description", ""), ("severity", "CRITICAL")]).await;
    client.get(app.url("/issues/1")).send().await.unwrap();

    let response = crate::common::new_client().get(app.url("/metrics")).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    for series in [
        r#"http_requests_total{method="GET",route="/issues/{id}",status="200"}"#,
        "http_request_duration_seconds_bucket{",
        r#"issues_created_total{severity="CRITICAL"}"#,
        "db_pool_connections ",
        "websocket_connections ",
    ] {
        assert!(text.contains(series), "{series} missing from:\n{text}");
    }
    assert!(!text.contains("/issues/1\""), "raw paths never become labels");
}

async fn a_metrics_token_closes_the_endpoint_to_everyone_else(db: TestDb) {
    let app = spawn_app_with(db, &[("METRICS_TOKEN", "scrape-me-please")]).await;
    let client = crate::common::new_client();

    assert_eq!(client.get(app.url("/metrics")).send().await.unwrap().status(), 401);
    assert_eq!(client.get(app.url("/metrics")).bearer_auth("wrong").send().await.unwrap().status(), 401);
    assert_eq!(client.get(app.url("/metrics")).bearer_auth("scrape-me-please").send().await.unwrap().status(), 200);
}

async fn a_metrics_address_moves_the_endpoint_off_the_app(db: TestDb) {
    let app = spawn_app_with(db, &[("METRICS_ADDR", "127.0.0.1:9")]).await;
    let client = crate::common::new_client();
    assert_eq!(client.get(app.url("/metrics")).send().await.unwrap().status(), 404, "not beside the app");

    // What `server serve` binds on METRICS_ADDR.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::serve(listener, server::metrics::private_router(app.state.clone()), std::future::pending()));
    let scraped = client.get(format!("http://{addr}/metrics")).send().await.unwrap();
    assert_eq!(scraped.status(), 200);
    assert!(scraped.text().await.unwrap().contains("db_pool_connections"));
    assert_eq!(client.get(format!("http://{addr}/issues")).send().await.unwrap().status(), 404, "and nothing else there");
}
