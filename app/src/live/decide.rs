//! What a list page does on hearing that one issue changed, given the row the notice carries:
//! patch the row in place, reload the list (through its [`super::coalesce::Coalescer`]), or
//! nothing, when the change cannot touch what the page shows (its rows, their order, the count).
//!
//! Pure (std and serde only), so the browser and the benchmark's simulated pages run the same decisions:
//! the caller says what its filter makes of the row ([`Match`]) and where the row falls in the
//! list's order ([`Place`]).

/// What happened to an issue, as a change notice names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueChange {
    Created,
    /// Its title, description, status, severity, tags or assignee.
    Updated,
    Deleted,
    Restored,
    /// A comment was added, edited or deleted.
    Comment,
    /// An attachment was added or deleted.
    Attachment,
}

/// What the page's filter makes of the row as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Yes,
    No,
    /// The page cannot tell (free-text search, a date key): only the server can.
    Unknown,
}

/// A row's place in the list's order: the list shows larger places first (severity rank, then
/// time, then id).
pub type Place = (i64, i64, i64);

/// The page as it is: its rows' ids and places, in order, and around them.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub shown: Vec<(i64, Place)>,
    /// More rows follow the page.
    pub has_next: bool,
    /// The page starts the list. Of a later page's rows, the page does not know what came
    /// before them, so only a first page can place a row it does not show.
    pub first_page: bool,
    /// The filter narrows nothing: every live issue is in the list.
    pub keyless: bool,
    /// A comment or attachment can move a row or change whether it matches (sorted by last
    /// update, or an `updated:` key).
    pub activity_matters: bool,
}

/// The notice, as the page reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heard {
    pub id: i64,
    pub change: IssueChange,
    /// The row the notice carried, judged by the page; none for a deleted issue.
    pub row: Option<Row>,
    /// For an update: the issue as it was before, judged the same way, when the notice said.
    pub before: Option<Row>,
}

/// What the page makes of the row a notice carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub matches: Match,
    /// The row fails a key no change can alter (its reporter): it never was in the list.
    pub never_listed: bool,
    pub place: Place,
}

/// What the page does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Nothing,
    /// Draw the row as the notice carried it, where it is.
    Patch,
    /// Only the count changes, by this much: the issue entered or left the list on a later page.
    Count(i64),
    Reload,
}

impl View {
    /// Whether a row at `place` falls after the page's last row.
    fn after(&self, place: Place) -> bool {
        self.shown.last().is_some_and(|(_, last)| place < *last)
    }

    /// Whether a row at `place` is on a later page: after the page's last row, with more rows
    /// following the page.
    fn beyond(&self, place: Place) -> bool {
        self.has_next && self.after(place)
    }

    /// Whether a row at `place` is on an earlier page.
    fn above(&self, place: Place) -> bool {
        !self.first_page && self.shown.first().is_some_and(|(_, first)| place > *first)
    }
}

