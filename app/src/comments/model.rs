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
    /// A stored status or severity in the UI's words ("In progress"); other values as they are.
    fn words(&self, value: &str) -> String {
        let label = match self.kind.as_str() {
            "status" => value.parse::<crate::domain::Status>().ok().map(|s| s.label()),
            "severity" => value.parse::<crate::domain::Severity>().ok().map(|s| s.label()),
            _ => None,
        };
        label.map_or_else(|| value.to_owned(), str::to_owned)
    }

    /// The change in words, e.g. `moved it from New to Triaged`.
    pub fn describe(&self) -> String {
        let (from, to) = (self.from.as_deref().map(|v| self.words(v)), self.to.as_deref().map(|v| self.words(v)));
        let values = |what: &str| match (&from, &to) {
            (Some(from), Some(to)) => format!("changed {what} from {from} to {to}"),
            (None, Some(to)) => format!("set {what} to {to}"),
            (Some(from), None) => format!("cleared {what} (was {from})"),
            (None, None) => format!("changed {what}"),
        };
        match self.kind.as_str() {
            // A filing's tags are folded into it (see `fold_filing`) and travel as `to`.
            "created" => match self.to.as_deref().filter(|t| !t.is_empty()) {
                Some(tags) if self.from.is_some() => format!("filed the issue with tags {tags}"),
                _ => "filed the issue".to_owned(),
            },
            "title" => values("the title"),
            "description" => "edited the description".to_owned(),
            "status" => match (&from, &to) {
                (Some(from), Some(to)) => format!("moved it from {from} to {to}"),
                _ => values("the status"),
            },
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

/// Filing an issue with tags records two rows (filed, then tags set) in one transaction; the
/// timeline shows them as one line. The folded entry keeps the filing's id and time, with the
/// tags in `to` and `from` set as the marker that tags were folded in.
pub fn fold_filing(entries: Vec<TimelineEntry>) -> Vec<TimelineEntry> {
    let mut folded: Vec<TimelineEntry> = Vec::with_capacity(entries.len());
    for entry in entries {
        if let (Some(TimelineEntry::Activity(filed)), TimelineEntry::Activity(tags)) = (folded.last_mut(), &entry) {
            let same_moment = filed.actor_email == tags.actor_email && (tags.at - filed.at).num_seconds().abs() < 2;
            if filed.kind == "created" && filed.from.is_none() && tags.kind == "tags" && tags.from.is_none() && same_moment {
                filed.from = Some(String::new());
                filed.to = tags.to.clone();
                continue;
            }
        }
        folded.push(entry);
    }
    folded
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

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(id: i64, kind: &str, from: Option<&str>, to: Option<&str>, second: i64) -> Activity {
        Activity {
            id,
            actor_email: "ana@example.com".into(),
            kind: kind.into(),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            at: DateTime::from_timestamp(1_764_000_000 + second, 0).unwrap(),
        }
    }

    #[test]
    fn changes_read_in_the_ui_words_not_stored_values() {
        assert_eq!(activity(1, "status", Some("OPEN"), Some("IN_PROGRESS"), 0).describe(), "moved it from New to In progress");
        assert_eq!(activity(1, "severity", Some("LOW"), Some("CRITICAL"), 0).describe(), "changed the severity from Low to Critical");
        assert_eq!(activity(1, "tags", None, Some("ui, docs"), 0).describe(), "set the tags to ui, docs");
    }

    #[test]
    fn filing_with_tags_is_one_line() {
        let entries = vec![
            TimelineEntry::Activity(activity(1, "created", None, Some("Title"), 0)),
            TimelineEntry::Activity(activity(2, "tags", None, Some("ui, docs"), 0)),
            TimelineEntry::Activity(activity(3, "tags", Some("ui, docs"), Some("ui"), 60)),
        ];
        let folded = fold_filing(entries);
        assert_eq!(folded.len(), 2);
        let TimelineEntry::Activity(first) = &folded[0] else { panic!("an activity") };
        assert_eq!(first.describe(), "filed the issue with tags ui, docs");
        let TimelineEntry::Activity(later) = &folded[1] else { panic!("an activity") };
        assert_eq!(later.describe(), "changed the tags from ui, docs to ui");
        assert_eq!(activity(1, "created", None, Some("Title"), 0).describe(), "filed the issue");
    }
}
