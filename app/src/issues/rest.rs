//! The REST API's issues: the list, filing, reading, editing, deleting, and the workflow
//! (status, severity, tags), over the same services the pages' server functions call.
use super::model::{IssueDetail, IssueFilter, IssuePage, IssueSummary};
use crate::{
    auth::rest::ApiUser,
    domain::{Severity, Status},
    error::AppError,
    server::{
        AppState,
        rest::{ApiError, Body, ErrorBody, Id, created, etag, version},
    },
};
use axum::{
    Json,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The issue routes, with their part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_issues, create_issue))
        .routes(routes!(get_issue, update_issue, delete_issue))
        .routes(routes!(restore_issue))
        .routes(routes!(transition_issue))
        .routes(routes!(change_severity))
        .routes(routes!(set_issue_tags))
        .routes(routes!(assign_issue))
        .routes(routes!(bulk_change))
        .routes(routes!(get_person))
}

/// An issue with its version as the `ETag`.
fn issue_response(detail: IssueDetail) -> Response {
    let tag = etag(detail.summary.version);
    ([(header::ETAG, tag)], Json(detail)).into_response()
}

/// The list's filters, as the issue list page reads them from its URL.
/// Documents the query; the handler reads the raw pairs so that it can name a bad value.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// `open`: only open issues, those not done (New, Triaged and In progress).
    is: Option<String>,
    /// One stage of the workflow.
    status: Option<Status>,
    severity: Option<Severity>,
    /// A tag's name, in any letter case.
    tag: Option<String>,
    /// The reporter's handle.
    reporter: Option<String>,
    /// `me`, `none`, or a handle (`@me` for someone whose handle is `me`).
    assignee: Option<String>,
    /// Free text: quoted phrases, `or`, `-word`.
    q: Option<String>,
    /// `newest` (the default), `updated` or `severity`.
    sort: Option<String>,
    /// Deleted issues instead of live ones (admins).
    deleted: Option<bool>,
    /// The page after this cursor (from `next`).
    after: Option<String>,
    /// The page before this cursor (from `prev`).
    before: Option<String>,
}

