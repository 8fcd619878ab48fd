//! Each issue's status and severity over time, from the recorded history, and the day counts
//! and medians computed from it.
use super::RECENT_DAYS;
use crate::{
    access::IssueScope,
    activity::{model::Change as Recorded, service::triage_changes},
    domain::{Severity, Status},
    error::AppError,
    server::entities::issues,
    stats::model::SeverityMedians,
};
use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Query};
use std::collections::{HashMap, HashSet};

/// A change to one issue, with the value it changed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Status(Status),
    Severity(Severity),
}

/// One issue as the statistics see it: what it was when filed, and each change since, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueHistory {
    pub created_at: DateTime<Utc>,
    pub status: Status,
    pub severity: Severity,
    pub changes: Vec<(DateTime<Utc>, Change)>,
}

impl IssueHistory {
    /// Its severity after every change.
    fn current_severity(&self) -> Severity {
        self.changes.iter().rev().find_map(|(_, c)| if let Change::Severity(s) = c { Some(*s) } else { None }).unwrap_or(self.severity)
    }

    /// When it first left OPEN, and when it first reached DONE.
    fn milestones(&self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let (mut status, mut triaged, mut resolved) = (self.status, None, None);
        for (at, change) in &self.changes {
            if let Change::Status(next) = *change {
                if status == Status::Open && next != Status::Open && triaged.is_none() {
                    triaged = Some(*at);
                }
                if next == Status::Done && resolved.is_none() {
                    resolved = Some(*at);
                }
                status = next;
            }
        }
        (triaged, resolved)
    }
}

/// One UTC day: the issues in each status and the open ones in each severity at its end, and
/// what was filed and resolved during it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub day: NaiveDate,
    /// By [`Status::ALL`] order.
    pub by_status: [i64; 4],
    /// Not done, by [`Severity::ALL`] order.
    pub open_by_severity: [i64; 4],
    pub created: i64,
    /// Issues that reached DONE during the day (an issue counts once a day).
    pub resolved: i64,
}

fn position<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|v| v == value).expect("a value of a closed set")
}

fn day_end(day: NaiveDate) -> DateTime<Utc> {
    (day + Days::new(1)).and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
}

/// The counts for every day from `from` to `to`, both included.
pub fn aggregate(history: &[IssueHistory], from: NaiveDate, to: NaiveDate) -> Vec<DayCounts> {
    let mut tally = DayTally::new(from, to);
    history.iter().for_each(|issue| tally.add(issue));
    tally.days
}

/// Day counts being added up, one issue at a time: what [`aggregate`] gives, without holding
/// every issue's history at once.
pub struct DayTally {
    from: NaiveDate,
    to: NaiveDate,
    days: Vec<DayCounts>,
}

impl DayTally {
    /// No issue counted yet, for every day from `from` to `to`, both included.
    pub fn new(from: NaiveDate, to: NaiveDate) -> DayTally {
        DayTally { from, to, days: from.iter_days().take_while(|d| *d <= to).map(|day| DayCounts { day, ..Default::default() }).collect() }
    }

    /// Counts `issue` in every day it touches.
    pub fn add(&mut self, issue: &IssueHistory) {
        let (from, to, len) = (self.from, self.to, self.days.len());
        let days = &mut self.days;
        let index = |day: NaiveDate| usize::try_from((day - from).num_days()).ok().filter(|i| *i < len);
        let created = issue.created_at.date_naive();
        if let Some(i) = index(created) {
            days[i].created += 1;
        }
        let mut last_resolved = None;
        for (at, change) in &issue.changes {
            let day = at.date_naive();
            if *change == Change::Status(Status::Done) && last_resolved != Some(day) {
                last_resolved = Some(day);
                if let Some(i) = index(day) {
                    days[i].resolved += 1;
                }
            }
        }
        let (mut status, mut severity, mut next) = (issue.status, issue.severity, 0);
        for day in created.max(from).iter_days().take_while(|d| *d <= to) {
            let end = day_end(day);
            while let Some((_, change)) = issue.changes.get(next).filter(|(at, _)| *at < end) {
                match *change {
                    Change::Status(s) => status = s,
                    Change::Severity(s) => severity = s,
                }
                next += 1;
            }
            let row = &mut days[index(day).expect("inside the range")];
            row.by_status[position(Status::ALL, &status)] += 1;
            if status != Status::Done {
                row.open_by_severity[position(Severity::ALL, &severity)] += 1;
            }
        }
    }

