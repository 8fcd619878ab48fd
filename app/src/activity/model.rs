//! The history's values, shared by the server and the browser: the kinds of change, each change
//! with its typed before and after, and a history line as it crosses the wire.
use crate::domain::{Severity, Status, UnknownValue, closed_set};
use crate::people::model::Person;
use chrono::{DateTime, Utc};
#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

closed_set! {
    /// What a history row records, in the words `issue_events.kind` stores.
    EventKind {
        Created => "created", "Filed",
        Title => "title", "Title",
        Description => "description", "Description",
        Status => "status", "Status",
        Severity => "severity", "Severity",
        Tags => "tags", "Tags",
        Deleted => "deleted", "Deleted",
        Restored => "restored", "Restored",
        AttachmentAdded => "attachment_added", "Attachment added",
        AttachmentRemoved => "attachment_removed", "Attachment removed",
        CommentAdded => "comment_added", "Comment added",
        CommentEdited => "comment_edited", "Comment edited",
        CommentDeleted => "comment_deleted", "Comment deleted",
        Assigned => "assigned", "Assignee",
    }
}

impl EventKind {
    /// Comment activity shows as the comment itself (edited or deleted), not as lines of its own.
    pub fn shown_as_comment(self) -> bool {
        matches!(self, EventKind::CommentAdded | EventKind::CommentEdited | EventKind::CommentDeleted)
    }
}

/// One change to an issue, with its values before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Filed, under this title.
    Created { title: String },
    Title { from: String, to: String },
    Description { from: String, to: String },
    Status { from: Status, to: Status },
    Severity { from: Severity, to: Severity },
    /// The tags by name, in the order shown; empty for none.
    Tags { from: Vec<String>, to: Vec<String> },
    Deleted,
    Restored,
    AttachmentAdded { file_name: String },
    AttachmentRemoved { file_name: String },
    CommentAdded { body: String },
    CommentEdited { from: String, to: String },
    CommentDeleted { body: String },
    /// The assignee changed: the accounts' ids before and after, none for nobody. Ids, not
    /// handles, so the history stays right when someone changes their handle.
    Assigned { from: Option<i64>, to: Option<i64> },
}

/// Tag lists are stored as their names joined by commas (a tag name has none); no tags as none.
fn join_tags(names: Vec<String>) -> Option<String> {
    (!names.is_empty()).then(|| names.join(", "))
}

/// Both values of a status or severity change, if both are one.
fn parsed<T: FromStr>(from: Option<String>, to: Option<String>) -> Option<(T, T)> {
    Some((from?.parse().ok()?, to?.parse().ok()?))
}

fn split_tags(stored: Option<String>) -> Vec<String> {
    stored.map(|s| s.split(',').map(|name| name.trim().to_owned()).filter(|name| !name.is_empty()).collect()).unwrap_or_default()
}

impl Change {
    /// The kind it is stored under.
    pub fn kind(&self) -> EventKind {
        match self {
            Change::Created { .. } => EventKind::Created,
            Change::Title { .. } => EventKind::Title,
            Change::Description { .. } => EventKind::Description,
            Change::Status { .. } => EventKind::Status,
            Change::Severity { .. } => EventKind::Severity,
            Change::Tags { .. } => EventKind::Tags,
            Change::Deleted => EventKind::Deleted,
            Change::Restored => EventKind::Restored,
            Change::AttachmentAdded { .. } => EventKind::AttachmentAdded,
            Change::AttachmentRemoved { .. } => EventKind::AttachmentRemoved,
            Change::CommentAdded { .. } => EventKind::CommentAdded,
            Change::CommentEdited { .. } => EventKind::CommentEdited,
            Change::CommentDeleted { .. } => EventKind::CommentDeleted,
            Change::Assigned { .. } => EventKind::Assigned,
        }
    }

    /// The stored form: the kind, and the values before and after as text.
    pub fn into_stored(self) -> (EventKind, Option<String>, Option<String>) {
        let kind = self.kind();
        let (from, to) = match self {
            Change::Created { title } => (None, Some(title)),
            Change::Title { from, to } | Change::Description { from, to } | Change::CommentEdited { from, to } => (Some(from), Some(to)),
            Change::Status { from, to } => (Some(from.as_str().to_owned()), Some(to.as_str().to_owned())),
            Change::Severity { from, to } => (Some(from.as_str().to_owned()), Some(to.as_str().to_owned())),
            Change::Tags { from, to } => (join_tags(from), join_tags(to)),
            Change::Deleted | Change::Restored => (None, None),
            Change::AttachmentAdded { file_name } => (None, Some(file_name)),
            Change::AttachmentRemoved { file_name } => (Some(file_name), None),
            Change::CommentAdded { body } => (None, Some(body)),
            Change::CommentDeleted { body } => (Some(body), None),
            Change::Assigned { from, to } => (from.map(|id| id.to_string()), to.map(|id| id.to_string())),
        };
        (kind, from, to)
    }

