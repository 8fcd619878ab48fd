//! Wire types for issues, shared by the server and the browser.
use crate::{
    domain::{Severity, Status},
    people::model::Person,
    tags::model::Tag,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many issues one page of the list shows.
pub const PAGE_SIZE: u64 = 50;

/// An open issue that looks like one being filed: what the filing page suggests under its title.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookAlike {
    pub id: i64,
    pub title: String,
    pub status: Status,
}

/// One row of the issue list.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueSummary {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// Who filed it.
    pub reporter: Person,
    /// Who owns it, if anyone: a maintainer or an admin.
    pub assignee: Option<Person>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The version this summary was read at; a triage change must name it.
    pub version: i64,
    /// Its tags, by name.
    pub tags: Vec<Tag>,
    /// How many comments it has (deleted ones not counted).
    #[serde(default)]
    pub comment_count: i64,
}

/// An issue that changed: what a reconnecting client needs to catch up.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedIssue {
    pub issue_id: i64,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub deleted: bool,
}

/// The most issues one bulk change names.
pub const BULK_MOST: usize = 500;

/// One issue of a bulk change, at the version the caller last saw.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkItem {
    pub id: i64,
    pub version: i64,
}

/// What a bulk change does to each issue it names.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkChange {
    /// Moves each to `status`, by the workflow's rules.
    Status { status: Status },
    Severity { severity: Severity },
    AddTag { tag_id: i64 },
    RemoveTag { tag_id: i64 },
    /// Gives each to the maintainer or admin with this handle, or to nobody.
    Assign { assignee: Option<String> },
    /// Deletes each (admins only); they can be restored.
    Delete,
}

/// An issue a bulk change left as it was, and why.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRefusal {
    pub id: i64,
    /// `stale_version`, `workflow`, `not_found` or `forbidden` (or `unavailable` when the
    /// database failed).
    pub code: String,
    pub reason: String,
}

/// What a bulk change did: each issue is changed in its own transaction, so some may be
/// refused while the others land.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    /// The issues changed, as they are now (deleted ones by id only, in `deleted`).
    pub changed: Vec<IssueSummary>,
    pub deleted: Vec<i64>,
    /// Those that already were so: nothing was written.
    pub unchanged: Vec<i64>,
    pub refused: Vec<BulkRefusal>,
}

impl BulkOutcome {
    /// "3 changed; 1 refused", for the page.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} changed", self.changed.len() + self.deleted.len())];
        if !self.unchanged.is_empty() {
            parts.push(format!("{} already so", self.unchanged.len()));
        }
        if !self.refused.is_empty() {
            parts.push(format!("{} refused", self.refused.len()));
        }
        parts.join("; ")
    }
}

/// The longest title, in characters, after trimming.
pub const TITLE_MAX_CHARS: usize = 200;
/// The longest description, in bytes.
pub const DESCRIPTION_MAX_BYTES: usize = 64 * 1024;

/// One issue with its description, as the detail page shows it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueDetail {
    pub summary: IssueSummary,
    /// The markdown as written.
    pub description: String,
    /// The markdown rendered on the server and sanitized; safe to insert as HTML.
    pub description_html: String,
    /// The template it was filed from, if any.
    #[serde(default)]
    pub template: Option<crate::templates::model::TemplateRef>,
}

/// One page of the list and how many issues match the filter in all.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuePage {
    pub items: Vec<IssueSummary>,
    pub total: u64,
    /// How many matching issues come before this page's first, in the list's order.
    #[serde(default)]
    pub offset: u64,
    /// The cursor for the next (older) page, if there is one.
    pub next: Option<String>,
    /// The cursor for the previous page, if this is not the first.
    pub prev: Option<String>,
}

/// The list's order.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueSort {
    /// Newest first.
    #[default]
    Newest,
    /// Most recently updated first.
    Updated,
    /// Most severe first, newest first within a severity.
    Severity,
}

impl IssueSort {
    /// Every order, as offered in the list's menu.
    pub const ALL: &'static [IssueSort] = &[IssueSort::Newest, IssueSort::Updated, IssueSort::Severity];

    /// The form used in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueSort::Newest => "newest",
            IssueSort::Updated => "updated",
            IssueSort::Severity => "severity",
        }
    }

    /// The form people read.
    pub fn label(self) -> &'static str {
        match self {
            IssueSort::Newest => "Newest",
            IssueSort::Updated => "Recently updated",
            IssueSort::Severity => "Most severe",
        }
    }
}

