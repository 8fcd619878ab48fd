//! The REST API's issue templates, over the same service the Templates page calls.
use super::model::Template;
use crate::{
    auth::rest::ApiUser,
    domain::Severity,
    server::{
        AppState,
        rest::{ApiError, Body, ErrorBody, Id, created},
    },
};
use axum::{
    Json,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The template routes, with their part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates, create_template))
        .routes(routes!(reorder_templates))
        .routes(routes!(get_template, update_template, archive_template))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `true`: the archived templates instead of those in use (maintainers and admins).
    #[serde(default)]
    archived: bool,
}

/// The templates in use, in the picker's order; or the archived ones.
#[utoipa::path(get, path = "/api/v1/templates", tag = "templates", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<Template>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_templates(State(state): State<AppState>, ApiUser(user): ApiUser, Query(params): Query<ListParams>) -> Result<Json<Vec<Template>>, ApiError> {
    Ok(Json(super::service::list_templates(&state.db, &user, params.archived).await?))
}

/// A template in use, by id or slug.
#[utoipa::path(get, path = "/api/v1/templates/{id}", tag = "templates", params(("id" = String, Path, description = "The template's id or slug")), security(("bearer" = [])),
    responses((status = 200, body = Template), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_template(State(state): State<AppState>, ApiUser(_): ApiUser, Path(key): Path<String>) -> Result<Json<Template>, ApiError> {
    Ok(Json(super::service::find_template(&state.db, &key).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateFields {
    /// 1 to 64 characters; the slug comes from it when the template is made.
    name: String,
    /// One line, at most 160 characters.
    #[serde(default)]
    about: String,
    severity: Severity,
    /// The ids of the tags an issue filed from it starts with.
    #[serde(default)]
    tag_ids: Vec<i64>,
    /// Markdown, at most 64 KiB.
    #[serde(default)]
    body: String,
}

impl TemplateFields {
    fn fields(&self) -> super::service::TemplateFields<'_> {
        super::service::TemplateFields { name: &self.name, about: &self.about, severity: self.severity, tag_ids: &self.tag_ids, body: &self.body }
    }
}

/// Makes a template, last in the order (maintainers and admins).
#[utoipa::path(post, path = "/api/v1/templates", tag = "templates", request_body = TemplateFields, security(("bearer" = [])),
    responses((status = 201, body = Template, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_template(State(state): State<AppState>, ApiUser(user): ApiUser, Body(t): Body<TemplateFields>) -> Result<Response, ApiError> {
    let template = super::service::create_template(&state.db, &user, t.fields()).await?;
    Ok(created(format!("/api/v1/templates/{}", template.id), template))
}

/// Edits a template in use (maintainers and admins); its slug stays.
#[utoipa::path(patch, path = "/api/v1/templates/{id}", tag = "templates", params(("id" = i64, Path)), request_body = TemplateFields, security(("bearer" = [])),
    responses((status = 200, body = Template), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_template(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, Body(t): Body<TemplateFields>) -> Result<Json<Template>, ApiError> {
    Ok(Json(super::service::update_template(&state.db, &user, id, t.fields()).await?))
}

/// Archives a template (maintainers and admins): no longer offered, still named by its issues.
#[utoipa::path(delete, path = "/api/v1/templates/{id}", tag = "templates", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn archive_template(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    super::service::archive_template(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateOrder {
    /// Every template in use, each once, first to last.
    ids: Vec<i64>,
}

/// Puts the templates in use in a new order (maintainers and admins).
#[utoipa::path(put, path = "/api/v1/templates/order", tag = "templates", request_body = TemplateOrder, security(("bearer" = [])),
    responses((status = 200, body = Vec<Template>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reorder_templates(State(state): State<AppState>, ApiUser(user): ApiUser, Body(order): Body<TemplateOrder>) -> Result<Json<Vec<Template>>, ApiError> {
    Ok(Json(super::service::reorder_templates(&state.db, &user, &order.ids).await?))
}
