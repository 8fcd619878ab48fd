//! The REST API under `/api/v1`: thin handlers over the same services the pages' server
//! functions call, so the two cannot disagree on permissions or validation. Every route is
//! registered through the OpenAPI router, so none can be missing from `/api-docs/openapi.json`.
use crate::rest::{ApiError, ApiUser, ErrorBody, ErrorCode, ErrorDetail};
use app::{
    attachments::model::Attachment,
    auth::model::{ApiTokenInfo, NewApiToken, UserSummary},
    comments::model::{Comment, TimelineEntry},
    domain::{Role, Severity, Status, TagColour},
    error::AppError,
    issues::{
        model::{IssueDetail, IssueFilter, IssuePage, IssueSummary},
        service::Triage,
    },
    server::AppState,
    stats::model::{Dashboard, RunSummary},
    tags::model::Tag,
};
use axum::{
    Json,
    extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request, State, rejection::JsonRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::{collections::HashMap, net::SocketAddr};
use utoipa::{
    IntoParams, Modify, OpenApi, ToSchema,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(title = "Issues & Insights Tracker API", description = "Everything the web app does, over JSON. Authenticate with `Authorization: Bearer <token>` from `POST /api/v1/tokens`."),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, ErrorDetail, ErrorCode)),
    tags(
        (name = "auth", description = "Tokens and the signed-in user"),
        (name = "users", description = "Accounts and roles (admins)"),
        (name = "issues", description = "Issues, their workflow, tags and activity"),
        (name = "comments", description = "Comments on issues"),
        (name = "attachments", description = "Files on issues"),
        (name = "tags", description = "The tag list"),
        (name = "dashboard", description = "Statistics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()));
    }
}

/// The API's routes and the OpenAPI document describing exactly them.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(create_token))
        .routes(routes!(delete_current_token))
        .routes(routes!(me))
        .routes(routes!(list_api_tokens, create_api_token))
        .routes(routes!(revoke_api_token))
        .routes(routes!(list_users))
        .routes(routes!(update_user))
        .routes(routes!(list_issues, create_issue))
        .routes(routes!(get_issue, update_issue, delete_issue))
        .routes(routes!(restore_issue))
        .routes(routes!(move_issue))
        .routes(routes!(set_severity))
        .routes(routes!(set_tags))
        .routes(routes!(activity))
        .routes(routes!(add_comment))
        .routes(routes!(edit_comment, delete_comment))
        .routes(routes!(list_attachments))
        .routes(routes!(delete_attachment))
        .routes(routes!(list_tags, create_tag))
        .routes(routes!(update_tag, delete_tag))
        .routes(routes!(dashboard))
        .routes(routes!(run_stats))
        .split_for_parts()
}

/// The upload route's entry in the document (its handler lives with the downloads, on a
/// router of its own with the larger body limit).
pub fn upload_doc() -> utoipa::openapi::OpenApi {
    let (_, doc) = OpenApiRouter::<AppState>::new().routes(routes!(crate::attachments::upload)).split_for_parts();
    doc
}

// ---- extractors -------------------------------------------------------------------------

/// A JSON body whose every rejection is answered in the API's error shape, naming the field.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedType("send the body as JSON (Content-Type: application/json)".to_owned()).into()),
            Err(JsonRejection::JsonDataError(err)) => {
                let text = err.body_text();
                let detail = text.split_once("target type: ").map_or(text.as_str(), |(_, d)| d);
                Err(AppError::field(&field_of(detail), detail.to_owned()).into())
            }
            Err(JsonRejection::BytesRejection(err)) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge { limit_bytes: crate::router::MAX_BODY_BYTES as u64 }.into())
            }
            Err(_) => Err(AppError::field("body", "the body is not valid JSON").into()),
        }
    }
}

/// The field a serde error is about: ``missing field `title` `` or `severity: unknown variant`.
fn field_of(detail: &str) -> String {
    if let Some(rest) = detail.strip_prefix("missing field `") {
        return rest.split('`').next().unwrap_or("body").to_owned();
    }
    match detail.split_once(": ") {
        Some((path, _)) if !path.is_empty() && path.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']') => path.to_owned(),
        _ => "body".to_owned(),
    }
}

/// A numeric id from the path; anything else is a 404, as for an id that does not exist.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(id) = axum::extract::Path::<i64>::from_request_parts(parts, state).await.map_err(|_| AppError::NotFound)?;
        Ok(Id(id))
    }
}

