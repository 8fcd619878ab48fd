//! Wire types for the outbox, shared by the server and the browser.
use crate::domain::{MailPurpose, MailStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One mail in the outbox, without its bodies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutboxMail {
    pub id: i64,
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub purpose: MailPurpose,
    pub status: MailStatus,
    pub attempts: i32,
    /// Why the last attempt failed, as the mail server or the connection said.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it is tried next (while queued).
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The most mails one listing returns, newest first.
pub const LIST_LIMIT: u64 = 200;
