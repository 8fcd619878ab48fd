//! The REST API's tag list, over the same service the tags page calls.
use super::model::Tag;
use crate::{
    auth::rest::ApiUser,
    domain::TagColour,
    server::{
        AppState,
        rest::{ApiError, Body, ErrorBody, Id, created},
    },
};
use axum::{Json, extract::State, http::StatusCode, response::Response};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The tag routes, with their part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tags, create_tag))
        .routes(routes!(update_tag, delete_tag))
}

/// Every tag.
#[utoipa::path(get, path = "/api/v1/tags", tag = "tags", security(("bearer" = [])), responses((status = 200, body = Vec<Tag>), (status = 401, body = ErrorBody)))]
async fn list_tags(State(state): State<AppState>, ApiUser(_): ApiUser) -> Result<Json<Vec<Tag>>, ApiError> {
    Ok(Json(super::service::list_tags(&state.db).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagFields {
    /// 1 to 32 characters, unique regardless of letter case.
    name: String,
    colour: TagColour,
}

/// Adds a tag (maintainers and admins).
#[utoipa::path(post, path = "/api/v1/tags", tag = "tags", request_body = TagFields, security(("bearer" = [])),
    responses((status = 201, body = Tag, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_tag(State(state): State<AppState>, ApiUser(user): ApiUser, Body(t): Body<TagFields>) -> Result<Response, ApiError> {
    let tag = super::service::create_tag(&state.db, &user, &t.name, t.colour.as_str()).await?;
    Ok(created(format!("/api/v1/tags/{}", tag.id), tag))
}

/// Renames or recolours a tag (maintainers and admins).
#[utoipa::path(patch, path = "/api/v1/tags/{id}", tag = "tags", params(("id" = i64, Path)), request_body = TagFields, security(("bearer" = [])),
    responses((status = 200, body = Tag), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_tag(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, Body(t): Body<TagFields>) -> Result<Json<Tag>, ApiError> {
    Ok(Json(super::service::update_tag(&state.db, &state.events, &user, id, &t.name, t.colour.as_str()).await?))
}

/// Deletes a tag and takes it off every issue (maintainers and admins).
#[utoipa::path(delete, path = "/api/v1/tags/{id}", tag = "tags", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_tag(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    super::service::delete_tag(&state.db, &state.events, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