/// The longest search, in characters; the rest of a longer one is ignored.
pub const SEARCH_MAX_CHARS: usize = 256;

/// Percent-encodes one value for a query string.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// What the list shows. It lives in the URL's query string, so a link
/// reproduces the view and the back button restores it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueFilter {
    /// Only open issues: those not done (New, Triaged and In progress). In the URL as `is=open`.
    #[serde(default)]
    pub open: bool,
    /// One stage of the workflow.
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    /// A tag's name, in any letter case.
    pub tag: Option<String>,
    /// The reporter's handle (an address still works, for links made before handles).
    pub reporter: Option<String>,
    /// Who owns the issues: the viewer, a handle, or nobody.
    pub assignee: Option<AssigneeFilter>,
    /// Free text, searched in titles and descriptions.
    pub q: Option<String>,
    #[serde(default)]
    pub sort: IssueSort,
    /// Deleted issues instead of live ones (admins only; ignored for everyone else).
    #[serde(default)]
    pub deleted: bool,
    /// The page after this cursor (older in the current order)...
    pub after: Option<String>,
    /// ...or the page before it.
    pub before: Option<String>,
}

impl IssueFilter {
    /// The filter as one query in the search box's language: the controls as keys, then what was
    /// typed. What a saved view keeps and the search box shows; `None` when nothing narrows or
    /// orders the list.
    pub fn as_query(&self) -> Option<String> {
        let keys = self.control_keys().into_iter().map(|key| (false, key)).collect();
        let controls = super::query::Query { keys, sort: (self.sort != IssueSort::default()).then_some(self.sort), text: self.q.clone() };
        Some(controls.to_string()).filter(|text| !text.is_empty())
    }

    /// The controls as keys of the query language, so both take one path.
    pub fn control_keys(&self) -> Vec<super::query::Key> {
        use super::query::{Key, Op};
        let mut keys = Vec::new();
        if self.open {
            keys.push(Key::Open(true));
        }
        keys.extend(self.status.map(Key::Status));
        keys.extend(self.severity.map(|severity| Key::Severity(Op::Eq, severity)));
        keys.extend(self.tag.clone().map(Key::Tag));
        keys.extend(self.reporter.clone().map(Key::Reporter));
        keys.extend(self.assignee.clone().map(Key::Assignee));
        keys
    }

    /// The filter as its controls show it: each key a control can show alone (one positive
    /// `status:`, `severity:` without a comparison, one `tag:`, …) moved out of the typed query
    /// into its control, the rest left as typed. `None` when the query does not read.
    pub fn normalized(&self) -> Option<IssueFilter> {
        let query = super::query::parse(&self.as_query().unwrap_or_default()).ok()?;
        let alone = |control: Control| query.keys.iter().filter(|(_, key)| control.reads(key)).count() == 1;
        let mut shown = IssueFilter { sort: query.sort.unwrap_or_default(), deleted: self.deleted, after: self.after.clone(), before: self.before.clone(), ..IssueFilter::default() };
        let mut rest = super::query::Query { text: query.text.clone(), ..Default::default() };
        for (negated, key) in query.keys.iter().cloned() {
            use super::query::{Key, Op};
            let lifted = !negated && Control::ALL.iter().any(|control| control.reads(&key) && alone(*control));
            match (lifted, key) {
                (true, Key::Open(true)) => shown.open = true,
                (true, Key::Status(status)) => shown.status = Some(status),
                (true, Key::Severity(Op::Eq, severity)) => shown.severity = Some(severity),
                (true, Key::Tag(tag)) => shown.tag = Some(tag),
                (true, Key::Reporter(reporter)) => shown.reporter = Some(reporter),
                (true, Key::Assignee(assignee)) => shown.assignee = Some(assignee),
                (_, key) => rest.keys.push((negated, key)),
            }
        }
        shown.q = Some(rest.to_string()).filter(|text| !text.is_empty());
        Some(shown)
    }

    /// The keys of `control` left in the typed query (those it cannot show alone), as typed
    /// there without the key's name: what its menu's label says.
    pub fn typed_keys(&self, control: Control) -> Vec<String> {
        let Some(query) = self.q.as_deref().and_then(|q| super::query::parse(q).ok()) else { return Vec::new() };
        query
            .keys
            .into_iter()
            .filter(|(_, key)| control.reads(key))
            .map(|(negated, key)| {
                let printed = super::query::Query { keys: vec![(negated, key)], ..Default::default() }.to_string();
                let (name, value) = printed.split_once(':').unwrap_or(("", &printed));
                if name.starts_with('-') { format!("not {value}") } else { value.to_owned() }
            })
            .collect()
    }

