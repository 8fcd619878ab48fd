//! The inbox as it crosses the wire: notifications grouped per issue, the settings, and an
//! issue's watch state.
use crate::{
    domain::{Delivery, NotificationKind, NotificationReason, Status, WatchState},
    people::model::Person,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One notification.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub reason: NotificationReason,
    /// What happened, after the actor's name: "changed the status to In progress".
    pub action: String,
    /// Who did it.
    pub actor: Person,
    pub at: DateTime<Utc>,
    pub read: bool,
    /// The issue page at the change: `/issues/7#comment-12`.
    pub link: String,
}

/// The notifications about one issue, newest first.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxGroup {
    pub issue_id: i64,
    pub issue_title: String,
    pub issue_status: Status,
    /// The group in one line: "3 new comments, status changed to In progress".
    pub summary: String,
    pub unread: u32,
    pub notifications: Vec<Notification>,
}

/// A person's inbox: groups ordered by their newest notification, and the unread count.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Inbox {
    pub groups: Vec<InboxGroup>,
    /// Every unread notification, shown or not.
    pub unread: u64,
}

/// How one kind of notification reaches its person.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindSetting {
    pub kind: NotificationKind,
    pub delivery: Delivery,
}

/// A person's notification settings.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSettings {
    /// One entry per kind, in the order the settings page shows them.
    pub kinds: Vec<KindSetting>,
    /// Whether this server sends email at all (without it, every choice means in the app).
    pub email_enabled: bool,
}

/// Whether someone hears about an issue, and why.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watching {
    pub state: WatchState,
    /// Watching without having chosen to: as the reporter or the assignee.
    pub implicit: bool,
}

/// What a notification of `kind` says after the actor's name, with `detail` the value the change
/// set (a status or severity's label).
pub fn action(kind: NotificationKind, detail: &str) -> String {
    match kind {
        NotificationKind::Assigned => "assigned the issue to you".to_owned(),
        NotificationKind::Status => format!("changed the status to {detail}"),
        NotificationKind::Severity => format!("changed the severity to {detail}"),
        NotificationKind::Comment => "commented".to_owned(),
        NotificationKind::Mention => "mentioned you".to_owned(),
    }
}

/// The one line that sums up a group's notifications, most recent kinds first: counts for
/// comments and mentions, the latest value for status and severity changes.
pub fn summarize(notifications: &[Notification]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut seen: Vec<NotificationKind> = Vec::new();
    for notification in notifications {
        if seen.contains(&notification.kind) {
            continue;
        }
        seen.push(notification.kind);
        let count = notifications.iter().filter(|n| n.kind == notification.kind).count();
        parts.push(match (notification.kind, count) {
            (NotificationKind::Comment, 1) => "a new comment".to_owned(),
            (NotificationKind::Comment, n) => format!("{n} new comments"),
            (NotificationKind::Mention, 1) => "mentioned you".to_owned(),
            (NotificationKind::Mention, n) => format!("mentioned you {n} times"),
            (NotificationKind::Assigned, _) => "assigned to you".to_owned(),
            // The newest says where it stands now.
            (NotificationKind::Status, _) => notification.action.replacen("changed the status", "status changed", 1),
            (NotificationKind::Severity, _) => notification.action.replacen("changed the severity", "severity changed", 1),
        });
    }
    let line = parts.join(", ");
    let mut chars = line.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(kind: NotificationKind, detail: &str) -> Notification {
        Notification {
            id: 1,
            kind,
            reason: NotificationReason::Watching,
            action: action(kind, detail),
            actor: Person { id: 2, handle: "ana".into(), display_name: "Ana".into() },
            at: Utc::now(),
            read: false,
            link: "/issues/1".into(),
        }
    }

    #[test]
    fn a_group_reads_as_one_line() {
        let group = [
            note(NotificationKind::Comment, ""),
            note(NotificationKind::Status, "In progress"),
            note(NotificationKind::Comment, ""),
            note(NotificationKind::Status, "Triaged"),
            note(NotificationKind::Comment, ""),
        ];
        assert_eq!(summarize(&group), "3 new comments, status changed to In progress");
        assert_eq!(summarize(&group[1..2]), "Status changed to In progress");
        assert_eq!(summarize(&[note(NotificationKind::Mention, "")]), "Mentioned you");
        assert_eq!(summarize(&[note(NotificationKind::Severity, "High"), note(NotificationKind::Assigned, "")]), "Severity changed to High, assigned to you");
        assert_eq!(summarize(&[]), "");
    }
}
