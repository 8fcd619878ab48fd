//! The REST API's comments, and an issue's timeline (its comments and recorded changes), over
//! the same services the pages' server functions call.
use super::model::{Comment, TimelineEntry};
use crate::{
    auth::rest::ApiUser,
    server::{
        AppState,
        rest::{ApiError, Body, ErrorBody, Id, created},
    },
};
use axum::{Json, extract::State, http::StatusCode, response::Response};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The comment routes and the timeline, with their part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_timeline))
        .routes(routes!(add_comment))
        .routes(routes!(edit_comment, delete_comment))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    /// Markdown, up to 64 KiB.
    body: String,
}

/// Comments on an issue (its reporter, maintainers and admins).
#[utoipa::path(post, path = "/api/v1/issues/{id}/comments", tag = "comments", params(("id" = i64, Path)), request_body = CommentBody, security(("bearer" = [])),
    responses((status = 201, body = Comment, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_comment(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, Body(c): Body<CommentBody>) -> Result<Response, ApiError> {
    let comment = super::service::add_comment(&state.db, &state.events, &user, id, &c.body).await?;
    Ok(created(format!("/api/v1/comments/{}", comment.id), comment))
}

/// Edits one's own comment.
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "comments", params(("id" = i64, Path)), request_body = CommentBody, security(("bearer" = [])),
    responses((status = 200, body = Comment), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn edit_comment(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, Body(c): Body<CommentBody>) -> Result<Json<Comment>, ApiError> {
    Ok(Json(super::service::edit_comment(&state.db, &state.events, &user, id, &c.body).await?))
}

/// Deletes a comment (its author, or an admin).
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "comments", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_comment(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    super::service::delete_comment(&state.db, &state.events, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}


/// The timeline: comments and every recorded change, oldest first.
#[utoipa::path(get, path = "/api/v1/issues/{id}/activity", tag = "issues", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<TimelineEntry>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_timeline(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    Ok(Json(super::service::get_timeline(&state.db, &user, id).await?))
}
