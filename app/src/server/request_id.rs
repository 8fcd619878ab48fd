//! The id that ties a response to its log lines.

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
