//! What the dashboard shows, as it crosses the wire.
use crate::domain::{Severity, Status};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The trend windows the dashboard offers, in days.
pub const WINDOWS: [u32; 2] = [30, 90];

/// Whose issues the numbers count.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Every live issue (maintainers and admins).
    Everyone,
    /// The signed-in reporter's own issues.
    Own,
}

/// The dashboard page's data: the numbers, and each chart's ECharts option built from them on
/// the server (as JSON), so no chart-building code is shipped to the browser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    #[serde(flatten)]
    pub numbers: Dashboard,
    pub charts: ChartOptions,
}

/// ECharts options, as JSON text, one per chart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartOptions {
    pub open_by_severity: String,
    pub by_status: String,
    pub trend: String,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub scope: Scope,
    /// Issues not done, by severity, lowest first; every severity appears.
    pub open_by_severity: Vec<(Severity, i64)>,
    /// Live issues by status, in workflow order; every status appears.
    pub by_status: Vec<(Status, i64)>,
    /// The trend window, in days.
    pub days: u32,
    /// One entry per day of the window, oldest first.
    pub trend: Vec<DayTrend>,
    pub medians: Vec<SeverityMedians>,
    /// The oldest issues that are critical or high and not done, oldest first.
    pub oldest: Vec<OldIssue>,
    /// When the statistics job last wrote the trend (the everyone scope): days before that run's
    /// day come from it, the rest are counted as asked. Reporters' numbers are all counted as
    /// they ask.
    pub computed_at: Option<DateTime<Utc>>,
    /// Whether this user may run the statistics job now (admins).
    pub can_recompute: bool,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTrend {
    pub day: NaiveDate,
    pub created: i64,
    pub resolved: i64,
}

/// How long issues of one severity waited, over the last 90 days. `None` when none did.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityMedians {
    pub severity: Severity,
    /// Issues that left OPEN for the first time in the window.
    pub triaged: i64,
    pub triage_seconds: Option<i64>,
    /// Issues that reached DONE for the first time in the window.
    pub resolved: i64,
    pub resolve_seconds: Option<i64>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OldIssue {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub created_at: DateTime<Utc>,
}

/// What one run of the statistics job did.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The first and last day written.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    pub duration_ms: i64,
}

/// A duration as people read it: `45 s`, `12 min`, `3.5 h`, `2.1 d`.
pub fn human_duration(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{:.1} h", s as f64 / 3600.0),
        s => format!("{:.1} d", s as f64 / 86_400.0),
    }
}

#[cfg(test)]
mod tests {
    use super::human_duration;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(45), "45 s");
        assert_eq!(human_duration(12 * 60 + 5), "12 min");
        assert_eq!(human_duration(3 * 3600 + 1800), "3.5 h");
        assert_eq!(human_duration(2 * 86_400 + 8640), "2.1 d");
    }
}
