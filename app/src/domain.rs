//! The vocabulary every feature shares: roles, severities and workflow states.
//! Under `ssr` the same enums map to the database's text columns.
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// Defines a closed set of upper-case names that serialize, parse and store as the same text.
macro_rules! closed_set {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal, $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))"))]
        pub enum $name {
            $(
                #[serde(rename = $text)]
                #[cfg_attr(feature = "ssr", sea_orm(string_value = $text))]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in workflow or rank order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialized form, e.g. `IN_PROGRESS`.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The form people read, e.g. `In progress`.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        /// In the API document: a string, one of the stored forms.
        #[cfg(feature = "ssr")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        #[cfg(feature = "ssr")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            /// Accepts the stored form in any letter case.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
                    .ok_or_else(|| UnknownValue {
                        kind: stringify!($name),
                        allowed: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}

/// Other shared modules define their closed sets with the same macro.
pub(crate) use closed_set;

#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;

closed_set! {
    /// What a user may do: reporters file, maintainers triage, admins run the instance.
    Role {
        Reporter => "REPORTER", "Reporter",
        Maintainer => "MAINTAINER", "Maintainer",
        Admin => "ADMIN", "Admin",
    }
}

closed_set! {
    /// How much an issue hurts, lowest first.
    Severity {
        Low => "LOW", "Low",
        Medium => "MEDIUM", "Medium",
        High => "HIGH", "High",
        Critical => "CRITICAL", "Critical",
    }
}

closed_set! {
    /// Where an issue stands in the triage workflow, in workflow order.
    Status {
        Open => "OPEN", "New",
        Triaged => "TRIAGED", "Triaged",
        InProgress => "IN_PROGRESS", "In progress",
        Done => "DONE", "Done",
    }
}

closed_set! {
    /// The colour of a tag, from a fixed palette that reads well in light and dark mode.
    TagColour {
        Gray => "GRAY", "Gray",
        Red => "RED", "Red",
        Orange => "ORANGE", "Orange",
        Amber => "AMBER", "Amber",
        Green => "GREEN", "Green",
        Teal => "TEAL", "Teal",
        Sky => "SKY", "Sky",
        Blue => "BLUE", "Blue",
        Violet => "VIOLET", "Violet",
        Pink => "PINK", "Pink",
    }
}

closed_set! {
    /// Whether a person hears about an issue: watching it, chose not to, or muted it (then
    /// only a direct mention reaches them).
    WatchState {
        Watching => "WATCHING", "Watching",
        Unwatched => "UNWATCHED", "Not watching",
        Muted => "MUTED", "Muted",
    }
}

closed_set! {
    /// What a notification tells about, each chosen separately in a person's settings.
    NotificationKind {
        Assigned => "ASSIGNED", "Assigned to you",
        Status => "STATUS", "Status changes",
        Severity => "SEVERITY", "Severity changes",
        Comment => "COMMENT", "Comments",
        Mention => "MENTION", "Mentions",
    }
}

closed_set! {
    /// Why someone was told: the words a notification and its mail give as the reason.
    NotificationReason {
        Assigned => "ASSIGNED", "you are assigned",
        Watching => "WATCHING", "you are watching",
        Mentioned => "MENTIONED", "you were mentioned",
    }
}

closed_set! {
    /// How a person is told about one kind of notification.
    Delivery {
        InApp => "IN_APP", "In the app only",
        Email => "EMAIL", "In the app and by email at once",
        Digest => "DIGEST", "In the app and in a daily email digest",
    }
}

closed_set! {
    /// Why a mail in the outbox is sent.
    MailPurpose {
        Notification => "NOTIFICATION", "Notification",
        Digest => "DIGEST", "Daily digest",
        PasswordReset => "PASSWORD_RESET", "Password reset",
    }
}

closed_set! {
    /// Where a mail in the outbox stands: waiting (to be tried, or tried again), sent, or given up.
    MailStatus {
        Queued => "QUEUED", "Queued",
        Sent => "SENT", "Sent",
        Failed => "FAILED", "Failed",
    }
}

/// Whether `c` may appear in a person's handle (typed in either case; stored lowercase).
pub fn is_handle_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The `@handle` mentions in a plain text, each with its byte range (the `@` included) and the
/// handle lowercased. An `@` inside a word (`ana@example.com`) is not a mention, nor is a
/// handle longer than 32 characters.
pub fn mentions(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        let starts = c == '@' && !previous.is_some_and(|p| is_handle_char(p) || p == '@' || p == '.' || p == '/');
        previous = Some(c);
        if !starts {
            continue;
        }
        let rest = &text[at + 1..];
        let length = rest.find(|c: char| !is_handle_char(c)).unwrap_or(rest.len());
        let handle = rest[..length].trim_end_matches(['-', '_']);
        let followed_by_at = rest[length..].starts_with('@');
        if !handle.is_empty() && handle.len() <= 32 && !followed_by_at {
            found.push((at..at + 1 + handle.len(), handle.to_ascii_lowercase()));
        }
    }
    found
}

impl Severity {
    /// 1 for LOW up to 4 for CRITICAL, as the database's `severity_rank` column stores it.
    pub fn rank(self) -> i16 {
        self as i16 + 1
    }
}

impl Status {
    /// The workflow, in one place: forward or back one stage, and reopening a done issue.
    pub fn can_move_to(self, next: Status) -> bool {
        let (from, to) = (self as i8, next as i8);
        (to - from).abs() == 1 || (self == Status::Done && next == Status::Open)
    }

    /// The next stage forward, if any (a done issue reopens only on purpose, not by stepping).
    pub fn forward(self) -> Option<Status> {
        Status::ALL.get(self as usize + 1).copied()
    }

    /// The previous stage, if any.
    pub fn backward(self) -> Option<Status> {
        (self as usize).checked_sub(1).map(|i| Status::ALL[i])
    }

    /// The stages this one can move to, in workflow order.
    pub fn next_stages(self) -> impl Iterator<Item = Status> {
        Status::ALL.iter().copied().filter(move |next| self.can_move_to(*next))
    }

    /// The move a triager most likely wants next, with its button's words: forward a stage,
    /// or reopening a done issue.
    pub fn primary_move(self) -> (Status, &'static str) {
        match self {
            Status::Open => (Status::Triaged, "Triage"),
            Status::Triaged => (Status::InProgress, "Start progress"),
            Status::InProgress => (Status::Done, "Mark done"),
            Status::Done => (Status::Open, "Reopen"),
        }
    }

    /// The other allowed moves (back a stage), for a secondary menu.
    pub fn other_moves(self) -> impl Iterator<Item = Status> {
        let primary = self.primary_move().0;
        self.next_stages().filter(move |next| *next != primary)
    }
}

/// A value outside a closed set, with the values that are allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind}; expected one of {allowed}")]
pub struct UnknownValue {
    pub(crate) kind: &'static str,
    pub(crate) allowed: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_accepts_any_case_and_round_trips() {
        for status in Status::ALL {
            assert_eq!(status.as_str().to_lowercase().parse::<Status>(), Ok(*status));
        }
        assert_eq!(" high ".parse::<Severity>(), Ok(Severity::High));
    }

    #[test]
    fn parsing_an_unknown_value_lists_the_allowed_ones() {
        let err = "urgent".parse::<Severity>().unwrap_err();
        assert_eq!(err.to_string(), "unknown Severity; expected one of LOW, MEDIUM, HIGH, CRITICAL");
    }

    #[test]
    fn serde_uses_the_stored_form() {
        assert_eq!(serde_json::to_string(&Status::InProgress).unwrap(), "\"IN_PROGRESS\"");
        assert_eq!(serde_json::from_str::<Role>("\"ADMIN\"").unwrap(), Role::Admin);
    }

    #[test]
    fn the_workflow_moves_one_stage_either_way_and_reopens_done_issues() {
        use Status::*;
        let allowed = [
            (Open, Triaged),
            (Triaged, InProgress),
            (InProgress, Done),
            (Triaged, Open),
            (InProgress, Triaged),
            (Done, InProgress),
            (Done, Open),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                assert_eq!(from.can_move_to(*to), allowed.contains(&(*from, *to)), "{from} -> {to}");
            }
        }
        assert_eq!(Open.next_stages().collect::<Vec<_>>(), [Triaged]);
        assert_eq!((Open.forward(), Open.backward()), (Some(Triaged), None));
        assert_eq!((Done.forward(), Done.backward()), (None, Some(InProgress)));
        assert_eq!(Done.next_stages().collect::<Vec<_>>(), [Open, InProgress]);
    }

    #[test]
    fn the_primary_move_goes_forward_and_the_others_go_back() {
        use Status::*;
        let primary: Vec<_> = Status::ALL.iter().map(|s| s.primary_move().0).collect();
        assert_eq!(primary, [Triaged, InProgress, Done, Open]);
        for status in Status::ALL {
            assert!(status.can_move_to(status.primary_move().0));
        }
        assert_eq!(Open.other_moves().count(), 0);
        assert_eq!(InProgress.other_moves().collect::<Vec<_>>(), [Triaged]);
        assert_eq!(Done.other_moves().collect::<Vec<_>>(), [InProgress]);
    }

    #[test]
    fn severities_order_by_rank() {
        assert!(Severity::Critical > Severity::High && Severity::Low < Severity::Medium);
    }

    #[test]
    fn mentions_are_handles_after_an_at_that_starts_a_word() {
        let handles = |text: &str| mentions(text).into_iter().map(|(_, h)| h).collect::<Vec<_>>();
        assert_eq!(handles("@ana and @Bob_2, (@c-d) @e."), ["ana", "bob_2", "c-d", "e"]);
        assert_eq!(handles("mail ana@example.com or @@x or a/@b"), Vec::<String>::new());
        assert_eq!(handles("@ana- @"), ["ana"]);
        assert_eq!(handles(&format!("@{}", "a".repeat(33))), Vec::<String>::new());
        assert_eq!(handles("@ana@example.com"), Vec::<String>::new());
        let text = "hi @Ana!";
        let (range, _) = &mentions(text)[0];
        assert_eq!(&text[range.clone()], "@Ana");
    }
}
