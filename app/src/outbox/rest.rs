//! The REST API's outbox: the admins' list of queued, sent and failed mail.
use super::model::OutboxMail;
use crate::{
    auth::rest::ApiUser,
    domain::MailStatus,
    error::AppError,
    server::{
        AppState,
        rest::{ApiError, ErrorBody},
    },
};
use axum::{
    Json,
    extract::{Query, State},
};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The outbox list, with its part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_mail))
}

/// Documents the query; the handler reads the raw pairs so that it can name a bad value.
#[derive(Deserialize, IntoParams)]
#[allow(dead_code)]
pub struct MailQuery {
    /// `queued`, `sent` or `failed`; every mail without it.
    status: Option<String>,
}

/// The newest 200 mails in the outbox, or those in one status (admins). Bodies are left out.
#[utoipa::path(get, path = "/api/v1/admin/mail", tag = "users", params(MailQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<OutboxMail>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_mail(State(state): State<AppState>, ApiUser(user): ApiUser, Query(raw): Query<HashMap<String, String>>) -> Result<Json<Vec<OutboxMail>>, ApiError> {
    let status = match raw.get("status").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(status) => Some(status.parse::<MailStatus>().map_err(|_| AppError::field("status", "choose queued, sent or failed"))?),
    };
    Ok(Json(super::service::list_mail(&state.db, &user, status).await?))
}
