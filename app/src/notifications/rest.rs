//! The REST API's inbox, settings and watching, over the same service the pages call; and the
//! one-click unsubscribe that mail links to.
use super::model::{Inbox, KindSetting, NotificationSettings, Watching};
use crate::{
    auth::rest::ApiUser,
    domain::WatchState,
    server::{
        AppState,
        rest::{ApiError, Body, ErrorBody, Id},
    },
};
use axum::{
    Json,
    extract::{Query, State},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The inbox routes, with their part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(mark_read))
        .routes(routes!(get_settings, set_settings))
        .routes(routes!(get_watching, set_watching))
        .routes(routes!(unsubscribe))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Only the unread notifications.
    #[serde(default)]
    unread: bool,
}

/// The caller's notifications, newest first, grouped per issue.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(InboxQuery), security(("bearer" = [])),
    responses((status = 200, body = Inbox), (status = 401, body = ErrorBody)))]
async fn list_notifications(State(state): State<AppState>, ApiUser(user): ApiUser, Query(query): Query<InboxQuery>) -> Result<Json<Inbox>, ApiError> {
    Ok(Json(super::service::inbox(&state.db, &user, query.unread).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The notifications to mark read; every unread one when left out.
    #[serde(default)]
    ids: Option<Vec<i64>>,
}

#[derive(Serialize, ToSchema)]
pub struct Marked {
    /// How many notifications were unread and are now read.
    marked: u64,
}

/// Marks the caller's notifications read: the ones named, or all.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", request_body = MarkRead, security(("bearer" = [])),
    responses((status = 200, body = Marked), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn mark_read(State(state): State<AppState>, ApiUser(user): ApiUser, Body(body): Body<MarkRead>) -> Result<Json<Marked>, ApiError> {
    let marked = super::service::mark_read(&state.db, &state.events, &user, body.ids.as_deref()).await?;
    Ok(Json(Marked { marked }))
}

/// How the caller hears about each kind of notification.
#[utoipa::path(get, path = "/api/v1/notifications/settings", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = NotificationSettings), (status = 401, body = ErrorBody)))]
async fn get_settings(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<NotificationSettings>, ApiError> {
    Ok(Json(super::service::settings(&state.db, &user, super::mailer::email_enabled(&state)).await?))
}

/// Sets how the caller hears about one kind of notification.
#[utoipa::path(put, path = "/api/v1/notifications/settings", tag = "notifications", request_body = KindSetting, security(("bearer" = [])),
    responses((status = 200, body = NotificationSettings), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_settings(State(state): State<AppState>, ApiUser(user): ApiUser, Body(setting): Body<KindSetting>) -> Result<Json<NotificationSettings>, ApiError> {
    super::service::set_delivery(&state.db, user.id, setting.kind, setting.delivery).await?;
    Ok(Json(super::service::settings(&state.db, &user, super::mailer::email_enabled(&state)).await?))
}

/// Whether the caller watches an issue.
#[utoipa::path(get, path = "/api/v1/issues/{id}/watch", tag = "notifications", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Watching), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_watching(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<Json<Watching>, ApiError> {
    Ok(Json(super::service::watching(&state.db, &user, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchChoice {
    /// Watching, not watching, or muted (only direct mentions reach a muted issue's watcher).
    state: WatchState,
}

/// Watches, unwatches or mutes an issue for the caller.
#[utoipa::path(put, path = "/api/v1/issues/{id}/watch", tag = "notifications", params(("id" = i64, Path)), request_body = WatchChoice, security(("bearer" = [])),
    responses((status = 200, body = Watching), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_watching(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, Body(choice): Body<WatchChoice>) -> Result<Json<Watching>, ApiError> {
    Ok(Json(super::service::set_watching(&state.db, &user, id, choice.state).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct UnsubscribeQuery {
    /// The signed token from the mail's unsubscribe link.
    token: String,
}

#[derive(Serialize, ToSchema)]
pub struct Unsubscribed {
    /// The kind of notification that now arrives in the app only.
    kind: crate::domain::NotificationKind,
}

/// One-click unsubscribe (RFC 8058), as a mail's `List-Unsubscribe` header points to: the
/// signed token names the account and the kind, which then arrives in the app only.
#[utoipa::path(post, path = "/api/v1/unsubscribe", tag = "notifications", params(UnsubscribeQuery),
    responses((status = 200, body = Unsubscribed), (status = 422, body = ErrorBody)))]
async fn unsubscribe(State(state): State<AppState>, Query(query): Query<UnsubscribeQuery>) -> Result<Json<Unsubscribed>, ApiError> {
    let kind = super::mailer::unsubscribe(&state, &query.token).await?;
    Ok(Json(Unsubscribed { kind }))
}