    /// The days, oldest first.
    pub fn days(self) -> Vec<DayCounts> {
        self.days
    }
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    let mid = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[mid]),
        _ => Some((values[mid - 1] + values[mid]) / 2),
    }
}

/// Median time from filing to leaving OPEN, and to reaching DONE, for the issues that did so
/// since `since`, by their current severity.
pub fn medians(history: &[IssueHistory], since: DateTime<Utc>) -> Vec<SeverityMedians> {
    let mut tally = MedianTally::new(since);
    history.iter().for_each(|issue| tally.add(issue));
    tally.medians()
}

/// [`medians`] being gathered one issue at a time: it keeps only the waits since `since`.
pub struct MedianTally {
    since: DateTime<Utc>,
    waits: HashMap<Severity, (Vec<i64>, Vec<i64>)>,
}

impl MedianTally {
    pub fn new(since: DateTime<Utc>) -> MedianTally {
        MedianTally { since, waits: HashMap::new() }
    }

    /// Notes `issue`'s first triage and resolution, if they fall since `since`.
    pub fn add(&mut self, issue: &IssueHistory) {
        let (triaged, resolved) = issue.milestones();
        let (triaged, resolved) = (triaged.filter(|at| *at >= self.since), resolved.filter(|at| *at >= self.since));
        if triaged.is_none() && resolved.is_none() {
            return;
        }
        let entry = self.waits.entry(issue.current_severity()).or_default();
        if let Some(at) = triaged {
            entry.0.push((at - issue.created_at).num_seconds());
        }
        if let Some(at) = resolved {
            entry.1.push((at - issue.created_at).num_seconds());
        }
    }

    /// The medians by severity, in [`Severity::ALL`] order.
    pub fn medians(mut self) -> Vec<SeverityMedians> {
        Severity::ALL
            .iter()
            .map(|severity| {
                let (triage, resolve) = self.waits.remove(severity).unwrap_or_default();
                SeverityMedians { severity: *severity, triaged: triage.len() as i64, triage_seconds: median(triage), resolved: resolve.len() as i64, resolve_seconds: median(resolve) }
            })
            .collect()
    }
}

/// How many issues' histories are read at a time.
const CHUNK: u64 = 2_000;

/// The history of every live issue in `scope` (a reporter's dashboard reads their own).
pub async fn load_history(db: &impl ConnectionTrait, scope: IssueScope) -> Result<Vec<IssueHistory>, AppError> {
    let mut history = Vec::new();
    each_history(db, scope, |issue| history.push(issue)).await?;
    Ok(history)
}

/// Hands the history of every live issue in `scope` to `each`, in id order, reading
/// [`CHUNK`] issues and their changes at a time: the statistics job adds up every issue ever
/// filed while holding one chunk, not all history.
pub async fn each_history(db: &impl ConnectionTrait, scope: IssueScope, each: impl FnMut(IssueHistory)) -> Result<usize, AppError> {
    each_history_in(db, scope, CHUNK, each).await
}

/// [`each_history`], `chunk` issues at a time; returns how many issues it handed over.
pub async fn each_history_in(db: &impl ConnectionTrait, scope: IssueScope, chunk: u64, mut each: impl FnMut(IssueHistory)) -> Result<usize, AppError> {
    let (mut after, mut read) = (0_i64, 0_usize);
    loop {
        let rows: Vec<(i64, Status, Severity, DateTime<Utc>)> = issues::Entity::find()
            .select_only()
            .columns([issues::Column::Id, issues::Column::Status, issues::Column::Severity, issues::Column::CreatedAt])
            .filter(issues::Column::DeletedAt.is_null())
            .filter(scope.condition())
            .filter(issues::Column::Id.gt(after))
            .order_by_asc(issues::Column::Id)
            .limit(chunk)
            .into_tuple()
            .all(db)
            .await?;
        let Some(&(last, ..)) = rows.last() else { break };
        let full = rows.len() as u64 == chunk;
        let ids = Query::select()
            .column(issues::Column::Id)
            .from(issues::Entity)
            .cond_where(Condition::all().add(issues::Column::Id.gt(after)).add(issues::Column::Id.lte(last)).add(scope.condition()))
            .to_owned();
        let mut index = HashMap::with_capacity(rows.len());
        let mut history: Vec<IssueHistory> = Vec::with_capacity(rows.len());
        for (id, status, severity, created_at) in rows {
            index.insert(id, history.len());
            history.push(IssueHistory { created_at, status, severity, changes: Vec::new() });
        }
        // Until an issue's first change of a kind, it had the value that change started from.
        let mut seen: HashSet<(usize, bool)> = HashSet::new();
        for recorded in triage_changes(db, Some(ids)).await? {
            let Some(&i) = index.get(&recorded.issue_id) else { continue };
            let issue = &mut history[i];
            let change = match recorded.change {
                Recorded::Status { from, to } => {
                    if seen.insert((i, true)) {
                        issue.status = from;
                    }
                    Change::Status(to)
                }
                Recorded::Severity { from, to } => {
                    if seen.insert((i, false)) {
                        issue.severity = from;
                    }
                    Change::Severity(to)
                }
                _ => continue,
            };
            issue.changes.push((recorded.at, change));
        }
        read += history.len();
        history.into_iter().for_each(&mut each);
        after = last;
        if !full {
            break;
        }
    }
    Ok(read)
}

