//! Every JSON error the server sends reads as the one documented `ErrorBody`, whichever part
//! of the server answered: a REST handler, the rate limit, the body limit, the cross-site
//! refusal or single sign-on.
use crate::common::{PASSWORD, TestDb, insert_user, new_client, spawn_app_with};
use app::domain::Role;
use app::server::rest::{ErrorBody, ErrorCode};
use serde_json::json;

async fn body_of(response: reqwest::Response, status: u16) -> ErrorBody {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not an ErrorBody ({e}): {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_json_error_is_an_error_body() {
    let app = spawn_app_with(TestDb::sqlite().await, &[("API_RATE_PER_MINUTE", "60"), ("API_RATE_BURST", "2")]).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let client = new_client();
    let tokens = app.url("/api/v1/tokens");

    let handler = client.post(&tokens).json(&json!({ "email": "rita@example.com" })).send().await.unwrap();
    let wrong = client.post(&tokens).json(&json!({ "email": "rita@example.com", "password": format!("{PASSWORD}!") })).send().await.unwrap();
    let limited = client.post(&tokens).json(&json!({ "email": "rita@example.com", "password": PASSWORD })).send().await.unwrap();
    let too_large = new_client().post(&tokens).header("content-type", "application/json").body(vec![b' '; 2 * 1024 * 1024]).send().await.unwrap();
    let cross_site = new_client().post(&tokens).header("origin", "https://evil.example").header("sec-fetch-site", "cross-site").json(&json!({})).send().await.unwrap();
    let sign_in = new_client().get(app.url("/auth/oidc/callback?error=access_denied")).send().await.unwrap();

    let handler = body_of(handler, 422).await;
    assert_eq!(handler.error.code, ErrorCode::ValidationFailed);
    assert_eq!(handler.error.fields[0].field, "password", "{handler:?}");
    assert_eq!(body_of(wrong, 401).await.error.code, ErrorCode::Unauthorized);
    assert_eq!(body_of(limited, 429).await.error.code, ErrorCode::RateLimited);
    assert_eq!(body_of(too_large, 413).await.error.code, ErrorCode::PayloadTooLarge);
    let cross_site = body_of(cross_site, 403).await;
    assert_eq!((cross_site.error.code, cross_site.error.message.as_str()), (ErrorCode::Forbidden, "cross-site request refused"));
    let sign_in = body_of(sign_in, 400).await;
    assert_eq!((sign_in.error.code, sign_in.error.fields.len()), (ErrorCode::SignInFailed, 0));
}

#[test]
fn the_wire_shape_is_unchanged() {
    let body = ErrorBody::from(&app::error::AppError::field("title", "required"));

    let wire = serde_json::to_value(&body).unwrap();

    assert_eq!(
        wire,
        json!({ "error": { "code": "validation_failed", "message": "some fields are invalid", "fields": [{ "field": "title", "message": "required" }] } })
    );
}
