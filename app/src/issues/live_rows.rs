//! The list page's side of a live notice's row: what the page's filter makes of it, where it
//! falls in the page's order, and the page as [`crate::live::decide`] reads it. What the page
//! cannot judge exactly as the server would (free text, dates, an address, letters beyond
//! ASCII) it leaves to the server: [`Match::Unknown`].
use super::{
    model::{AssigneeFilter, IssueFilter, IssuePage, IssueSort, IssueSummary},
    query::{Key, Op, Query},
};
use crate::{
    domain::Status,
    live::{
        Listed,
        decide::{Match, Place, Row, View},
    },
};

/// A list page's filter, ready to judge rows.
#[derive(Debug, Clone)]
pub struct Judge {
    keys: Vec<(bool, Key)>,
    text: bool,
    sort: IssueSort,
    deleted: bool,
    /// The viewer's id, for `assignee:me`.
    me: Option<i64>,
}

impl Judge {
    pub fn new(filter: &IssueFilter, me: Option<i64>) -> Judge {
        // A query that does not read shows an error, not rows: nothing can be judged.
        let query = super::query::parse(filter.q.as_deref().unwrap_or_default()).unwrap_or_else(|_| Query { text: Some(String::new()), ..Query::default() });
        let mut keys: Vec<(bool, Key)> = filter.control_keys().into_iter().map(|key| (false, key)).collect();
        keys.extend(query.keys);
        Judge { keys, text: query.text.is_some(), sort: query.sort.unwrap_or(filter.sort), deleted: filter.deleted, me }
    }

    /// What the filter makes of `row`, and where it falls.
    pub fn row(&self, row: &IssueSummary) -> Row {
        self.judge(row, None)
    }

    /// The same of the issue as it was before an update, from `row` (after it) and what the
    /// notice said of before. Its tags before are not known, nor its place by last update.
    pub fn before(&self, row: &IssueSummary, was: &Listed) -> Row {
        let judged = self.judge(row, Some(was));
        if self.sort == IssueSort::Updated { Row { matches: Match::Unknown, ..judged } } else { judged }
    }

    fn judge(&self, row: &IssueSummary, was: Option<&Listed>) -> Row {
        let place = self.place(row, was);
        if self.deleted {
            return Row { matches: Match::Unknown, never_listed: false, place };
        }
        let mut matches = if self.text { Match::Unknown } else { Match::Yes };
        let mut never_listed = false;
        for (negated, key) in &self.keys {
            match self.key(key, row, was).map(|found| found != *negated) {
                Some(true) => {}
                Some(false) => {
                    matches = Match::No;
                    // Nothing changes who filed an issue.
                    never_listed |= matches!(key, Key::Reporter(_));
                }
                None if matches == Match::Yes => matches = Match::Unknown,
                None => {}
            }
        }
        Row { matches, never_listed, place }
    }

    /// The page as the decision reads it.
    pub fn view(&self, page: &IssuePage) -> View {
        View {
            shown: page.items.iter().map(|row| (row.id, self.place(row, None))).collect(),
            has_next: page.next.is_some(),
            first_page: page.prev.is_none(),
            keyless: self.keys.is_empty() && !self.text && !self.deleted,
            activity_matters: self.sort == IssueSort::Updated || self.keys.iter().any(|(_, key)| matches!(key, Key::Updated(..))),
        }
    }

    /// The row's place in the list's order (the server's: rank, then time, then id, largest first).
    fn place(&self, row: &IssueSummary, was: Option<&Listed>) -> Place {
        let severity = was.map_or(row.severity, |was| was.severity);
        match self.sort {
            IssueSort::Newest => (0, row.created_at.timestamp_micros(), row.id),
            IssueSort::Updated => (0, row.updated_at.timestamp_micros(), row.id),
            IssueSort::Severity => (i64::from(severity.rank()), row.created_at.timestamp_micros(), row.id),
        }
    }

    /// Whether `row` (or, given `was`, the issue before an update) has `key`; `None` when only
    /// the server can say.
    fn key(&self, key: &Key, row: &IssueSummary, was: Option<&Listed>) -> Option<bool> {
        let status = was.map_or(row.status, |was| was.status);
        let assignee_id = match was {
            Some(was) => was.assignee_id,
            None => row.assignee.as_ref().map(|a| a.id),
        };
        // Who the assignee was is known by id only; by handle, when it is the same person.
        let assignee_handle = row.assignee.as_ref().filter(|a| Some(a.id) == assignee_id).map(|a| a.handle.as_str());
        Some(match key {
            Key::Open(open) => (status != Status::Done) == *open,
            Key::Status(wanted) => status == *wanted,
            Key::Severity(op, severity) => {
                let (have, want) = (was.map_or(row.severity, |was| was.severity).rank(), severity.rank());
                match op {
                    Op::Eq => have == want,
                    Op::Lt => have < want,
                    Op::Le => have <= want,
                    Op::Gt => have > want,
                    Op::Ge => have >= want,
                }
            }
            Key::Tag(_) if was.is_some() => return None,
            Key::Tag(tag) => {
                let tag = comparable(tag)?;
                row.tags.iter().any(|t| t.name.to_lowercase() == tag)
            }
            Key::Reporter(reporter) if reporter.contains('@') => return None,
            Key::Reporter(reporter) => row.reporter.handle == comparable(reporter)?,
            Key::Assignee(AssigneeFilter::Me) => assignee_id == Some(self.me?),
            Key::Assignee(AssigneeFilter::Nobody) => assignee_id.is_none(),
            Key::Assignee(AssigneeFilter::Handle(_)) if assignee_id.is_some() && assignee_handle.is_none() => return None,
            Key::Assignee(AssigneeFilter::Handle(handle)) => {
                let handle = comparable(handle.trim_start_matches('@'))?;
                assignee_handle == Some(handle.as_str())
            }
            Key::Created(..) | Key::Updated(..) => return None,
        })
    }
}

