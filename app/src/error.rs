//! The one error type, shared by server functions, REST handlers and the browser.
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A problem with one input field, named so the form can show it beside the field.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every failure a caller can see. Each variant maps to one HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("some fields are invalid")]
    Validation(Vec<FieldError>),
    #[error("sign in to continue")]
    Unauthorized,
    #[error("you are not allowed to do that")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// Someone else changed the record since it was read; reload and apply again.
    #[error("someone else changed this issue (it is now at version {current_version}); review it and apply your change again")]
    StaleVersion { current_version: i64 },
    /// A body or upload over the limit, in bytes.
    #[error("the upload is larger than the limit of {limit_bytes} bytes")]
    TooLarge { limit_bytes: u64 },
    /// A file whose bytes are not of an accepted type.
    #[error("{0}")]
    UnsupportedType(String),
    #[error("too many requests; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The detail is in the server log under this request id, never in the response.
    #[error("something went wrong on our side (request {request_id})")]
    Internal { request_id: String },
    /// The database cannot be reached for now; the detail is in the log and the metrics.
    #[error("the service is temporarily unavailable; try again in a few seconds")]
    Unavailable { retry_after_secs: u64 },
    /// The request never reached the server or its answer could not be read.
    #[error("could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// A validation error for a single field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }

    /// This error with its field `from` named `to` instead (a check two forms share).
    pub fn renamed_field(self, from: &str, to: &str) -> Self {
        match self {
            AppError::Validation(fields) => AppError::Validation(
                fields.into_iter().map(|f| if f.field == from { FieldError { field: to.to_owned(), message: f.message.replace(from, to) } } else { f }).collect(),
            ),
            other => other,
        }
    }

    /// One validation error holding the field errors of every failed check; a failure of another
    /// kind (the database down) wins, so it is never reported as a 422 naming no field.
    pub fn merge_fields(errors: impl IntoIterator<Item = Option<AppError>>) -> Self {
        let mut fields = Vec::new();
        for error in errors.into_iter().flatten() {
            match error {
                AppError::Validation(some) => fields.extend(some),
                other => return other,
            }
        }
        AppError::Validation(fields)
    }

    /// The HTTP status this error is reported with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) | AppError::StaleVersion { .. } => 409,
            AppError::TooLarge { .. } => 413,
            AppError::UnsupportedType(_) => 415,
            AppError::RateLimited { .. } => 429,
            AppError::Internal { .. } => 500,
            AppError::Transport(_) => 502,
            AppError::Unavailable { .. } => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The arguments could not be read: a client error, reported as 422 naming the problem.
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message) => {
                let err = AppError::field("request", message);
                #[cfg(feature = "ssr")]
                report_status(&err);
                err
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// Sets the HTTP status of a server function's response from its error, so that
/// a 422 or 404 reaches the caller as that status rather than a generic 500.
#[cfg(feature = "ssr")]
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        report_status(err);
    }
    result
}

/// Puts `err`'s status (and `Retry-After` for rate limits) on the current response.
#[cfg(feature = "ssr")]
pub fn report_status(err: &AppError) {
    use axum::http::{HeaderValue, StatusCode, header};
    let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else { return };
    options.set_status(StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    if let AppError::RateLimited { retry_after_secs } | AppError::Unavailable { retry_after_secs } = err {
        options.insert_header(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_has_its_status() {
        assert_eq!(AppError::field("title", "required").status(), 422);
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::Conflict("stale".into()).status(), 409);
        assert_eq!(AppError::RateLimited { retry_after_secs: 3 }.status(), 429);
        assert_eq!(AppError::Internal { request_id: "r".into() }.status(), 500);
    }

    #[test]
    fn internal_errors_show_only_the_request_id() {
        let err = AppError::Internal { request_id: "abc".into() };
        assert_eq!(err.to_string(), "something went wrong on our side (request abc)");
    }
}