    /// A stored row read back. A missing text reads as empty (the timeline leaves descriptions
    /// out); a status or severity that is not one is no change at all (`None`).
    pub fn from_stored(kind: EventKind, from: Option<String>, to: Option<String>) -> Option<Change> {
        let text = |value: Option<String>| value.unwrap_or_default();
        // An id that is not a number is no change at all; a missing one is nobody.
        let id = |value: Option<String>| -> Option<Option<i64>> {
            match value {
                None => Some(None),
                Some(text) => text.parse().ok().map(Some),
            }
        };
        Some(match kind {
            EventKind::Created => Change::Created { title: text(to) },
            EventKind::Title => Change::Title { from: text(from), to: text(to) },
            EventKind::Description => Change::Description { from: text(from), to: text(to) },
            EventKind::Status => parsed(from, to).map(|(from, to)| Change::Status { from, to })?,
            EventKind::Severity => parsed(from, to).map(|(from, to)| Change::Severity { from, to })?,
            EventKind::Tags => Change::Tags { from: split_tags(from), to: split_tags(to) },
            EventKind::Deleted => Change::Deleted,
            EventKind::Restored => Change::Restored,
            EventKind::AttachmentAdded => Change::AttachmentAdded { file_name: text(to) },
            EventKind::AttachmentRemoved => Change::AttachmentRemoved { file_name: text(from) },
            EventKind::CommentAdded => Change::CommentAdded { body: text(to) },
            EventKind::CommentEdited => Change::CommentEdited { from: text(from), to: text(to) },
            EventKind::CommentDeleted => Change::CommentDeleted { body: text(from) },
            EventKind::Assigned => Change::Assigned { from: id(from)?, to: id(to)? },
        })
    }
}

/// One recorded change to an issue as the timeline shows it: who, when, what, and the values
/// before and after in their stored form.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: i64,
    /// Who made the change.
    pub actor: Person,
    pub kind: EventKind,
    pub from: Option<String>,
    pub to: Option<String>,
    pub at: DateTime<Utc>,
}

/// `changed {what} from {from} to {to}`, or the words for a value set or cleared.
fn values(what: &str, from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (Some(from), Some(to)) => format!("changed {what} from {from} to {to}"),
        (None, Some(to)) => format!("set {what} to {to}"),
        (Some(from), None) => format!("cleared {what} (was {from})"),
        (None, None) => format!("changed {what}"),
    }
}

impl Activity {
    /// The change, typed; `None` for a status or severity that is not one.
    pub fn change(&self) -> Option<Change> {
        Change::from_stored(self.kind, self.from.clone(), self.to.clone())
    }

