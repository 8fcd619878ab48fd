//! Shared server-side infrastructure: state, database access, entities, tokens, markdown and CSP.
//! It knows no feature; features build on it.
pub mod db;
pub mod entities;
pub mod events;
pub mod markdown;
pub mod request_id;
pub mod security;
pub mod storage;
pub mod state;
pub mod tokens;

pub use state::{AppState, OidcSettings, Settings};

/// Sets the HTTP status of a server function's response from its error, so that
/// a 422 or 404 reaches the caller as that status rather than a generic 500.
pub fn respond<T>(result: Result<T, crate::error::AppError>) -> Result<T, crate::error::AppError> {
    if let Err(err) = &result {
        report_status(err);
    }
    result
}

/// Puts `err`'s status (and `Retry-After` for rate limits) on the current response.
pub fn report_status(err: &crate::error::AppError) {
    let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else { return };
    options.set_status(
        axum::http::StatusCode::from_u16(err.status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
    );
    if let crate::error::AppError::RateLimited { retry_after_secs } = err {
        options.insert_header(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(*retry_after_secs));
    }
}
