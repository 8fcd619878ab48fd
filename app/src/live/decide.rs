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
    Reload,
}

impl View {
    /// Whether `place` falls after the page's last row, with more rows between: a row there is
    /// on a later page.
    fn beyond(&self, place: Place) -> bool {
        self.has_next && self.shown.last().is_some_and(|(_, last)| place < *last)
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
    match heard.change {
        // Comments and attachments change none of the fields a filter reads, nor the order,
        // unless the page sorts or narrows by last update.
        IssueChange::Comment | IssueChange::Attachment if !view.activity_matters => Decision::Nothing,
        // A new issue the filter leaves out was never in the list.
        IssueChange::Created if row.matches == Match::No => Decision::Nothing,
        // Every live issue is listed either way; one not shown on a first page was after it,
        // and stays after it.
        IssueChange::Updated if view.keyless && !view.activity_matters && view.first_page && view.beyond(row.place) => Decision::Nothing,
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
        Heard { id, change, row: Some(Row { matches, never_listed: false, place }) }
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
        assert_eq!(decide(&page, &Heard { id: 20, change: IssueChange::Deleted, row: None }), Decision::Reload);
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
            let never = Heard { id: 5, change, row: Some(Row { matches: Match::No, never_listed: true, place: (0, 500, 5) }) };
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
}
