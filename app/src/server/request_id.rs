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

/// How long a caller is asked to wait while the database cannot be reached.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

impl From<sea_orm::DbErr> for AppError {
    /// Logs the database's message and hands the caller only a request id; a database that
    /// cannot be reached is 503 with `Retry-After`, counted in `/metrics`.
    fn from(err: sea_orm::DbErr) -> Self {
        if unreachable(&err) {
            tracing::warn!(error = %err, request_id = %current(), "the database cannot be reached");
            metrics::counter!("database_unavailable_total").increment(1);
            return AppError::Unavailable { retry_after_secs: UNAVAILABLE_RETRY_AFTER_SECS };
        }
        AppError::internal("a database call", err)
    }
}

/// Whether `err` says the database cannot be reached (no connection, a dropped one, a server
/// shutting down or starting), rather than that a statement failed.
pub fn unreachable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    let sqlx_error = match err {
        // No connection could be had or made, whatever the database said while refusing it.
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match &**sqlx_error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed | sqlx::Error::Tls(_) => true,
        // PostgreSQL's connection exceptions (08…) and "shutting down / starting up" (57P…).
        sqlx::Error::Database(db) => db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}
