//! What every REST handler shares: the signed-in user as an extractor, and one JSON shape for
//! every error: `{"error": {"code", "message", "fields"}}`.
use app::{
    auth::model::CurrentUser,
    error::{AppError, FieldError},
    server::AppState,
};
use axum::{
    Json,
    extract::FromRequestParts,
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The error every endpoint answers with: `{"error": {"code", "message", "fields"}}`. Every
/// JSON error the server sends is one of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// For `validation_failed`: each field at fault and why.
    pub fields: Vec<FieldError>,
}

/// The stable, machine-readable name of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    ValidationFailed,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    StaleVersion,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    Internal,
    BadGateway,
    RequestTimeout,
    /// Single sign-on did not complete.
    SignInFailed,
}

impl ErrorBody {
    /// An error with no field errors.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody { error: ErrorDetail { code, message: message.into(), fields: Vec::new() } }
    }

    /// This body as a JSON response with `status`.
    pub fn into_response_with(self, status: StatusCode) -> Response {
        (status, Json(self)).into_response()
    }
}

impl From<&AppError> for ErrorBody {
    fn from(err: &AppError) -> Self {
        let mut body = ErrorBody::new(code(err), err.to_string());
        if let AppError::Validation(fields) = err {
            body.error.fields.clone_from(fields);
        }
        body
    }
}

/// An [`AppError`] answered as JSON with its status.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError(err)
    }
}

/// The stable, machine-readable name of an error.
fn code(err: &AppError) -> ErrorCode {
    match err {
        AppError::Validation(_) => ErrorCode::ValidationFailed,
        AppError::Unauthorized => ErrorCode::Unauthorized,
        AppError::Forbidden => ErrorCode::Forbidden,
        AppError::NotFound => ErrorCode::NotFound,
        AppError::Conflict(_) => ErrorCode::Conflict,
        AppError::StaleVersion { .. } => ErrorCode::StaleVersion,
        AppError::TooLarge { .. } => ErrorCode::PayloadTooLarge,
        AppError::UnsupportedType(_) => ErrorCode::UnsupportedMediaType,
        AppError::RateLimited { .. } => ErrorCode::RateLimited,
        AppError::Internal { .. } => ErrorCode::Internal,
        AppError::Transport(_) => ErrorCode::BadGateway,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = ErrorBody::from(&self.0).into_response_with(status_of(&self.0));
        if let AppError::RateLimited { retry_after_secs } = self.0 {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// The HTTP status `err` is answered with.
pub fn status_of(err: &AppError) -> StatusCode {
    StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The signed-in user, from a bearer token or the session cookie; 401 otherwise.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = app::auth::service::token_from_headers(&parts.headers, state.settings.cookie_name()).ok_or(AppError::Unauthorized)?;
        Ok(ApiUser(app::auth::service::authenticate(state, &token).await?))
    }
}
