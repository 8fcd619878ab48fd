//! What travels on the `/ws` socket, one type for the server that writes it and the browser
//! that reads it. The JSON is tagged by `type`, as clients have always read it:
//! `{"type":"issue","issue_id":7,"version":3,"change":"updated"}`, `{"type":"resync"}`,
//! `{"type":"issues","change":"updated","issues":[{"issue_id":7,"version":3}]}`,
//! `{"type":"hello","at":"…"}`, `{"type":"signed_out"}`.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use super::decide::IssueChange;

/// What an issue's fields that lists filter by (other than its tags) were before an update,
/// so a list page can tell whether the issue was in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub status: crate::domain::Status,
    pub severity: crate::domain::Severity,
    pub assignee_id: Option<i64>,
}

/// An issue and the version it is now at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueVersion {
    pub issue_id: i64,
    pub version: i64,
}

/// One message from the server to a browser's socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// The first message on a socket: it is open and filtered for its user.
    Hello { at: DateTime<Utc> },
    /// An issue the user may see changed and is now at `version`; with the row as the list
    /// shows it, unless it was deleted (or could not be read), so a page showing it patches it
    /// in place.
    Issue {
        issue_id: i64,
        version: i64,
        change: IssueChange,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        row: Option<Box<crate::issues::model::IssueSummary>>,
        /// For an update: what the issue was before it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<Listed>,
    },
    /// Several issues the user may see changed the same way in one operation (a bulk change):
    /// one message for all of them.
    Issues { change: IssueChange, issues: Vec<IssueVersion> },
    /// Reload everything shown: many things changed, notices may have been missed, or the
    /// user's role changed.
    Resync,
    /// The session ended (signed out or deactivated); the socket closes next.
    SignedOut,
    /// The user's inbox changed (a notification arrived, or some were read elsewhere): the
    /// bell reads its count again.
    Inbox,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_message_is_the_json_clients_read() {
        let at = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.678Z").unwrap().with_timezone(&Utc);
        let cases = [
            (LiveMessage::Hello { at }, json!({ "type": "hello", "at": "2026-01-02T03:04:05.678Z" })),
            (
                LiveMessage::Issue { issue_id: 7, version: 3, change: IssueChange::Updated, row: None, before: None },
                json!({ "type": "issue", "issue_id": 7, "version": 3, "change": "updated" }),
            ),
            (
                LiveMessage::Issues { change: IssueChange::Updated, issues: vec![IssueVersion { issue_id: 7, version: 4 }] },
                json!({ "type": "issues", "change": "updated", "issues": [{ "issue_id": 7, "version": 4 }] }),
            ),
            (LiveMessage::Resync, json!({ "type": "resync" })),
            (LiveMessage::SignedOut, json!({ "type": "signed_out" })),
            (LiveMessage::Inbox, json!({ "type": "inbox" })),
        ];
        for (message, wire) in cases {
            assert_eq!(serde_json::to_value(&message).unwrap(), wire, "{message:?} as written");
            assert_eq!(serde_json::from_value::<LiveMessage>(wire).unwrap(), message, "{message:?} as read");
        }
    }

    #[test]
    fn every_change_keeps_its_wire_name() {
        let names = [
            (IssueChange::Created, "created"),
            (IssueChange::Updated, "updated"),
            (IssueChange::Deleted, "deleted"),
            (IssueChange::Restored, "restored"),
            (IssueChange::Comment, "comment"),
            (IssueChange::Attachment, "attachment"),
        ];
        for (change, name) in names {
            assert_eq!(serde_json::to_value(change).unwrap(), json!(name));
            assert_eq!(serde_json::from_value::<IssueChange>(json!(name)).unwrap(), change);
        }
    }

    #[test]
    fn a_message_from_a_newer_server_is_an_error_not_a_panic() {
        assert!(serde_json::from_str::<LiveMessage>(r#"{"type":"something_new"}"#).is_err());
    }
}
