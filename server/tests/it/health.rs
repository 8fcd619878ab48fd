//! `/health`, request ids, compression: the operational surface of every instance.
use crate::common::{TestDb, spawn_app};
use serde_json::{Value, json};

on_both_databases!(
    health_is_ok_when_the_database_answers,
    health_is_503_without_detail_when_the_database_is_down,
    every_response_carries_a_request_id,
    pages_are_compressed_for_clients_that_accept_it,
);

async fn health_is_ok_when_the_database_answers(db: TestDb) {
    let app = spawn_app(db).await;

    let response = app.client.get(app.url("/health")).send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "status": "ok", "checks": { "database": "ok" } }));
}

async fn health_is_503_without_detail_when_the_database_is_down(db: TestDb) {
    let app = spawn_app(db).await;
    app.db().close_by_ref().await.unwrap();

    let response = app.client.get(app.url("/health")).send().await.unwrap();
    let live = app.client.get(app.url("/health/live")).send().await.unwrap();

    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "status": "unavailable", "checks": { "database": "unavailable" } }));
    assert_eq!(live.status(), 200, "liveness does not depend on the database");
}

async fn every_response_carries_a_request_id(db: TestDb) {
    let app = spawn_app(db).await;

    let page = app.client.get(app.url("/issues")).send().await.unwrap();
    let missing = app.client.get(app.url("/no-such-page")).send().await.unwrap();

    let first = page.headers()["x-request-id"].to_str().unwrap().to_owned();
    let second = missing.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(!first.is_empty() && first != second, "{first} vs {second}");
    assert_eq!(missing.status(), 404);
}

async fn pages_are_compressed_for_clients_that_accept_it(db: TestDb) {
    let app = spawn_app(db).await;

    // A current browser offers all three and gets zstd, the cheapest to produce.
    for (accept, expected) in [("br", "br"), ("gzip", "gzip"), ("zstd", "zstd"), ("gzip, deflate, br, zstd", "zstd")] {
        let response = app.client.get(app.url("/login")).header("accept-encoding", accept).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some(expected));
    }
}

on_both_databases!(an_oversized_body_is_413_and_writes_nothing);

async fn an_oversized_body_is_413_and_writes_nothing(db: TestDb) {
    use app::{domain::Role, issues::api::CreateIssue, server::entities::issues};
    use leptos::server_fn::ServerFn;
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = spawn_app(db).await;
    let (_, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let huge = "x".repeat(server::router::MAX_BODY_BYTES + 1);

    let response = client
        .post(app.url(CreateIssue::PATH))
        .form(&[("title", "big"), ("description", huge.as_str()), ("severity", "LOW")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 413);
    assert_eq!(issues::Entity::find().count(app.db()).await.unwrap(), 0);
}