/// Issues the caller may see, 50 a page, with the same filters, search and keyset pages as the
/// list page. Reporters see their own.
#[utoipa::path(get, path = "/api/v1/issues", tag = "issues", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = IssuePage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_issues(State(state): State<AppState>, ApiUser(user): ApiUser, Query(raw): Query<HashMap<String, String>>) -> Result<Json<IssuePage>, ApiError> {
    let get = |key: &str| raw.get(key).cloned();
    // The page forgives a value it does not know; the API names it.
    let errors = [("is", vec!["open"]), ("status", Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()), ("severity", Severity::ALL.iter().map(|s| s.as_str()).collect()), ("sort", vec!["newest", "updated", "severity"])]
        .into_iter()
        .filter_map(|(key, allowed)| {
            let value = get(key)?;
            (!allowed.iter().any(|a| a.eq_ignore_ascii_case(value.trim()))).then(|| AppError::field(key, format!("must be one of {}", allowed.join(", "))))
        });
    let errors: Vec<_> = errors.map(Some).collect();
    if !errors.is_empty() {
        return Err(AppError::merge_fields(errors).into());
    }
    let filter = IssueFilter::from_query(get);
    Ok(Json(super::list::list_issues(&state.db, &user, &filter).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIssue {
    /// 1 to 200 characters after trimming.
    title: String,
    /// Markdown, up to 64 KiB.
    #[serde(default)]
    description: String,
    severity: Severity,
    #[serde(default)]
    tag_ids: Vec<i64>,
    /// The handle of the maintainer or admin who owns it from the start; only maintainers and
    /// admins may set it (403 otherwise).
    #[serde(default)]
    assignee: Option<String>,
    /// The id of the template (one in use) it starts from, recorded on the issue.
    #[serde(default)]
    template_id: Option<i64>,
}

/// Files an issue. Its `Location` is the new issue.
#[utoipa::path(post, path = "/api/v1/issues", tag = "issues", request_body = NewIssue, security(("bearer" = [])),
    responses((status = 201, body = IssueDetail, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Body(new): Body<NewIssue>) -> Result<Response, ApiError> {
    let assignee = new.assignee.map(super::assign::Assignee::Handle);
    let filing = super::service::Filing { title: &new.title, description: &new.description, severity: new.severity, tag_ids: &new.tag_ids, assignee: assignee.as_ref(), template_id: new.template_id };
    let detail = super::service::create_issue(&state.db, &state.events, &user, filing).await?;
    Ok(created(format!("/api/v1/issues/{}", detail.summary.id), detail))
}

/// One issue with its description (markdown and sanitized HTML). The `ETag` is its version.
#[utoipa::path(get, path = "/api/v1/issues/{id}", tag = "issues", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = IssueDetail, headers(("ETag" = String))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<Response, ApiError> {
    Ok(issue_response(super::service::get_issue(&state.db, &user, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueEdit {
    title: String,
    description: String,
    /// The version read; or send it as `If-Match`.
    version: Option<i64>,
}

/// Edits the title and description (the reporter, or an admin). A version other than the
/// current one is 409 and changes nothing.
#[utoipa::path(patch, path = "/api/v1/issues/{id}", tag = "issues", params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "The version read, e.g. \"3\"")),
    request_body = IssueEdit, security(("bearer" = [])),
    responses((status = 200, body = IssueDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, headers: HeaderMap, Body(edit): Body<IssueEdit>) -> Result<Response, ApiError> {
    let version = version(&headers, edit.version)?;
    Ok(issue_response(super::service::update_issue(&state.db, &state.events, &user, id, version, &edit.title, &edit.description).await?))
}

/// Deletes an issue (admins); it can be restored.
#[utoipa::path(delete, path = "/api/v1/issues/{id}", tag = "issues", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    super::service::delete_issue(&state.db, &state.events, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restores a deleted issue (admins).
#[utoipa::path(post, path = "/api/v1/issues/{id}/restore", tag = "issues", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn restore_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    super::service::restore_issue(&state.db, &state.events, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    status: Status,
    version: Option<i64>,
}

/// Moves an issue through the workflow (maintainers and admins): one stage forward or back, or
/// DONE back to OPEN. Any other move is 422 naming it.
#[utoipa::path(post, path = "/api/v1/issues/{id}/transitions", tag = "issues", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = Transition, security(("bearer" = [])),
    responses((status = 200, body = IssueSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn transition_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, headers: HeaderMap, Body(t): Body<Transition>) -> Result<Json<IssueSummary>, ApiError> {
    let version = version(&headers, t.version)?;
    Ok(Json(super::service::transition(&state.db, &state.events, &user, id, version, t.status).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeverityChange {
    severity: Severity,
    version: Option<i64>,
}

/// Sets an issue's severity (maintainers and admins).
#[utoipa::path(put, path = "/api/v1/issues/{id}/severity", tag = "issues", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = SeverityChange, security(("bearer" = [])),
    responses((status = 200, body = IssueSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn change_severity(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, headers: HeaderMap, Body(c): Body<SeverityChange>) -> Result<Json<IssueSummary>, ApiError> {
    let version = version(&headers, c.version)?;
    Ok(Json(super::service::change_severity(&state.db, &state.events, &user, id, version, c.severity).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsChange {
    tag_ids: Vec<i64>,
    version: Option<i64>,
}

/// Replaces an issue's tags (maintainers and admins).
#[utoipa::path(put, path = "/api/v1/issues/{id}/tags", tag = "issues", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = TagsChange, security(("bearer" = [])),
    responses((status = 200, body = IssueSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_issue_tags(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, headers: HeaderMap, Body(c): Body<TagsChange>) -> Result<Json<IssueSummary>, ApiError> {
    let version = version(&headers, c.version)?;
    Ok(Json(super::service::set_issue_tags(&state.db, &state.events, &user, id, version, &c.tag_ids).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssigneeChange {
    /// The handle of an active maintainer or admin, or `null` for nobody.
    assignee: Option<String>,
    version: Option<i64>,
}

/// Gives an issue to a maintainer or admin, or to nobody (maintainers and admins). Anyone else
/// as the assignee is 422 naming `assignee`.
#[utoipa::path(put, path = "/api/v1/issues/{id}/assignee", tag = "issues", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = AssigneeChange, security(("bearer" = [])),
    responses((status = 200, body = IssueSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn assign_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, headers: HeaderMap, Body(c): Body<AssigneeChange>) -> Result<Json<IssueSummary>, ApiError> {
    let version = version(&headers, c.version)?;
    let assignee = c.assignee.map(super::assign::Assignee::Handle);
    Ok(Json(super::service::assign(&state.db, &state.events, &user, id, version, assignee).await?))
}

/// A person's name and handle, with the open issues assigned to them that the caller may see
/// (a reporter, only their own). An unknown handle is 404.
#[utoipa::path(get, path = "/api/v1/people/{handle}", tag = "people", params(("handle" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = super::person::PersonIssues), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_person(State(state): State<AppState>, ApiUser(user): ApiUser, axum::extract::Path(handle): axum::extract::Path<String>) -> Result<Json<super::person::PersonIssues>, ApiError> {
    Ok(Json(super::person::person_issues(&state.db, &user, &handle).await?))
}

/// One change for many issues, each named with the version the caller last saw.
#[derive(Deserialize, ToSchema)]
pub struct BulkRequest {
    change: super::model::BulkChange,
    /// At most 500.
    items: Vec<super::model::BulkItem>,
}

/// Applies one change to many issues (maintainers and admins; deleting, admins only). Each issue
/// is changed in its own transaction with its own history row and version check, so the answer
/// lists what changed, what already was so, and what was refused with the reason (a stale
/// version, a workflow rule, an issue that is gone); a refusal never undoes the others.
#[utoipa::path(post, path = "/api/v1/issues/bulk", tag = "issues", request_body = BulkRequest, security(("bearer" = [])),
    responses((status = 200, body = super::model::BulkOutcome), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn bulk_change(State(state): State<AppState>, ApiUser(user): ApiUser, Body(request): Body<BulkRequest>) -> Result<Json<super::model::BulkOutcome>, ApiError> {
    Ok(Json(super::bulk::bulk_change(&state.db, &state.events, &user, &request.change, &request.items).await?))
}
