//! The REST API's saved views, over the same service the issue list's sidebar calls.
use super::model::SavedView;
use crate::{
    auth::rest::ApiUser,
    server::{
        AppState,
        rest::{ApiError, Body, ErrorBody, Id},
    },
};
use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The view routes, with their part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_views, save_view)).routes(routes!(delete_view))
}

/// The caller's views: the built-in ones, their own, and everyone's shared ones, each with how
/// many issues it holds for the caller (counted at most a few seconds ago).
#[utoipa::path(get, path = "/api/v1/views", tag = "views", security(("bearer" = [])), responses((status = 200, body = Vec<SavedView>), (status = 401, body = ErrorBody)))]
async fn list_views(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<SavedView>>, ApiError> {
    Ok(Json(super::service::list_views(&state.db, &state.view_counts, &user).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewView {
    /// 1 to 64 characters, unique among the caller's views in any letter case.
    name: String,
    /// The list's query, in the search box's language (`is:open severity:>=high`).
    query: String,
    /// Offer it to everyone (maintainers and admins only).
    #[serde(default)]
    shared: bool,
}

/// Saves a query as a view.
#[utoipa::path(post, path = "/api/v1/views", tag = "views", request_body = NewView, security(("bearer" = [])),
    responses((status = 201, body = SavedView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn save_view(State(state): State<AppState>, ApiUser(user): ApiUser, Body(view): Body<NewView>) -> Result<Response, ApiError> {
    let saved = super::service::save_view(&state.db, &state.view_counts, &user, &view.name, &view.query, view.shared).await?;
    // No Location: a view is read in the list of them, not on its own.
    Ok((StatusCode::CREATED, Json(saved)).into_response())
}

/// Deletes a view: the caller's own, or (admins) a shared one.
#[utoipa::path(delete, path = "/api/v1/views/{id}", tag = "views", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_view(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    super::service::delete_view(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
