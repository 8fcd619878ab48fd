//! Wire types for issues, shared by the server and the browser.
use crate::domain::{Severity, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many issues one page of the list shows.
pub const PAGE_SIZE: u64 = 50;

/// One row of the issue list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueSummary {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub reporter_email: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The version this summary was read at; a triage change must name it.
    pub version: i64,
}

/// The longest title, in characters, after trimming.
pub const TITLE_MAX_CHARS: usize = 200;
/// The longest description, in bytes.
pub const DESCRIPTION_MAX_BYTES: usize = 64 * 1024;

/// One issue with its description, as the detail page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueDetail {
    pub summary: IssueSummary,
    /// The markdown as written.
    pub description: String,
    /// The markdown rendered on the server and sanitized; safe to insert as HTML.
    pub description_html: String,
}

/// One page of the list and how many issues match the filter in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuePage {
    pub items: Vec<IssueSummary>,
    pub total: u64,
}

/// The list's order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueSort {
    /// Newest first.
    #[default]
    Newest,
    /// Most recently updated first.
    Updated,
}

impl IssueSort {
    /// Every order, as offered in the list's menu.
    pub const ALL: &'static [IssueSort] = &[IssueSort::Newest, IssueSort::Updated];

    /// The form used in the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueSort::Newest => "newest",
            IssueSort::Updated => "updated",
        }
    }

    /// The form people read.
    pub fn label(self) -> &'static str {
        match self {
            IssueSort::Newest => "Newest",
            IssueSort::Updated => "Recently updated",
        }
    }
}

/// What the list shows. It lives in the URL's query string, so a link
/// reproduces the view and the back button restores it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueFilter {
    pub status: Option<Status>,
    pub severity: Option<Severity>,
    #[serde(default)]
    pub sort: IssueSort,
    /// Deleted issues instead of live ones (admins only; ignored for everyone else).
    #[serde(default)]
    pub deleted: bool,
}

impl IssueFilter {
    /// Reads the filter from query parameters. A value the list does not know is
    /// dropped rather than failing the page, so an old or hand-edited link still opens.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        IssueFilter {
            status: get("status").and_then(|v| v.parse().ok()),
            severity: get("severity").and_then(|v| v.parse().ok()),
            sort: match get("sort").as_deref() {
                Some("updated") => IssueSort::Updated,
                _ => IssueSort::Newest,
            },
            deleted: get("deleted").as_deref() == Some("1"),
        }
    }

    /// The query string for this filter (`?severity=HIGH&sort=updated`), empty for the default view.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(status) = self.status {
            parts.push(format!("status={status}"));
        }
        if let Some(severity) = self.severity {
            parts.push(format!("severity={severity}"));
        }
        if self.sort != IssueSort::Newest {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if self.deleted {
            parts.push("deleted=1".to_owned());
        }
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }

    /// Whether any filter narrows the list (the order does not).
    pub fn narrows(&self) -> bool {
        self.status.is_some() || self.severity.is_some() || self.deleted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn a_filter_survives_a_round_trip_through_the_url() {
        let filter = IssueFilter { status: Some(Status::InProgress), severity: Some(Severity::High), sort: IssueSort::Updated, deleted: true };
        let url = filter.to_query();
        assert_eq!(url, "?status=IN_PROGRESS&severity=HIGH&sort=updated&deleted=1");
        let pairs: Vec<(&str, &str)> = url[1..].split('&').filter_map(|p| p.split_once('=')).collect();
        assert_eq!(IssueFilter::from_query(query(&pairs)), filter);
    }

    #[test]
    fn unknown_values_in_the_url_are_dropped() {
        let filter = IssueFilter::from_query(query(&[("severity", "urgent"), ("status", "open"), ("sort", "x")]));
        assert_eq!(filter, IssueFilter { status: Some(Status::Open), severity: None, sort: IssueSort::Newest, deleted: false });
    }

    #[test]
    fn the_default_view_has_an_empty_query() {
        assert_eq!(IssueFilter::default().to_query(), "");
        assert!(!IssueFilter { sort: IssueSort::Updated, ..Default::default() }.narrows());
    }
}