/// The address the connection came from, when the server knows it.
pub struct Peer(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

/// The version an update is based on: the body's `version`, else `If-Match` (`"3"` or `3`).
fn version(headers: &HeaderMap, in_body: Option<i64>) -> Result<i64, ApiError> {
    if let Some(version) = in_body {
        return Ok(version);
    }
    let header = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(|v| v.trim().trim_start_matches("W/").trim_matches('"'));
    match header {
        Some(value) => value.parse().map_err(|_| AppError::field("version", "If-Match must hold the issue's version, e.g. \"3\"").into()),
        None => Err(AppError::field("version", "name the version you read, in If-Match or in the body").into()),
    }
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits")
}

fn created<T: Serialize>(location: String, body: T) -> Response {
    let location = HeaderValue::from_str(&location).expect("a path of digits");
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response()
}

fn issue_response(detail: IssueDetail) -> Response {
    let tag = etag(detail.summary.version);
    ([(header::ETAG, tag)], Json(detail)).into_response()
}

// ---- auth -------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema)]
pub struct Credentials {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenGrant {
    /// Send it as `Authorization: Bearer <token>`.
    token: String,
    user: Me,
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
pub struct Me {
    id: i64,
    email: String,
    role: Role,
}

impl From<&app::auth::model::CurrentUser> for Me {
    fn from(user: &app::auth::model::CurrentUser) -> Self {
        Me { id: user.id, email: user.email.clone(), role: user.role }
    }
}

/// Signs in with email and password and returns a session token. Failed attempts are limited
/// per account and per address (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = Credentials,
    responses((status = 201, body = TokenGrant), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn create_token(State(state): State<AppState>, Peer(peer): Peer, headers: HeaderMap, Body(credentials): Body<Credentials>) -> Result<Response, ApiError> {
    let client = app::auth::service::client_info_from(&headers, peer, state.settings.trust_forwarded_for);
    let (user, token) = app::auth::service::log_in(&state, &credentials.email, &credentials.password, &client).await?;
    Ok(created("/api/v1/me".to_owned(), TokenGrant { token, user: Me::from(&user) }))
}

/// Ends the session the request's token names.
#[utoipa::path(delete, path = "/api/v1/tokens/current", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn delete_current_token(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<StatusCode, ApiError> {
    app::auth::service::log_out(&state, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(ApiUser(user): ApiUser) -> Json<Me> {
    Json(Me::from(&user))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    /// 1 to 64 characters, e.g. the script that uses it.
    name: String,
    /// 30, 90 or 365; leave out for a token that does not expire.
    expires_in_days: Option<u32>,
}

/// The caller's live personal API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "auth", security(("bearer" = [])), responses((status = 200, body = Vec<ApiTokenInfo>), (status = 401, body = ErrorBody)))]
async fn list_api_tokens(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<ApiTokenInfo>>, ApiError> {
    Ok(Json(app::auth::api_tokens::list(&state.db, &user).await?))
}

/// Makes a personal API token. Its secret is in this answer only; the server keeps its hash.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "auth", request_body = TokenRequest, security(("bearer" = [])),
    responses((status = 201, body = NewApiToken, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_api_token(State(state): State<AppState>, ApiUser(user): ApiUser, Body(request): Body<TokenRequest>) -> Result<Response, ApiError> {
    let made = app::auth::api_tokens::create(&state.db, &user, &request.name, request.expires_in_days).await?;
    Ok(created(format!("/api/v1/me/tokens/{}", made.token.id), made))
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "auth", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_api_token(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    app::auth::api_tokens::revoke(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- users ------------------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
pub struct UserSearch {
    /// Part of an email address.
    search: Option<String>,
}

/// Every account, or those whose email contains `search` (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserSearch), security(("bearer" = [])),
    responses((status = 200, body = Vec<UserSummary>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_users(State(state): State<AppState>, ApiUser(user): ApiUser, Query(q): Query<UserSearch>) -> Result<Json<Vec<UserSummary>>, ApiError> {
    Ok(Json(app::auth::service::list_users(&state, &user, q.search.as_deref().unwrap_or("")).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct UserChange {
    role: Option<Role>,
    active: Option<bool>,
}

/// Changes another account's role or deactivates it (admins). Takes effect on its next request.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserChange, security(("bearer" = [])),
    responses((status = 200, body = UserSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_user(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, Body(change): Body<UserChange>) -> Result<Json<UserSummary>, ApiError> {
    let mut summary = None;
    if let Some(role) = change.role {
        summary = Some(app::auth::service::change_role(&state, &user, id, role).await?);
    }
    if let Some(active) = change.active {
        summary = Some(app::auth::service::set_active(&state, &user, id, active).await?);
    }
    summary.map(Json).ok_or_else(|| AppError::field("role", "change the role or active, or both").into())
}

// ---- issues -----------------------------------------------------------------------------

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
    /// The reporter's email.
    reporter: Option<String>,
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
    Ok(Json(app::issues::list::list_issues(&state.db, &user, &filter).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewIssue {
    /// 1 to 200 characters after trimming.
    title: String,
    /// Markdown, up to 64 KiB.
    #[serde(default)]
    description: String,
    severity: Severity,
    #[serde(default)]
    tag_ids: Vec<i64>,
}

/// Files an issue. Its `Location` is the new issue.
#[utoipa::path(post, path = "/api/v1/issues", tag = "issues", request_body = NewIssue, security(("bearer" = [])),
    responses((status = 201, body = IssueDetail, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Body(new): Body<NewIssue>) -> Result<Response, ApiError> {
    let detail = app::issues::service::create_issue(&state.db, &state.events, &user, &new.title, &new.description, new.severity, &new.tag_ids).await?;
    Ok(created(format!("/api/v1/issues/{}", detail.summary.id), detail))
}

/// One issue with its description (markdown and sanitized HTML). The `ETag` is its version.
#[utoipa::path(get, path = "/api/v1/issues/{id}", tag = "issues", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = IssueDetail, headers(("ETag" = String))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<Response, ApiError> {
    Ok(issue_response(app::issues::service::get_issue(&state.db, &user, id).await?))
}

#[derive(Deserialize, ToSchema)]
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
    Ok(issue_response(app::issues::service::update_issue(&state.db, &state.events, &user, id, version, &edit.title, &edit.description).await?))
}

/// Deletes an issue (admins); it can be restored.
#[utoipa::path(delete, path = "/api/v1/issues/{id}", tag = "issues", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    app::issues::service::delete_issue(&state.db, &state.events, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restores a deleted issue (admins).
#[utoipa::path(post, path = "/api/v1/issues/{id}/restore", tag = "issues", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn restore_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    app::issues::service::restore_issue(&state.db, &state.events, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct Transition {
    status: Status,
    version: Option<i64>,
}

/// Moves an issue through the workflow (maintainers and admins): one stage forward or back, or
/// DONE back to OPEN. Any other move is 422 naming it.
#[utoipa::path(post, path = "/api/v1/issues/{id}/transitions", tag = "issues", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = Transition, security(("bearer" = [])),
    responses((status = 200, body = IssueSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn move_issue(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, headers: HeaderMap, Body(t): Body<Transition>) -> Result<Json<IssueSummary>, ApiError> {
    let version = version(&headers, t.version)?;
    Ok(Json(app::issues::service::triage(&state.db, &state.events, &user, id, version, Triage::Status(t.status)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct SeverityChange {
    severity: Severity,
    version: Option<i64>,
}

/// Sets an issue's severity (maintainers and admins).
#[utoipa::path(put, path = "/api/v1/issues/{id}/severity", tag = "issues", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = SeverityChange, security(("bearer" = [])),
    responses((status = 200, body = IssueSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_severity(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, headers: HeaderMap, Body(c): Body<SeverityChange>) -> Result<Json<IssueSummary>, ApiError> {
    let version = version(&headers, c.version)?;
    Ok(Json(app::issues::service::triage(&state.db, &state.events, &user, id, version, Triage::Severity(c.severity)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct TagsChange {
    tag_ids: Vec<i64>,
    version: Option<i64>,
}

/// Replaces an issue's tags (maintainers and admins).
#[utoipa::path(put, path = "/api/v1/issues/{id}/tags", tag = "issues", params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = TagsChange, security(("bearer" = [])),
    responses((status = 200, body = IssueSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_tags(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, headers: HeaderMap, Body(c): Body<TagsChange>) -> Result<Json<IssueSummary>, ApiError> {
    let version = version(&headers, c.version)?;
    Ok(Json(app::issues::service::set_issue_tags(&state.db, &state.events, &user, id, version, &c.tag_ids).await?))
}

/// The issue's timeline: comments and every recorded change, oldest first.
#[utoipa::path(get, path = "/api/v1/issues/{id}/activity", tag = "issues", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<TimelineEntry>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn activity(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    Ok(Json(app::comments::service::timeline(&state.db, &user, id).await?))
}

// ---- comments ---------------------------------------------------------------------------

#[derive(Deserialize, ToSchema)]
pub struct CommentBody {
    /// Markdown, up to 64 KiB.
    body: String,
}

/// Comments on an issue (its reporter, maintainers and admins).
#[utoipa::path(post, path = "/api/v1/issues/{id}/comments", tag = "comments", params(("id" = i64, Path)), request_body = CommentBody, security(("bearer" = [])),
    responses((status = 201, body = Comment, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_comment(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, Body(c): Body<CommentBody>) -> Result<Response, ApiError> {
    let comment = app::comments::service::add_comment(&state.db, &state.events, &user, id, &c.body).await?;
    Ok(created(format!("/api/v1/comments/{}", comment.id), comment))
}

/// Edits one's own comment.
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "comments", params(("id" = i64, Path)), request_body = CommentBody, security(("bearer" = [])),
    responses((status = 200, body = Comment), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn edit_comment(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, Body(c): Body<CommentBody>) -> Result<Json<Comment>, ApiError> {
    Ok(Json(app::comments::service::edit_comment(&state.db, &state.events, &user, id, &c.body).await?))
}

/// Deletes a comment (its author, or an admin).
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "comments", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_comment(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    app::comments::service::delete_comment(&state.db, &state.events, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- attachments ------------------------------------------------------------------------

/// The issue's files. Download one from `/attachments/{id}`.
#[utoipa::path(get, path = "/api/v1/issues/{id}/attachments", tag = "attachments", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<Attachment>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_attachments(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<Json<Vec<Attachment>>, ApiError> {
    Ok(Json(app::attachments::service::list_attachments(&state.db, &user, id).await?))
}

/// Removes a file: its record and its bytes (the uploader, maintainers and admins).
#[utoipa::path(delete, path = "/api/v1/attachments/{id}", tag = "attachments", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_attachment(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    app::attachments::service::remove_attachment(&state.db, &state.events, state.storage.as_ref(), &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- tags -------------------------------------------------------------------------------

/// Every tag.
#[utoipa::path(get, path = "/api/v1/tags", tag = "tags", security(("bearer" = [])), responses((status = 200, body = Vec<Tag>), (status = 401, body = ErrorBody)))]
async fn list_tags(State(state): State<AppState>, ApiUser(_): ApiUser) -> Result<Json<Vec<Tag>>, ApiError> {
    Ok(Json(app::tags::service::all_tags(&state.db).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct TagFields {
    /// 1 to 32 characters, unique regardless of letter case.
    name: String,
    colour: TagColour,
}

/// Adds a tag (maintainers and admins).
#[utoipa::path(post, path = "/api/v1/tags", tag = "tags", request_body = TagFields, security(("bearer" = [])),
    responses((status = 201, body = Tag, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_tag(State(state): State<AppState>, ApiUser(user): ApiUser, Body(t): Body<TagFields>) -> Result<Response, ApiError> {
    let tag = app::tags::service::create_tag(&state.db, &user, &t.name, t.colour.as_str()).await?;
    Ok(created(format!("/api/v1/tags/{}", tag.id), tag))
}

/// Renames or recolours a tag (maintainers and admins).
#[utoipa::path(patch, path = "/api/v1/tags/{id}", tag = "tags", params(("id" = i64, Path)), request_body = TagFields, security(("bearer" = [])),
    responses((status = 200, body = Tag), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_tag(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id, Body(t): Body<TagFields>) -> Result<Json<Tag>, ApiError> {
    Ok(Json(app::tags::service::update_tag(&state.db, &state.events, &user, id, &t.name, t.colour.as_str()).await?))
}

/// Deletes a tag and takes it off every issue (maintainers and admins).
#[utoipa::path(delete, path = "/api/v1/tags/{id}", tag = "tags", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_tag(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    app::tags::service::delete_tag(&state.db, &state.events, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- dashboard --------------------------------------------------------------------------

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
async fn dashboard(State(state): State<AppState>, ApiUser(user): ApiUser, Query(raw): Query<HashMap<String, String>>) -> Result<Json<Dashboard>, ApiError> {
    let days = match raw.get("days") {
        None => app::stats::model::WINDOWS[0],
        Some(days) => days.trim().parse().map_err(|_| AppError::field("days", "choose a window of 30 or 90 days"))?,
    };
    Ok(Json(app::stats::service::dashboard(&state.db, &user, days, chrono::Utc::now()).await?))
}

/// Computes the daily statistics now (admins).
#[utoipa::path(post, path = "/api/v1/stats/runs", tag = "dashboard", security(("bearer" = [])),
    responses((status = 201, body = RunSummary), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn run_stats(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Response, ApiError> {
    let summary = app::stats::service::run_now(&state.db, &state.stats_job, &user).await?;
    Ok(created("/api/v1/dashboard".to_owned(), summary))
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn serde_errors_name_their_field() {
        assert_eq!(field_of("missing field `title` at line 1 column 2"), "title");
        assert_eq!(field_of("severity: unknown variant `HUGE`, expected one of `LOW`"), "severity");
        assert_eq!(field_of("invalid type: string \"x\", expected i64 at line 1"), "body");
    }
}
