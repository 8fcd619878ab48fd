//! What every REST handler shares: the signed-in user as an extractor, and one JSON shape for
//! every error: `{"error": {"code", "message", "fields"}}`.
use app::{auth::model::CurrentUser, error::AppError, server::AppState};
use axum::{
    Json,
    extract::FromRequestParts,
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde_json::json;

/// An [`AppError`] answered as JSON with its status.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError(err)
    }
}

/// The stable, machine-readable name of an error.
fn code(err: &AppError) -> &'static str {
    match err {
        AppError::Validation(_) => "validation_failed",
        AppError::Unauthorized => "unauthorized",
        AppError::Forbidden => "forbidden",
        AppError::NotFound => "not_found",
        AppError::Conflict(_) => "conflict",
        AppError::StaleVersion { .. } => "stale_version",
        AppError::TooLarge { .. } => "payload_too_large",
        AppError::UnsupportedType(_) => "unsupported_media_type",
        AppError::RateLimited { .. } => "rate_limited",
        AppError::Internal { .. } => "internal",
        AppError::Transport(_) => "bad_gateway",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let fields = match &self.0 {
            AppError::Validation(fields) => json!(fields),
            _ => json!([]),
        };
        let body = json!({ "error": { "code": code(&self.0), "message": self.0.to_string(), "fields": fields } });
        let mut response = (status, Json(body)).into_response();
        if let AppError::RateLimited { retry_after_secs } = self.0 {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// The signed-in user, from a bearer token or the session cookie; 401 otherwise.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = app::auth::service::token_from_headers(&parts.headers, state.settings.cookie_name()).ok_or(AppError::Unauthorized)?;
        Ok(ApiUser(app::auth::service::authenticate(state, token).await?))
    }
}