/// The decision for one notice.
pub fn decide(view: &View, heard: &Heard) -> Decision {
    let shown = view.shown.iter().find(|(id, _)| *id == heard.id);
    let Some(row) = heard.row else {
        // Deleted, or the row could not be read: only a reload knows what the list is now.
        return Decision::Reload;
    };
    if let Some((_, place)) = shown {
        // Still in the list, at the same place: only what the row shows changed.
        return if row.matches == Match::Yes && row.place == *place { Decision::Patch } else { Decision::Reload };
    }
    if row.never_listed {
        return Decision::Nothing;
    }
    match (heard.change, heard.before) {
        // Comments and attachments change none of the fields a filter reads, nor the order,
        // unless the page sorts or narrows by last update.
        (IssueChange::Comment | IssueChange::Attachment, _) if !view.activity_matters => Decision::Nothing,
        // A new issue the filter leaves out was never in the list; one on a later page only
        // counts.
        (IssueChange::Created, _) if row.matches == Match::No => Decision::Nothing,
        (IssueChange::Created, _) if row.matches == Match::Yes && view.beyond(row.place) => Decision::Count(1),
        // Knowing where it was: out of the list both times, or away from the page both times,
        // changes nothing here; into or out of the list on a later page changes only the count.
        (IssueChange::Updated, Some(before)) => match (before.matches, row.matches) {
            (Match::No, Match::No) => Decision::Nothing,
            (Match::Yes, Match::Yes) if (view.after(before.place) && view.beyond(row.place)) || (view.above(before.place) && view.above(row.place)) => Decision::Nothing,
            (Match::Yes, Match::No) if view.after(before.place) => Decision::Count(-1),
            (Match::No, Match::Yes) if view.beyond(row.place) => Decision::Count(1),
            _ => Decision::Reload,
        },
        // Every live issue is listed either way; one not shown on a first page was after it,
        // and stays after it.
        (IssueChange::Updated, None) if view.keyless && !view.activity_matters && view.first_page && view.beyond(row.place) => Decision::Nothing,
        // It entered the list, left it, or moved: the count or the rows change.
        _ => Decision::Reload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(places: &[(i64, Place)], has_next: bool) -> View {
        View { shown: places.to_vec(), has_next, first_page: true, keyless: false, activity_matters: false }
    }

    fn heard(id: i64, change: IssueChange, matches: Match, place: Place) -> Heard {
        Heard { id, change, row: Some(Row { matches, never_listed: false, place }), before: None }
    }

    fn updated(id: i64, was: (Match, Place), now: (Match, Place)) -> Heard {
        let row = |(matches, place)| Some(Row { matches, never_listed: false, place });
        Heard { id, change: IssueChange::Updated, row: row(now), before: row(was) }
    }

    const PAGE: [(i64, Place); 3] = [(30, (0, 300, 30)), (20, (0, 200, 20)), (10, (0, 100, 10))];

    #[test]
    fn a_shown_row_still_matching_in_its_place_is_patched() {
        let page = view(&PAGE, true);
        assert_eq!(decide(&page, &heard(20, IssueChange::Comment, Match::Yes, (0, 200, 20))), Decision::Patch);
        assert_eq!(decide(&page, &heard(20, IssueChange::Updated, Match::Yes, (0, 200, 20))), Decision::Patch);
    }

    #[test]
    fn a_shown_row_that_left_the_filter_or_moved_reloads() {
        let page = view(&PAGE, true);
        assert_eq!(decide(&page, &heard(20, IssueChange::Updated, Match::No, (0, 200, 20))), Decision::Reload);
        assert_eq!(decide(&page, &heard(20, IssueChange::Updated, Match::Unknown, (0, 200, 20))), Decision::Reload);
        assert_eq!(decide(&page, &heard(20, IssueChange::Updated, Match::Yes, (3, 200, 20))), Decision::Reload);
        assert_eq!(decide(&page, &Heard { id: 20, change: IssueChange::Deleted, row: None, before: None }), Decision::Reload);
    }

    #[test]
    fn comments_elsewhere_change_nothing_unless_activity_orders_or_narrows() {
        let mut page = view(&PAGE, true);
        for matches in [Match::Yes, Match::No, Match::Unknown] {
            assert_eq!(decide(&page, &heard(5, IssueChange::Comment, matches, (0, 50, 5))), Decision::Nothing);
            assert_eq!(decide(&page, &heard(5, IssueChange::Attachment, matches, (0, 50, 5))), Decision::Nothing);
        }
        page.activity_matters = true;
        assert_eq!(decide(&page, &heard(5, IssueChange::Comment, Match::Yes, (0, 50, 5))), Decision::Reload);
    }

    #[test]
    fn a_new_issue_reloads_only_when_it_may_be_listed() {
        let page = view(&PAGE, true);
        assert_eq!(decide(&page, &heard(40, IssueChange::Created, Match::No, (0, 400, 40))), Decision::Nothing);
        assert_eq!(decide(&page, &heard(40, IssueChange::Created, Match::Yes, (0, 400, 40))), Decision::Reload);
        // Sorted after the page, with more to come: it is on a later page, and only counts.
        assert_eq!(decide(&page, &heard(4, IssueChange::Created, Match::Yes, (0, 40, 4))), Decision::Count(1));
        assert_eq!(decide(&view(&PAGE, false), &heard(4, IssueChange::Created, Match::Yes, (0, 40, 4))), Decision::Reload, "the last page shows it");
        assert_eq!(decide(&page, &heard(40, IssueChange::Created, Match::Unknown, (0, 400, 40))), Decision::Reload);
    }

    #[test]
    fn an_update_elsewhere_reloads_as_it_may_have_left_or_entered_the_filter() {
        let page = view(&PAGE, true);
        for matches in [Match::Yes, Match::No, Match::Unknown] {
            assert_eq!(decide(&page, &heard(5, IssueChange::Updated, matches, (0, 50, 5))), Decision::Reload);
        }
        assert_eq!(decide(&page, &heard(5, IssueChange::Restored, Match::No, (0, 50, 5))), Decision::Reload);
    }

    #[test]
    fn a_row_of_someone_else_the_filter_names_is_never_listed() {
        let page = view(&PAGE, true);
        for change in [IssueChange::Created, IssueChange::Updated, IssueChange::Restored, IssueChange::Comment] {
            let never = Heard { id: 5, change, row: Some(Row { matches: Match::No, never_listed: true, place: (0, 500, 5) }), before: None };
            assert_eq!(decide(&page, &never), Decision::Nothing, "{change:?}");
        }
    }

    #[test]
    fn on_an_unnarrowed_first_page_an_update_beyond_it_changes_nothing() {
        let mut page = view(&PAGE, true);
        page.keyless = true;
        assert_eq!(decide(&page, &heard(5, IssueChange::Updated, Match::Yes, (0, 50, 5))), Decision::Nothing);
        // One that now sorts into the page, or a page that ends the list, reloads.
        assert_eq!(decide(&page, &heard(5, IssueChange::Updated, Match::Yes, (0, 250, 5))), Decision::Reload);
        page.has_next = false;
        assert_eq!(decide(&page, &heard(5, IssueChange::Updated, Match::Yes, (0, 50, 5))), Decision::Reload);
        // A later page cannot know the row was not before it.
        page.has_next = true;
        page.first_page = false;
        assert_eq!(decide(&page, &heard(5, IssueChange::Updated, Match::Yes, (0, 50, 5))), Decision::Reload);
    }

    #[test]
    fn knowing_where_an_updated_issue_was_says_whether_the_page_or_only_its_count_changes() {
        let page = view(&PAGE, true);
        let (yes, no) = (Match::Yes, Match::No);
        // Out of the list before and after.
        assert_eq!(decide(&page, &updated(5, (no, (0, 250, 5)), (no, (0, 250, 5)))), Decision::Nothing);
        // In the list, on a later page, before and after.
        assert_eq!(decide(&page, &updated(5, (yes, (0, 50, 5)), (yes, (0, 60, 5)))), Decision::Nothing);
        // Into or out of the list on a later page: the count.
        assert_eq!(decide(&page, &updated(5, (no, (0, 50, 5)), (yes, (0, 50, 5)))), Decision::Count(1));
        assert_eq!(decide(&page, &updated(5, (yes, (0, 50, 5)), (no, (0, 50, 5)))), Decision::Count(-1));
        // Moving into the page, or entering or leaving it unknown: reload.
        assert_eq!(decide(&page, &updated(5, (yes, (0, 50, 5)), (yes, (0, 250, 5)))), Decision::Reload);
        assert_eq!(decide(&page, &updated(5, (Match::Unknown, (0, 50, 5)), (no, (0, 50, 5)))), Decision::Reload);
        // On an earlier page before and after, seen from a later page.
        let mut later = view(&PAGE, true);
        later.first_page = false;
        assert_eq!(decide(&later, &updated(5, (yes, (0, 900, 5)), (yes, (0, 800, 5)))), Decision::Nothing);
        assert_eq!(decide(&later, &updated(5, (yes, (0, 900, 5)), (no, (0, 900, 5)))), Decision::Reload, "the page's rows shift");
    }
}