/// When the first live issue was filed, if there is one.
pub async fn first_filed(db: &impl ConnectionTrait) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(issues::Entity::find()
        .select_only()
        .column_as(issues::Column::CreatedAt.min(), "first")
        .filter(issues::Column::DeletedAt.is_null())
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten())
}

/// The medians over the last [`RECENT_DAYS`] days before `now`.
pub fn recent_medians(history: &[IssueHistory], now: DateTime<Utc>) -> Vec<SeverityMedians> {
    medians(history, recent_since(now))
}

/// Where the medians' window of the last [`RECENT_DAYS`] days before `now` starts.
pub fn recent_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - TimeDelta::days(RECENT_DAYS as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn each_day_counts_its_end_state_and_what_happened_during_it() {
        let history = vec![
            // Filed late on the 1st, triaged at 23:59 on the 2nd, done at 00:00 on the 3rd.
            IssueHistory {
                created_at: at("2026-03-01T22:00:00Z"),
                status: Status::Open,
                severity: Severity::High,
                changes: vec![(at("2026-03-02T23:59:00Z"), Change::Status(Status::Triaged)), (at("2026-03-03T00:00:00Z"), Change::Status(Status::Done))],
            },
            // Filed on the 2nd as low, raised to critical on the 3rd, still open.
            IssueHistory { created_at: at("2026-03-02T10:00:00+02:00"), status: Status::Open, severity: Severity::Low, changes: vec![(at("2026-03-03T12:00:00Z"), Change::Severity(Severity::Critical))] },
        ];
        let days = aggregate(&history, day("2026-03-01"), day("2026-03-03"));
        assert_eq!(days.iter().map(|d| (d.created, d.resolved)).collect::<Vec<_>>(), [(1, 0), (1, 0), (0, 1)]);
        assert_eq!(days.iter().map(|d| d.by_status).collect::<Vec<_>>(), [[1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 0, 1]]);
        assert_eq!(days.iter().map(|d| d.open_by_severity).collect::<Vec<_>>(), [[0, 0, 1, 0], [1, 0, 1, 0], [0, 0, 0, 1]]);
    }

    #[test]
    fn medians_take_the_first_triage_and_resolution_by_current_severity() {
        let created = at("2026-03-01T00:00:00Z");
        let issue = |triage_h: i64, done_h: i64| IssueHistory {
            created_at: created,
            status: Status::Open,
            severity: Severity::Medium,
            changes: vec![
                (created + TimeDelta::hours(triage_h), Change::Status(Status::Triaged)),
                (created + TimeDelta::hours(done_h), Change::Status(Status::Done)),
                (created + TimeDelta::hours(done_h + 1), Change::Status(Status::Open)),
                (created + TimeDelta::hours(done_h + 2), Change::Status(Status::Triaged)),
            ],
        };
        let history = vec![issue(1, 10), issue(3, 20), issue(5, 40), issue(7, 50)];
        let medians = medians(&history, created);
        let medium = &medians[1];
        assert_eq!((medium.triaged, medium.triage_seconds, medium.resolved, medium.resolve_seconds), (4, Some(4 * 3600), 4, Some(30 * 3600)));
        assert_eq!(medians[0].triage_seconds, None);
        assert!(super::medians(&history, created + TimeDelta::days(3)).iter().all(|m| m.triaged == 0 && m.resolved == 0));
    }
}
