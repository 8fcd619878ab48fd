//! Wire types for comments and the timeline, shared by the server and the browser.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest comment, in bytes.
pub const COMMENT_MAX_BYTES: usize = 64 * 1024;

/// A comment as the timeline shows it to one viewer.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    pub issue_id: i64,
    pub author_email: String,
    /// The markdown as written; empty once deleted.
    pub body: String,
    /// The markdown rendered on the server and sanitized; safe to insert as HTML.
    pub body_html: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    /// The viewer wrote it (and so may edit it).
    pub can_edit: bool,
    /// The viewer wrote it or is an admin.
    pub can_delete: bool,
}

/// One recorded change to an issue: who, when, what, and the values before and after.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: i64,
    pub actor_email: String,
    /// `created`, `title`, `description`, `status`, `severity`, `tags`, `deleted`, `restored`, ...
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub at: DateTime<Utc>,
}

impl Activity {
    /// The change in words, e.g. `changed the status from OPEN to TRIAGED`.
    pub fn describe(&self) -> String {
        let values = |what: &str| match (&self.from, &self.to) {
            (Some(from), Some(to)) => format!("changed {what} from {from} to {to}"),
            (None, Some(to)) => format!("set {what} to {to}"),
            (Some(from), None) => format!("cleared {what} (was {from})"),
            (None, None) => format!("changed {what}"),
        };
        match self.kind.as_str() {
            "created" => "filed the issue".to_owned(),
            "title" => values("the title"),
            "description" => "edited the description".to_owned(),
            "status" => values("the status"),
            "severity" => values("the severity"),
            "tags" => values("the tags"),
            "deleted" => "deleted the issue".to_owned(),
            "restored" => "restored the issue".to_owned(),
            "attachment_added" => format!("attached {}", self.to.as_deref().unwrap_or("a file")),
            "attachment_removed" => format!("removed the attachment {}", self.from.as_deref().unwrap_or("")),
            other => format!("recorded {other}"),
        }
    }
}

/// One entry of an issue's timeline, in time order.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimelineEntry {
    Comment(Comment),
    Activity(Activity),
}

impl TimelineEntry {
    /// When it happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            TimelineEntry::Comment(c) => c.created_at,
            TimelineEntry::Activity(a) => a.at,
        }
    }
}
