//! What every REST handler shares, whatever the feature: one JSON shape for every error
//! (`{"error": {"code", "message", "fields"}}`), the extractors that answer in it, and the
//! helpers for versions, `ETag`s and `201 Created`. Who the caller is lives with accounts
//! (`auth::rest::ApiUser`): resolving a token is their rule, and this layer knows no feature.
use crate::error::{AppError, FieldError};
use axum::{
    Json,
    extract::{ConnectInfo, FromRequest, FromRequestParts, Request, rejection::JsonRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::net::SocketAddr;
use utoipa::ToSchema;

/// The largest request body accepted, in bytes (a 64 KiB description fits many times over).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

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
    RequestHeadersTooLarge,
    /// The database cannot be reached for now; `Retry-After` says when to try again.
    Unavailable,
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
        AppError::Unavailable { .. } => ErrorCode::Unavailable,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = ErrorBody::from(&self.0).into_response_with(status_of(&self.0));
        if let AppError::RateLimited { retry_after_secs } | AppError::Unavailable { retry_after_secs } = self.0 {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// The HTTP status `err` is answered with.
pub fn status_of(err: &AppError) -> StatusCode {
    StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

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
                Err(AppError::TooLarge { limit_bytes: MAX_BODY_BYTES as u64 }.into())
            }
            Err(_) => Err(AppError::field("body", "the body is not valid JSON").into()),
        }
    }
}

/// The field a serde error is about: ``missing field `title` ``, ``unknown field `id` `` or
/// `severity: unknown variant`.
fn field_of(detail: &str) -> String {
    if let Some(rest) = detail.strip_prefix("missing field `") {
        return rest.split('`').next().unwrap_or("body").to_owned();
    }
    // A field the body may not set (unknown, or read-only such as `id` or `version`).
    if let Some((_, rest)) = detail.split_once("unknown field `") {
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
pub fn version(headers: &HeaderMap, in_body: Option<i64>) -> Result<i64, ApiError> {
    if let Some(version) = in_body {
        return Ok(version);
    }
    let header = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(|v| v.trim().trim_start_matches("W/").trim_matches('"'));
    match header {
        Some(value) => value.parse().map_err(|_| AppError::field("version", "If-Match must hold the issue's version, e.g. \"3\"").into()),
        None => Err(AppError::field("version", "name the version you read, in If-Match or in the body").into()),
    }
}

/// A version as an `ETag`: `"3"`.
pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits")
}

/// `201 Created` with `body`, and `location` naming what was made.
pub fn created<T: Serialize>(location: String, body: T) -> Response {
    let location = HeaderValue::from_str(&location).expect("a path of digits");
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn serde_errors_name_their_field() {
        assert_eq!(field_of("missing field `title` at line 1 column 2"), "title");
        assert_eq!(field_of("severity: unknown variant `HUGE`, expected one of `LOW`"), "severity");
        assert_eq!(field_of("invalid type: string \"x\", expected i64 at line 1"), "body");
        assert_eq!(field_of("unknown field `id`, expected one of `title`, `description` at line 1 column 9"), "id");
    }
}
