//! The REST API's statistics: the dashboard's numbers and a manual run of the daily job.
use super::model::{Dashboard, RunSummary};
use crate::{
    auth::rest::ApiUser,
    error::AppError,
    server::{
        AppState,
        rest::{ApiError, ErrorBody, created},
    },
};
use axum::{Json, extract::{Query, State}, response::Response};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The dashboard and statistics runs, with their part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_dashboard)).routes(routes!(run_stats))
}

/// Documents the query; the handler reads the raw pairs so that it can name a bad value.
#[derive(Deserialize, IntoParams)]
#[allow(dead_code)]
pub struct Window {
    /// The trend window: 30 (the default) or 90 days.
    days: Option<u32>,
}

/// The dashboard's numbers: everyone's issues for maintainers and admins, one's own otherwise.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard", params(Window), security(("bearer" = [])),
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_dashboard(State(state): State<AppState>, ApiUser(user): ApiUser, Query(raw): Query<HashMap<String, String>>) -> Result<Json<Dashboard>, ApiError> {
    let days = match raw.get("days") {
        None => super::model::WINDOWS[0],
        Some(days) => days.trim().parse().map_err(|_| AppError::field("days", "choose a window of 30 or 90 days"))?,
    };
    Ok(Json(super::service::get_dashboard(&state.db, &user, days, chrono::Utc::now()).await?))
}

/// Computes the daily statistics now (admins).
#[utoipa::path(post, path = "/api/v1/stats/runs", tag = "dashboard", security(("bearer" = [])),
    responses((status = 201, body = RunSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn run_stats(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Response, ApiError> {
    let summary = super::service::run_stats(&state.db, &state.stats_job, &user).await?;
    Ok(created("/api/v1/dashboard".to_owned(), summary))
}