    /// The list's address for this filter, made from `shown` (a [`normalized`](Self::normalized)
    /// filter) by a control: everything in `q`, so the search box shows what was chosen, with the
    /// typed keys of each control whose choice changed taken out.
    pub fn link_from(&self, shown: &IssueFilter) -> String {
        let mut typed = self.q.as_deref().map(super::query::parse);
        for control in Control::ALL {
            if control.changed(self, shown)
                && let Some(Ok(query)) = typed.as_mut()
            {
                query.keys.retain(|(_, key)| !control.reads(key));
            }
        }
        let q = match typed {
            Some(Ok(query)) => Some(query.to_string()).filter(|text| !text.is_empty()),
            _ => self.q.clone(),
        };
        let folded = IssueFilter { q, ..self.clone() }.as_query();
        IssueFilter { q: folded, deleted: self.deleted, after: self.after.clone(), before: self.before.clone(), ..IssueFilter::default() }.to_query()
    }

    /// Reads the filter from query parameters. A value the list does not know is
    /// dropped rather than failing the page, so an old or hand-edited link still opens.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |key: &str| get(key).map(|v| crate::text::cleaned(&v)).filter(|v| !v.is_empty());
        IssueFilter {
            open: get("is").is_some_and(|v| v.trim().eq_ignore_ascii_case("open")),
            status: get("status").and_then(|v| v.parse().ok()),
            severity: get("severity").and_then(|v| v.parse().ok()),
            tag: text("tag"),
            reporter: text("reporter").map(|v| v.trim_start_matches('@').to_lowercase()),
            assignee: text("assignee").and_then(|v| AssigneeFilter::parse(&v)),
            q: get("q").and_then(|v| clean_search(&v)),
            sort: IssueSort::ALL.iter().copied().find(|s| get("sort").as_deref() == Some(s.as_str())).unwrap_or_default(),
            deleted: get("deleted").as_deref() == Some("1"),
            after: text("after"),
            before: text("before"),
        }
    }

    /// The query string for this filter (`?severity=HIGH&sort=updated`), empty for the default view.
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if self.open {
            query.append_pair("is", "open");
        }
        if let Some(status) = self.status {
            query.append_pair("status", status.as_str());
        }
        if let Some(severity) = self.severity {
            query.append_pair("severity", severity.as_str());
        }
        let assignee = self.assignee.as_ref().map(AssigneeFilter::to_param);
        for (key, value) in [("tag", &self.tag), ("reporter", &self.reporter), ("assignee", &assignee), ("q", &self.q)] {
            if let Some(value) = value {
                query.append_pair(key, value);
            }
        }
        if self.sort != IssueSort::Newest {
            query.append_pair("sort", self.sort.as_str());
        }
        if self.deleted {
            query.append_pair("deleted", "1");
        }
        for (key, value) in [("after", &self.after), ("before", &self.before)] {
            if let Some(value) = value {
                query.append_pair(key, value);
            }
        }
        let query = query.finish();
        if query.is_empty() { query } else { format!("?{query}") }
    }

    /// The same view from its first page: what a change of filter or order starts from.
    pub fn first_page(&self) -> Self {
        IssueFilter { after: None, before: None, ..self.clone() }
    }

    /// Whether any filter narrows the list (the order and the page do not).
    pub fn narrows(&self) -> bool {
        self.open || self.status.is_some() || self.severity.is_some() || self.tag.is_some() || self.reporter.is_some() || self.assignee.is_some() || self.q.is_some() || self.deleted
    }
}

/// A menu of the list's filters, and the keys of the query it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Status,
    Severity,
    Tag,
    Reporter,
    Assignee,
}

impl Control {
    pub const ALL: [Control; 5] = [Control::Status, Control::Severity, Control::Tag, Control::Reporter, Control::Assignee];

    /// Whether `key` is this control's.
    pub fn reads(self, key: &super::query::Key) -> bool {
        use super::query::Key;
        matches!(
            (self, key),
            (Control::Status, Key::Open(_) | Key::Status(_)) | (Control::Severity, Key::Severity(..)) | (Control::Tag, Key::Tag(_)) | (Control::Reporter, Key::Reporter(_)) | (Control::Assignee, Key::Assignee(_))
        )
    }