/// A filter's name as the server compares it (cleaned, lower case), when the browser can make
/// it the same way: ASCII only (the server also normalizes the rest).
fn comparable(text: &str) -> Option<String> {
    let text = crate::text::cleaned(text);
    text.is_ascii().then(|| text.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        domain::{Severity, TagColour},
        people::model::Person,
        tags::model::Tag,
    };
    use chrono::{TimeZone, Utc};

    fn row() -> IssueSummary {
        IssueSummary {
            id: 7,
            title: "Export hangs".into(),
            severity: Severity::High,
            status: Status::Triaged,
            reporter: Person { id: 2, handle: "ana".into(), display_name: "Ana".into() },
            assignee: Some(Person { id: 3, handle: "bo".into(), display_name: "Bo".into() }),
            created_at: Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap(),
            updated_at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
            version: 4,
            tags: vec![Tag { id: 1, name: "UI".into(), colour: TagColour::Gray }],
            comment_count: 2,
        }
    }

    fn judged(q: &str, me: Option<i64>) -> Row {
        Judge::new(&IssueFilter { q: Some(q.into()), ..IssueFilter::default() }, me).row(&row())
    }

    #[test]
    fn keys_the_browser_can_read_are_judged_as_the_server_would() {
        for q in ["is:open", "status:triaged", "severity:>=medium", "severity:high", "tag:ui", "reporter:ana", "assignee:bo", "assignee:@bo", "-assignee:none", "-status:done"] {
            assert_eq!(judged(q, None).matches, Match::Yes, "{q}");
        }
        for q in ["is:closed", "status:open", "severity:<high", "tag:docs", "-tag:UI", "assignee:none", "assignee:cy", "is:open -reporter:ana"] {
            assert_eq!(judged(q, None).matches, Match::No, "{q}");
        }
        assert_eq!(judged("assignee:me", Some(3)).matches, Match::Yes);
        assert_eq!(judged("assignee:me", Some(4)).matches, Match::No);
    }

    #[test]
    fn what_only_the_server_can_judge_is_unknown_unless_another_key_fails() {
        for q in ["export", "updated:<7d", "created:>2026-10-01", "reporter:ana@example.com", "tag:résumé", "assignee:me"] {
            assert_eq!(judged(q, None).matches, Match::Unknown, "{q}");
        }
        assert_eq!(judged("export status:done", None).matches, Match::No);
        assert_eq!(judged("severity:bogus", None).matches, Match::Unknown, "a query that does not read");
    }

    #[test]
    fn only_a_failing_reporter_key_means_never_listed() {
        assert!(judged("reporter:cy", None).never_listed);
        assert!(judged("-reporter:ana", None).never_listed);
        assert!(!judged("status:open", None).never_listed);
    }

    #[test]
    fn places_follow_the_lists_order() {
        let filter = |q: &str| Judge::new(&IssueFilter { q: Some(q.into()), ..IssueFilter::default() }, None);
        let (newest, by_severity, updated) = (filter(""), filter("sort:severity"), filter("sort:updated"));
        let row = row();
        assert_eq!(newest.row(&row).place, (0, row.created_at.timestamp_micros(), 7));
        assert_eq!(by_severity.row(&row).place, (i64::from(Severity::High.rank()), row.created_at.timestamp_micros(), 7));
        assert_eq!(updated.row(&row).place, (0, row.updated_at.timestamp_micros(), 7));
        assert!(updated.view(&IssuePage { items: vec![], total: 0, offset: 0, next: None, prev: None }).activity_matters);
        assert!(newest.view(&IssuePage { items: vec![], total: 0, offset: 0, next: None, prev: None }).keyless);
    }

    #[test]
    fn the_issue_before_an_update_is_judged_from_what_the_notice_said() {
        let judge = |q: &str| Judge::new(&IssueFilter { q: Some(q.into()), ..IssueFilter::default() }, Some(3));
        let was = Listed { status: Status::Open, severity: Severity::Low, assignee_id: None };
        assert_eq!(judge("status:open").before(&row(), &was).matches, Match::Yes);
        assert_eq!(judge("status:triaged").before(&row(), &was).matches, Match::No);
        assert_eq!(judge("assignee:none").before(&row(), &was).matches, Match::Yes);
        assert_eq!(judge("assignee:me").before(&row(), &was).matches, Match::No);
        assert_eq!(judge("assignee:cy").before(&row(), &Listed { assignee_id: Some(9), ..was }).matches, Match::Unknown, "someone else, known by id only");
        assert_eq!(judge("assignee:bo").before(&row(), &Listed { assignee_id: Some(3), ..was }).matches, Match::Yes);
        assert_eq!(judge("tag:ui").before(&row(), &was).matches, Match::Unknown, "its tags before are not known");
        assert_eq!(judge("sort:severity").before(&row(), &was).place.0, i64::from(Severity::Low.rank()));
        assert_eq!(judge("sort:updated").before(&row(), &was).matches, Match::Unknown);
    }
}
