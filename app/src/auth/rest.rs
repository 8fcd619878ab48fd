//! The REST API's accounts: session tokens, the signed-in user, personal API tokens and the
//! admin's user list, over the same services the pages use. Who is calling ([`ApiUser`]) is
//! resolved here too, because reading a token is this feature's rule; every other feature's
//! handlers take it from here, as their server functions take the user from `auth::api`.
use super::model::{ApiTokenInfo, CurrentUser, NewApiToken, Profile, UserSummary};
use crate::{
    domain::Role,
    error::AppError,
    server::{
        AppState,
        rest::{ApiError, Body, ErrorBody, Id, Peer, created},
    },
};
use axum::{
    Json,
    extract::{FromRequestParts, Query, State},
    http::{HeaderMap, StatusCode, request::Parts},
    response::Response,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The signed-in user, from a bearer token or the session cookie; 401 otherwise.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = super::service::token_from_headers(&parts.headers, state.settings.cookie_name()).ok_or(AppError::Unauthorized)?;
        Ok(ApiUser(super::service::authenticate(state, &token).await?))
    }
}

/// Tokens, the signed-in user and the user list, with their part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(log_in))
        .routes(routes!(log_out))
        .routes(routes!(who_am_i, update_profile))
        .routes(routes!(request_password_reset))
        .routes(routes!(reset_password))
        .routes(routes!(list_api_tokens, create_api_token))
        .routes(routes!(revoke_api_token))
        .routes(routes!(list_users))
        .routes(routes!(update_user))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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

impl From<&CurrentUser> for Me {
    fn from(user: &CurrentUser) -> Self {
        Me { id: user.id, email: user.email.clone(), role: user.role }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChange {
    /// 1 to 80 characters; left out, it stays as it is.
    display_name: Option<String>,
    /// 1 to 32 of letters, digits, `-` and `_` (stored lowercase); left out, it stays as it is.
    handle: Option<String>,
}

/// Signs in with email and password and returns a session token. Failed attempts are limited
/// per account and per address (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "auth", request_body = Credentials,
    responses((status = 201, body = TokenGrant), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn log_in(State(state): State<AppState>, Peer(peer): Peer, headers: HeaderMap, Body(credentials): Body<Credentials>) -> Result<Response, ApiError> {
    let client = super::service::client_info_from(&headers, peer, state.settings.trust_forwarded_for);
    let (user, token) = super::service::log_in(&state, &credentials.email, &credentials.password, &client).await?;
    Ok(created("/api/v1/me".to_owned(), TokenGrant { token, user: Me::from(&user) }))
}

/// Ends the session the request's token names.
#[utoipa::path(delete, path = "/api/v1/tokens/current", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn log_out(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<StatusCode, ApiError> {
    super::service::log_out(&state, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who the token belongs to: their address, name, handle and role.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = Profile), (status = 401, body = ErrorBody)))]
async fn who_am_i(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Profile>, ApiError> {
    Ok(Json(super::service::my_profile(&state.db, &user).await?))
}

/// Changes the caller's display name or handle, or both. A handle another account has is 409.
#[utoipa::path(patch, path = "/api/v1/me", tag = "auth", request_body = ProfileChange, security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_profile(State(state): State<AppState>, ApiUser(user): ApiUser, Body(change): Body<ProfileChange>) -> Result<Json<Profile>, ApiError> {
    let current = super::service::my_profile(&state.db, &user).await?;
    let display_name = change.display_name.unwrap_or(current.display_name);
    let handle = change.handle.unwrap_or(current.handle);
    Ok(Json(super::service::update_profile(&state.db, &user, &display_name, &handle).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    email: String,
}

/// Mails a password reset link (valid 30 minutes, usable once) if the address has an account.
/// The answer is 202 either way; asking is limited per address and per client (429).
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = PasswordResetRequest,
    responses((status = 202), (status = 409, body = ErrorBody, description = "Email is off on this server"), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn request_password_reset(State(state): State<AppState>, Peer(peer): Peer, headers: HeaderMap, Body(request): Body<PasswordResetRequest>) -> Result<StatusCode, ApiError> {
    let client = super::service::client_info_from(&headers, peer, state.settings.trust_forwarded_for);
    super::service::request_password_reset(&state, &request.email, &client).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmation {
    /// The `token` of the link in the mail.
    token: String,
    /// The new password: at least 8 characters.
    password: String,
}

/// Sets a new password with a reset link's token. The link is used up, and every session of
/// the account ends. An unknown, used or expired token is 422 on `token`.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = PasswordResetConfirmation,
    responses((status = 204), (status = 422, body = ErrorBody)))]
async fn reset_password(State(state): State<AppState>, Peer(peer): Peer, headers: HeaderMap, Body(request): Body<PasswordResetConfirmation>) -> Result<StatusCode, ApiError> {
    let client = super::service::client_info_from(&headers, peer, state.settings.trust_forwarded_for);
    super::service::reset_password(&state, &request.token, &request.password, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// 1 to 64 characters, e.g. the script that uses it.
    name: String,
    /// 30, 90 or 365; leave out for a token that does not expire.
    expires_in_days: Option<u32>,
}

/// The caller's live personal API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "auth", security(("bearer" = [])), responses((status = 200, body = Vec<ApiTokenInfo>), (status = 401, body = ErrorBody)))]
async fn list_api_tokens(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<ApiTokenInfo>>, ApiError> {
    Ok(Json(super::api_tokens::list(&state.db, &user).await?))
}

/// Makes a personal API token. Its secret is in this answer only; the server keeps its hash.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "auth", request_body = TokenRequest, security(("bearer" = [])),
    responses((status = 201, body = NewApiToken, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_api_token(State(state): State<AppState>, ApiUser(user): ApiUser, Body(request): Body<TokenRequest>) -> Result<Response, ApiError> {
    let made = super::api_tokens::create(&state.db, &user, &request.name, request.expires_in_days).await?;
    Ok(created(format!("/api/v1/me/tokens/{}", made.token.id), made))
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "auth", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_api_token(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    super::api_tokens::revoke(&state.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}


#[derive(Deserialize, IntoParams)]
pub struct UserSearch {
    /// Part of an email address.
    search: Option<String>,
}

/// Every account, or those whose email contains `search` (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserSearch), security(("bearer" = [])),
    responses((status = 200, body = Vec<UserSummary>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_users(State(state): State<AppState>, ApiUser(user): ApiUser, Query(q): Query<UserSearch>) -> Result<Json<Vec<UserSummary>>, ApiError> {
    Ok(Json(super::service::list_users(&state, &user, q.search.as_deref().unwrap_or("")).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
        summary = Some(super::service::change_role(&state, &user, id, role).await?);
    }
    if let Some(active) = change.active {
        summary = Some(super::service::set_user_active(&state, &user, id, active).await?);
    }
    summary.map(Json).ok_or_else(|| AppError::field("role", "change the role or active, or both").into())
}

