//! Wire types for comments and the timeline, shared by the server and the browser.
pub use crate::activity::model::Activity;
use crate::activity::model::EventKind;
use crate::people::model::Person;
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
    /// Who wrote it.
    pub author: Person,
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

/// Filing an issue with tags records two rows (filed, then tags set) in one transaction; the
/// timeline shows them as one line. The folded entry keeps the filing's id and time, with the
/// tags in `to` and `from` set as the marker that tags were folded in.
pub fn fold_filing(entries: Vec<TimelineEntry>) -> Vec<TimelineEntry> {
    let mut folded: Vec<TimelineEntry> = Vec::with_capacity(entries.len());
    for entry in entries {
        if let (Some(TimelineEntry::Activity(filed)), TimelineEntry::Activity(tags)) = (folded.last_mut(), &entry) {
            let same_moment = filed.actor.id == tags.actor.id && (tags.at - filed.at).num_seconds().abs() < 2;
            if filed.kind == EventKind::Created && filed.from.is_none() && tags.kind == EventKind::Tags && tags.from.is_none() && same_moment {
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

    fn activity(id: i64, kind: EventKind, from: Option<&str>, to: Option<&str>, second: i64) -> Activity {
        Activity {
            id,
            actor: crate::people::model::Person { id: 7, handle: "ana".into(), display_name: "Ana".into() },
            kind,
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            at: DateTime::from_timestamp(1_764_000_000 + second, 0).unwrap(),
        }
    }

    #[test]
    fn filing_with_tags_is_one_line() {
        let entries = vec![
            TimelineEntry::Activity(activity(1, EventKind::Created, None, Some("Title"), 0)),
            TimelineEntry::Activity(activity(2, EventKind::Tags, None, Some("ui, docs"), 0)),
            TimelineEntry::Activity(activity(3, EventKind::Tags, Some("ui, docs"), Some("ui"), 60)),
        ];
        let folded = fold_filing(entries);
        assert_eq!(folded.len(), 2);
        let TimelineEntry::Activity(first) = &folded[0] else { panic!("an activity") };
        assert_eq!(first.describe(), "filed the issue with tags ui, docs");
        let TimelineEntry::Activity(later) = &folded[1] else { panic!("an activity") };
        assert_eq!(later.describe(), "changed the tags from ui, docs to ui");
        assert_eq!(activity(1, EventKind::Created, None, Some("Title"), 0).describe(), "filed the issue");
    }
}