    /// The change in the UI's words, e.g. `moved it from New to Triaged`.
    pub fn describe(&self) -> String {
        // The timeline puts people's names in place of the stored ids before it is shown.
        if self.kind == EventKind::Assigned {
            return match (self.from.as_deref(), self.to.as_deref()) {
                (_, Some(to)) => format!("assigned it to {to}"),
                (Some(from), None) => format!("unassigned {from}"),
                (None, None) => "changed the assignee".to_owned(),
            };
        }
        let Some(change) = self.change() else {
            return values(&format!("the {}", self.kind.label().to_lowercase()), self.from.as_deref(), self.to.as_deref());
        };
        let tags = |names: &[String]| (!names.is_empty()).then(|| names.join(", "));
        match change {
            // A filing's tags are folded into it (see `comments::model::fold_filing`) and travel as `to`.
            Change::Created { .. } => match self.to.as_deref().filter(|t| !t.is_empty()) {
                Some(tags) if self.from.is_some() => format!("filed the issue with tags {tags}"),
                _ => "filed the issue".to_owned(),
            },
            Change::Title { from, to } => values("the title", Some(&from), Some(&to)),
            Change::Description { .. } => "edited the description".to_owned(),
            Change::Status { from, to } => format!("moved it from {} to {}", from.label(), to.label()),
            Change::Severity { from, to } => values("the severity", Some(from.label()), Some(to.label())),
            Change::Tags { from, to } => values("the tags", tags(&from).as_deref(), tags(&to).as_deref()),
            Change::Deleted => "deleted the issue".to_owned(),
            Change::Restored => "restored the issue".to_owned(),
            Change::AttachmentAdded { file_name } => format!("attached {}", if file_name.is_empty() { "a file" } else { &file_name }),
            Change::AttachmentRemoved { file_name } => format!("removed the attachment {file_name}"),
            Change::CommentAdded { .. } => "commented".to_owned(),
            Change::CommentEdited { .. } => "edited a comment".to_owned(),
            Change::CommentDeleted { .. } => "deleted a comment".to_owned(),
            // Described above, by name.
            Change::Assigned { .. } => "changed the assignee".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(kind: EventKind, from: Option<&str>, to: Option<&str>) -> Activity {
        Activity {
            id: 1,
            actor: Person { id: 7, handle: "ana".into(), display_name: "Ana".into() },
            kind,
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            at: DateTime::from_timestamp(1_764_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn kinds_keep_the_stored_words() {
        let stored: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            stored,
            [
                "created", "title", "description", "status", "severity", "tags", "deleted", "restored", "attachment_added",
                "attachment_removed", "comment_added", "comment_edited", "comment_deleted", "assigned"
            ]
        );
        assert_eq!(serde_json::to_string(&EventKind::AttachmentAdded).unwrap(), "\"attachment_added\"");
    }

    #[test]
    fn every_change_reads_back_as_it_was_stored() {
        let changes = [
            Change::Created { title: "Crash".into() },
            Change::Title { from: "a".into(), to: "b".into() },
            Change::Description { from: "x".into(), to: "y".into() },
            Change::Status { from: Status::Open, to: Status::InProgress },
            Change::Severity { from: Severity::Low, to: Severity::Critical },
            Change::Tags { from: vec![], to: vec!["ui".into(), "docs".into()] },
            Change::Tags { from: vec!["ui".into()], to: vec![] },
            Change::Deleted,
            Change::Restored,
            Change::AttachmentAdded { file_name: "log.txt".into() },
            Change::AttachmentRemoved { file_name: "log.txt".into() },
            Change::CommentAdded { body: "hi".into() },
            Change::CommentEdited { from: "hi".into(), to: "hello".into() },
            Change::CommentDeleted { body: "hello".into() },
            Change::Assigned { from: None, to: Some(7) },
            Change::Assigned { from: Some(7), to: Some(9) },
            Change::Assigned { from: Some(9), to: None },
        ];
        for change in changes {
            let (kind, from, to) = change.clone().into_stored();
            assert_eq!(Change::from_stored(kind, from, to), Some(change));
        }
        let (_, from, to) = Change::Status { from: Status::Done, to: Status::Open }.into_stored();
        assert_eq!((from.as_deref(), to.as_deref()), (Some("DONE"), Some("OPEN")), "the stored words stay the same");
        assert_eq!(Change::from_stored(EventKind::Status, Some("OPEN".into()), Some("LATER".into())), None);
    }

    #[test]
    fn changes_read_in_the_ui_words_not_stored_values() {
        assert_eq!(activity(EventKind::Status, Some("OPEN"), Some("IN_PROGRESS")).describe(), "moved it from New to In progress");
        assert_eq!(activity(EventKind::Severity, Some("LOW"), Some("CRITICAL")).describe(), "changed the severity from Low to Critical");
        assert_eq!(activity(EventKind::Tags, None, Some("ui, docs")).describe(), "set the tags to ui, docs");
        assert_eq!(activity(EventKind::Tags, Some("ui"), None).describe(), "cleared the tags (was ui)");
        assert_eq!(activity(EventKind::Description, None, None).describe(), "edited the description");
        assert_eq!(activity(EventKind::AttachmentAdded, None, Some("a.png")).describe(), "attached a.png");
        assert_eq!(activity(EventKind::Created, None, Some("Title")).describe(), "filed the issue");
        assert_eq!(activity(EventKind::Assigned, None, Some("Bo Li (@bo)")).describe(), "assigned it to Bo Li (@bo)");
        assert_eq!(activity(EventKind::Assigned, Some("Bo Li (@bo)"), None).describe(), "unassigned Bo Li (@bo)");
        assert_eq!(activity(EventKind::Status, Some("OPEN"), Some("LATER")).describe(), "changed the status from OPEN to LATER");
    }
}