    /// Whether this control chose differently in `a` and `b`.
    fn changed(self, a: &IssueFilter, b: &IssueFilter) -> bool {
        match self {
            Control::Status => (a.open, a.status, a.deleted) != (b.open, b.status, b.deleted),
            Control::Severity => a.severity != b.severity,
            Control::Tag => a.tag != b.tag,
            Control::Reporter => a.reporter != b.reporter,
            Control::Assignee => a.assignee != b.assignee,
        }
    }
}

/// Whose issues the list shows, by owner. In the URL as `assignee=me`, `assignee=none` or
/// `assignee=<handle>` (`@me` and `@none` name people with those handles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssigneeFilter {
    /// Assigned to the viewer.
    Me,
    /// Assigned to nobody.
    Nobody,
    /// Assigned to the person with this handle (lowercase, without `@`).
    Handle(String),
}

impl AssigneeFilter {
    /// The filter a URL value names; `None` for an empty one.
    pub fn parse(raw: &str) -> Option<AssigneeFilter> {
        let raw = raw.trim();
        match raw.to_ascii_lowercase().as_str() {
            "" | "@" => None,
            "me" => Some(AssigneeFilter::Me),
            "none" => Some(AssigneeFilter::Nobody),
            other => Some(AssigneeFilter::Handle(other.trim_start_matches('@').to_owned())),
        }
    }

    /// The form used in the URL.
    pub fn to_param(&self) -> String {
        match self {
            AssigneeFilter::Me => "me".to_owned(),
            AssigneeFilter::Nobody => "none".to_owned(),
            AssigneeFilter::Handle(handle) if matches!(handle.as_str(), "me" | "none") => format!("@{handle}"),
            AssigneeFilter::Handle(handle) => handle.clone(),
        }
    }
}

