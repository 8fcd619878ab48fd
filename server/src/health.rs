//! `/health` (readiness: the database answers) and `/health/live` (the process answers).
use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use sea_orm::DatabaseConnection;
use serde_json::json;
use std::time::Duration;

/// How long readiness waits for the database before calling it down.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// 200 when the database answers, 503 (with no internal detail) when it does not.
pub async fn ready(State(db): State<DatabaseConnection>) -> impl IntoResponse {
    let checked = tokio::time::timeout(DATABASE_TIMEOUT, db.ping()).await;
    metrics::gauge!("database_up").set(if matches!(checked, Ok(Ok(()))) { 1.0 } else { 0.0 });
    let (status, word) = match checked {
        Ok(Ok(())) => (StatusCode::OK, "ok"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
        Err(_) => {
            tracing::warn!(timeout = ?DATABASE_TIMEOUT, "readiness check: the database did not answer in time");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
        }
    };
    (status, [(axum::http::header::CACHE_CONTROL, "no-store")], Json(json!({ "status": word, "checks": { "database": word } })))
}

/// 200 while the process can answer at all.
pub async fn live() -> impl IntoResponse {
    ([(axum::http::header::CACHE_CONTROL, "no-store")], Json(json!({ "status": "ok" })))
}
