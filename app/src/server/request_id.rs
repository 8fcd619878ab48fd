//! The id that ties a response to its log lines, and the internal errors that carry it.
use crate::error::AppError;

tokio::task_local! {
    /// Set by the server's request middleware for the duration of one request.
    pub static REQUEST_ID: String;
}

/// The current request's id, or a fresh one when called outside a request
/// (a spawned task or a background job), so that an error is always traceable in the log.
pub fn current() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_else(|_| fresh())
}

/// A new random request id.
pub fn fresh() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    // Unique enough to find a log line: the clock's nanoseconds mixed with a process-wide counter.
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{:x}{:04x}", nanos as u64, n & 0xffff)
}

impl AppError {
    /// Logs `err` as a failure of `what` and hands the caller only a request id.
    pub fn internal(what: &str, err: impl std::fmt::Display) -> AppError {
        let request_id = current();
        tracing::error!(error = %err, %request_id, "{what} failed");
        AppError::Internal { request_id }
    }
}

impl From<sea_orm::DbErr> for AppError {
    /// Logs the database's message and hands the caller only a request id.
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::internal("a database call", err)
    }
}