/// A search as the list uses it: trimmed, without control characters (which no database
/// wants in a query), at most [`SEARCH_MAX_CHARS`] long, and `None` when nothing is left.
pub fn clean_search(raw: &str) -> Option<String> {
    let cleaned: String = raw.chars().map(|c| if c.is_control() { ' ' } else { c }).take(SEARCH_MAX_CHARS).collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_controls_become_one_query_the_search_box_reads() {
        let filter = parse("?is=open&status=IN_PROGRESS&severity=HIGH&tag=needs%20info&reporter=ana&assignee=me&sort=updated&q=crash");
        let text = filter.as_query().unwrap();
        assert_eq!(text, r#"is:open status:in_progress severity:high tag:"needs info" reporter:ana assignee:me sort:updated crash"#);
        let read = crate::issues::query::parse(&text).unwrap();
        assert_eq!(read.keys.len(), 6, "{read:?}");
        assert_eq!((read.sort, read.text.as_deref()), (Some(IssueSort::Updated), Some("crash")));
        assert_eq!(IssueFilter::default().as_query(), None);
        assert_eq!(parse("?assignee=%40me").as_query().as_deref(), Some("assignee:@me"));
    }

    #[test]
    fn a_typed_query_moves_the_controls_and_keeps_what_they_cannot_show() {
        let typed = |q: &str| IssueFilter { q: Some(q.to_owned()), ..Default::default() }.normalized();
        let shown = typed("crash severity:high tag:ui -tag:docs assignee:me sort:updated").unwrap();
        assert_eq!((shown.severity, shown.assignee.clone(), shown.sort), (Some(Severity::High), Some(AssigneeFilter::Me), IssueSort::Updated));
        assert_eq!(shown.tag, None, "two tag keys stay in the query");
        assert_eq!(shown.q.as_deref(), Some("tag:ui -tag:docs crash"));
        assert_eq!(shown.typed_keys(Control::Tag), vec!["ui".to_owned(), "not docs".to_owned()]);
        let ranged = typed("severity:>=high is:open").unwrap();
        assert_eq!((ranged.severity, ranged.open), (None, true));
        assert_eq!(ranged.typed_keys(Control::Severity), vec![">=high".to_owned()]);
        assert_eq!(typed("severity:urgent"), None, "a query that does not read moves nothing");
        // Links made before the query language still read, their parameters as keys.
        let old = parse("?status=TRIAGED&q=crash").normalized().unwrap();
        assert_eq!((old.status, old.q.as_deref()), (Some(Status::Triaged), Some("crash")));
    }

    #[test]
    fn a_control_rewrites_the_query_and_drops_the_keys_it_replaces() {
        let shown = IssueFilter { q: Some("severity:>=high tag:ui crash".into()), ..Default::default() }.normalized().unwrap();
        assert_eq!(shown.tag.as_deref(), Some("ui"));
        let link = |change: &dyn Fn(&mut IssueFilter)| {
            let mut next = shown.clone();
            change(&mut next);
            next.link_from(&shown)
        };
        let q = |url: String| parse(&url).q;
        assert_eq!(q(link(&|f| f.severity = Some(Severity::Low))).as_deref(), Some("severity:low tag:ui crash"), "the range it replaces is gone");
        assert_eq!(q(link(&|f| f.tag = None)).as_deref(), Some("severity:>=high crash"));
        assert_eq!(q(link(&|f| f.sort = IssueSort::Severity)).as_deref(), Some("tag:ui sort:severity severity:>=high crash"));
        let deleted = link(&|f| f.deleted = true);
        assert!(deleted.ends_with("&deleted=1"), "{deleted}");
    }

    fn query<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v).to_owned())
    }

    fn parse(url: &str) -> IssueFilter {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(url.trim_start_matches('?').as_bytes()).into_owned().collect();
        IssueFilter::from_query(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    #[test]
    fn a_filter_survives_a_round_trip_through_the_url() {
        let filter = IssueFilter {
            open: true,
            status: Some(Status::InProgress),
            severity: Some(Severity::High),
            tag: Some("needs info".into()),
            reporter: Some("a+b@example.com".into()),
            assignee: Some(AssigneeFilter::Handle("ana".into())),
            q: Some("\"crash on\" save & 100%".into()),
            sort: IssueSort::Severity,
            deleted: true,
            after: Some("3.1700000000000000000.42".into()),
            before: None,
        };
        let url = filter.to_query();
        assert!(url.starts_with("?is=open&status=IN_PROGRESS&severity=HIGH&tag=needs+info&reporter=a%2Bb%40example.com&assignee=ana&q="), "{url}");
        assert_eq!(parse(&url), filter);
    }

    #[test]
    fn the_assignee_filter_reads_me_none_and_handles() {
        let assignee = |v: &str| IssueFilter::from_query(query(&[("assignee", v)])).assignee;
        assert_eq!(assignee("me"), Some(AssigneeFilter::Me));
        assert_eq!(assignee(" NONE "), Some(AssigneeFilter::Nobody));
        assert_eq!(assignee("@Ana"), Some(AssigneeFilter::Handle("ana".into())));
        assert_eq!(assignee("@me"), Some(AssigneeFilter::Handle("me".into())));
        assert_eq!(assignee(""), None);
        for filter in [AssigneeFilter::Me, AssigneeFilter::Nobody, AssigneeFilter::Handle("me".into()), AssigneeFilter::Handle("ana".into())] {
            let url = IssueFilter { assignee: Some(filter.clone()), ..Default::default() }.to_query();
            assert_eq!(parse(&url).assignee, Some(filter), "{url}");
        }
    }

    #[test]
    fn unknown_values_in_the_url_are_dropped() {
        let filter = IssueFilter::from_query(query(&[("severity", "urgent"), ("status", "open"), ("sort", "x"), ("q", "  "), ("tag", "")]));
        assert_eq!(filter, IssueFilter { status: Some(Status::Open), ..Default::default() });
    }

    #[test]
    fn the_default_view_has_an_empty_query() {
        assert_eq!(IssueFilter::default().to_query(), "");
        assert!(!IssueFilter { sort: IssueSort::Updated, after: Some("1.2.3".into()), ..Default::default() }.narrows());
    }

    #[test]
    fn a_search_loses_control_characters_and_stops_at_its_limit() {
        assert_eq!(clean_search(" a\0b\u{7}c "), Some("a b c".to_owned()));
        assert_eq!(clean_search(&"x".repeat(10_000)).map(|q| q.chars().count()), Some(SEARCH_MAX_CHARS));
        assert_eq!(clean_search("\n\t"), None);
    }

    #[test]
    fn changing_the_filter_starts_from_the_first_page() {
        let paged = IssueFilter { after: Some("1.2.3".into()), before: Some("4.5.6".into()), ..Default::default() };
        assert_eq!(paged.first_page(), IssueFilter::default());
    }
}
