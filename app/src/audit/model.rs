//! Wire types for the audit log, shared by the server and the browser.
use crate::audit_log::AuditAction;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One entry, as admins read and export it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target: Option<String>,
    /// A JSON object with the particulars (old and new role, how many sessions, ...).
    pub details: String,
    pub ip: Option<String>,
    pub hash: String,
}

/// Which entries to show; it lives in the URL like the issue list's filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the actor's email.
    pub actor: Option<String>,
    pub action: Option<AuditAction>,
    /// From the start of this day (UTC)...
    pub from: Option<NaiveDate>,
    /// ...to the end of this one.
    pub to: Option<NaiveDate>,
    /// Entries older than this sequence number (the next page).
    pub before: Option<i64>,
}

impl AuditFilter {
    /// Reads the filter from query parameters, dropping what does not parse.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |key: &str| get(key).map(|v| crate::text::cleaned(&v)).filter(|v| !v.is_empty());
        AuditFilter {
            actor: text("actor"),
            action: text("action").and_then(|a| a.parse().ok()),
            from: text("from").and_then(|d| d.parse().ok()),
            to: text("to").and_then(|d| d.parse().ok()),
            before: text("before").and_then(|s| s.parse().ok()),
        }
    }

    /// The query string (`?action=login&from=2026-11-01`), without the page.
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(actor) = &self.actor {
            query.append_pair("actor", actor);
        }
        if let Some(action) = self.action {
            query.append_pair("action", action.as_str());
        }
        if let Some(from) = self.from {
            query.append_pair("from", &from.to_string());
        }
        if let Some(to) = self.to {
            query.append_pair("to", &to.to_string());
        }
        query.finish()
    }
}

/// One page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The `before` value for the next (older) page, if there is one.
    pub next_before: Option<i64>,
}

/// What checking the chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    /// How many entries were checked.
    pub entries: u64,
    /// The first entry whose hash or link does not hold, with the reason; `None` when intact.
    pub first_broken: Option<(i64, String)>,
}
