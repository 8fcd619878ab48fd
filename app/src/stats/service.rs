//! The statistics job and the dashboard's numbers.
//!
//! Every count is over live issues (soft-deleted ones are left out of every day, past days
//! included, whenever those days are rewritten) and days are UTC days: a change at 23:59 UTC
//! counts on that day, one at 00:00 UTC on the next.
use super::model::{DayTrend, Dashboard, OldIssue, RunSummary, Scope, SeverityMedians, WINDOWS};
use crate::{
    auth::model::CurrentUser,
    domain::{Severity, Status},
    error::AppError,
    server::entities::{daily_stats, issue_events, issues, stats_medians, stats_runs},
};
use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, TransactionSession, TransactionTrait,
    sea_query::{OnConflict, Query},
};
use std::collections::{HashMap, HashSet};

/// How many recent days every run rewrites, and how far back the medians look.
pub const RECENT_DAYS: u64 = 90;

/// Any number that is this job's alone, for PostgreSQL's advisory lock.
pub const ADVISORY_LOCK_KEY: i64 = 0x7472_6163_6b73_7473;

/// How many oldest critical and high issues the dashboard lists.
const OLDEST_SHOWN: u64 = 5;

/// Runs in this process wait for each other (several instances wait on the advisory lock).
static RUNNING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

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
    let mut days: Vec<DayCounts> = from.iter_days().take_while(|d| *d <= to).map(|day| DayCounts { day, ..Default::default() }).collect();
    let len = days.len();
    let index = |day: NaiveDate| usize::try_from((day - from).num_days()).ok().filter(|i| *i < len);
    for issue in history {
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
    days
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
    let mut waits: HashMap<Severity, (Vec<i64>, Vec<i64>)> = HashMap::new();
    for issue in history {
        let (triaged, resolved) = issue.milestones();
        let entry = waits.entry(issue.current_severity()).or_default();
        if let Some(at) = triaged.filter(|at| *at >= since) {
            entry.0.push((at - issue.created_at).num_seconds());
        }
        if let Some(at) = resolved.filter(|at| *at >= since) {
            entry.1.push((at - issue.created_at).num_seconds());
        }
    }
    Severity::ALL
        .iter()
        .map(|severity| {
            let (triage, resolve) = waits.remove(severity).unwrap_or_default();
            SeverityMedians { severity: *severity, triaged: triage.len() as i64, triage_seconds: median(triage), resolved: resolve.len() as i64, resolve_seconds: median(resolve) }
        })
        .collect()
}

/// Every live issue's history, or one reporter's.
pub async fn load_history(db: &impl ConnectionTrait, reporter: Option<i64>) -> Result<Vec<IssueHistory>, AppError> {
    let mut rows = issues::Entity::find()
        .select_only()
        .columns([issues::Column::Id, issues::Column::Status, issues::Column::Severity, issues::Column::CreatedAt])
        .filter(issues::Column::DeletedAt.is_null());
    let mut changes = issue_events::Entity::find()
        .select_only()
        .columns([issue_events::Column::IssueId, issue_events::Column::Kind, issue_events::Column::FromValue, issue_events::Column::ToValue, issue_events::Column::CreatedAt])
        .filter(issue_events::Column::Kind.is_in(["status", "severity"]))
        .order_by_asc(issue_events::Column::CreatedAt)
        .order_by_asc(issue_events::Column::Id);
    if let Some(reporter) = reporter {
        rows = rows.filter(issues::Column::ReporterId.eq(reporter));
        let own = Query::select().column(issues::Column::Id).from(issues::Entity).and_where(issues::Column::ReporterId.eq(reporter)).to_owned();
        changes = changes.filter(issue_events::Column::IssueId.in_subquery(own));
    }
    let rows: Vec<(i64, Status, Severity, DateTime<Utc>)> = rows.into_tuple().all(db).await?;
    let changes: Vec<(i64, String, Option<String>, Option<String>, DateTime<Utc>)> = changes.into_tuple().all(db).await?;
    let mut index = HashMap::with_capacity(rows.len());
    let mut history: Vec<IssueHistory> = Vec::with_capacity(rows.len());
    for (id, status, severity, created_at) in rows {
        index.insert(id, history.len());
        history.push(IssueHistory { created_at, status, severity, changes: Vec::new() });
    }
    // Until an issue's first change of a kind, it had the value that change started from.
    let mut seen: HashSet<(usize, bool)> = HashSet::new();
    for (issue_id, kind, from, to, at) in changes {
        let Some(&i) = index.get(&issue_id) else { continue };
        let issue = &mut history[i];
        let is_status = kind == "status";
        let first = seen.insert((i, is_status));
        let change = match (is_status, to.as_deref()) {
            (true, Some(to)) => to.parse().ok().map(Change::Status),
            (false, Some(to)) => to.parse().ok().map(Change::Severity),
            _ => None,
        };
        let Some(change) = change else { continue };
        if first {
            match (change, from.as_deref()) {
                (Change::Status(_), Some(from)) => issue.status = from.parse().unwrap_or(issue.status),
                (Change::Severity(_), Some(from)) => issue.severity = from.parse().unwrap_or(issue.severity),
                _ => {}
            }
        }
        issue.changes.push((at, change));
    }
    Ok(history)
}

/// What started a run of the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The schedule's tick number (whole intervals since the epoch): each runs once, on one instance.
    Schedule { tick: i64 },
    /// An admin on the dashboard, or the command line (no actor).
    Manual { actor_id: Option<i64> },
}

impl Trigger {
    fn name(self) -> &'static str {
        match self {
            Trigger::Schedule { .. } => "schedule",
            Trigger::Manual { .. } => "manual",
        }
    }
}

/// The tick `now` falls in, for a schedule of `interval`.
pub fn tick_of(now: DateTime<Utc>, interval: std::time::Duration) -> i64 {
    now.timestamp().div_euclid(interval.as_secs().max(1) as i64)
}

/// Runs the job: rewrites the last [`RECENT_DAYS`] days, backfills every day since the last
/// run, and refreshes the medians, all in one transaction. A scheduled tick that already ran
/// (here or on another instance sharing the database) is skipped: `Ok(None)`.
pub async fn run(db: &(impl ConnectionTrait + TransactionTrait), trigger: Trigger, now: DateTime<Utc>) -> Result<Option<RunSummary>, AppError> {
    let _running = RUNNING.lock().await;
    let started = std::time::Instant::now();
    let txn = crate::server::db::begin_write(db).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // Held until the transaction ends. A scheduled run that finds it taken skips the tick;
        // a manual run waits its turn.
        let sql = match trigger {
            Trigger::Schedule { .. } => "SELECT pg_try_advisory_xact_lock($1) AS locked",
            Trigger::Manual { .. } => "SELECT true AS locked FROM (SELECT pg_advisory_xact_lock($1)) AS waited",
        };
        let row = txn.query_one_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [ADVISORY_LOCK_KEY.into()])).await?;
        let locked: bool = row.map(|r| r.try_get("", "locked")).transpose()?.unwrap_or(false);
        if !locked {
            // Ended now, not when the pool next uses the connection: a dropped transaction's
            // rollback waits for that, and its lock would stay held meanwhile.
            txn.rollback().await?;
            return Ok(None);
        }
    }
    if let Trigger::Schedule { tick } = trigger {
        if stats_runs::Entity::find().filter(stats_runs::Column::Tick.eq(tick)).count(&txn).await? > 0 {
            txn.rollback().await?;
            return Ok(None);
        }
    }
    let today = now.date_naive();
    let last_day: Option<NaiveDate> = daily_stats::Entity::find()
        .select_only()
        .column_as(daily_stats::Column::Day.max(), "last")
        .into_tuple::<Option<NaiveDate>>()
        .one(&txn)
        .await?
        .flatten();
    let history = load_history(&txn, None).await?;
    let first_day = history.iter().map(|h| h.created_at.date_naive()).min().unwrap_or(today).min(today);
    let recent = today - Days::new(RECENT_DAYS - 1);
    let from = last_day.map_or(first_day, |last| last.min(recent)).max(first_day);
    let days = aggregate(&history, from, today);
    for chunk in days.chunks(200) {
        let models = chunk.iter().map(|d| daily_stats::ActiveModel {
            day: Set(d.day),
            open: Set(d.by_status[0]),
            triaged: Set(d.by_status[1]),
            in_progress: Set(d.by_status[2]),
            done: Set(d.by_status[3]),
            low: Set(d.open_by_severity[0]),
            medium: Set(d.open_by_severity[1]),
            high: Set(d.open_by_severity[2]),
            critical: Set(d.open_by_severity[3]),
            created: Set(d.created),
            resolved: Set(d.resolved),
            computed_at: Set(now),
        });
        use daily_stats::Column as C;
        daily_stats::Entity::insert_many(models)
            .on_conflict(
                OnConflict::column(C::Day)
                    .update_columns([C::Open, C::Triaged, C::InProgress, C::Done, C::Low, C::Medium, C::High, C::Critical, C::Created, C::Resolved, C::ComputedAt])
                    .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    let medians = medians(&history, now - TimeDelta::days(RECENT_DAYS as i64));
    stats_medians::Entity::insert_many(medians.into_iter().map(|m| stats_medians::ActiveModel {
        severity: Set(m.severity),
        triaged: Set(m.triaged),
        triage_seconds: Set(m.triage_seconds),
        resolved: Set(m.resolved),
        resolve_seconds: Set(m.resolve_seconds),
        computed_at: Set(now),
    }))
    .on_conflict({
        use stats_medians::Column as C;
        OnConflict::column(C::Severity).update_columns([C::Triaged, C::TriageSeconds, C::Resolved, C::ResolveSeconds, C::ComputedAt]).to_owned()
    })
    .exec(&txn)
    .await?;
    let duration = started.elapsed();
    let summary = RunSummary { from, to: today, days: days.len() as i64, duration_ms: duration.as_millis() as i64 };
    stats_runs::Entity::insert(stats_runs::ActiveModel {
        tick: Set(match trigger {
            Trigger::Schedule { tick } => Some(tick),
            Trigger::Manual { .. } => None,
        }),
        trigger: Set(trigger.name().to_owned()),
        actor_id: Set(match trigger {
            Trigger::Manual { actor_id } => actor_id,
            Trigger::Schedule { .. } => None,
        }),
        started_at: Set(now),
        duration_ms: Set(summary.duration_ms),
        days: Set(summary.days),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;
    metrics::counter!("stats_job_runs_total", "trigger" => trigger.name()).increment(1);
    metrics::histogram!("stats_job_duration_seconds").record(duration.as_secs_f64());
    metrics::gauge!("stats_job_days_written").set(summary.days as f64);
    tracing::info!(trigger = trigger.name(), from = %summary.from, to = %summary.to, days = summary.days, issues = history.len(), duration_ms = summary.duration_ms, "daily statistics computed");
    Ok(Some(summary))
}

/// Runs the job now, for an admin.
pub async fn run_now(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser) -> Result<RunSummary, AppError> {
    crate::auth::service::require_admin(actor)?;
    run(db, Trigger::Manual { actor_id: Some(actor.id) }, Utc::now()).await?.ok_or_else(|| AppError::internal("statistics job", "a manual run was skipped"))
}

/// Counts of `column` over the live issues `actor` may see, for each value found.
async fn live_counts<V>(db: &impl ConnectionTrait, actor: &CurrentUser, column: issues::Column, open_only: bool) -> Result<HashMap<V, i64>, AppError>
where
    V: sea_orm::TryGetable + Eq + std::hash::Hash,
{
    let mut query = visible(actor).select_only().column(column).column_as(issues::Column::Id.count(), "n").group_by(column);
    if open_only {
        query = query.filter(issues::Column::Status.ne(Status::Done));
    }
    Ok(query.into_tuple::<(V, i64)>().all(db).await?.into_iter().collect())
}

/// What was filed and resolved on each day from `from` to now, over every live issue, counted
/// the way [`aggregate`] counts (an issue resolves at most once a day).
async fn recent_trend(db: &impl ConnectionTrait, from: NaiveDate) -> Result<HashMap<NaiveDate, (i64, i64)>, AppError> {
    let start = from.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
    let filed: Vec<DateTime<Utc>> = issues::Entity::find()
        .select_only()
        .column(issues::Column::CreatedAt)
        .filter(issues::Column::DeletedAt.is_null())
        .filter(issues::Column::CreatedAt.gte(start))
        .into_tuple()
        .all(db)
        .await?;
    let live_issues = Query::select().column(issues::Column::Id).from(issues::Entity).and_where(issues::Column::DeletedAt.is_null()).to_owned();
    let done: Vec<(i64, DateTime<Utc>)> = issue_events::Entity::find()
        .select_only()
        .columns([issue_events::Column::IssueId, issue_events::Column::CreatedAt])
        .filter(issue_events::Column::Kind.eq("status"))
        .filter(issue_events::Column::ToValue.eq(Status::Done.as_str()))
        .filter(issue_events::Column::CreatedAt.gte(start))
        .filter(issue_events::Column::IssueId.in_subquery(live_issues))
        .into_tuple()
        .all(db)
        .await?;
    let mut days: HashMap<NaiveDate, (i64, i64)> = HashMap::new();
    for at in filed {
        days.entry(at.date_naive()).or_default().0 += 1;
    }
    let resolved: HashSet<(i64, NaiveDate)> = done.into_iter().map(|(issue, at)| (issue, at.date_naive())).collect();
    for (_, day) in resolved {
        days.entry(day).or_default().1 += 1;
    }
    Ok(days)
}

/// The live issues `actor` may see: every one for triagers, their own for reporters.
fn visible(actor: &CurrentUser) -> sea_orm::Select<issues::Entity> {
    let query = issues::Entity::find().filter(issues::Column::DeletedAt.is_null());
    if actor.can_triage() { query } else { query.filter(issues::Column::ReporterId.eq(actor.id)) }
}

/// The dashboard for `actor` with a trend of `days` days ending on `now`'s day: everyone's
/// issues for maintainers and admins (the trend and medians as of the job's last run), the
/// reporter's own otherwise (computed as they ask). Counts are always as of now.
pub async fn dashboard(db: &impl ConnectionTrait, actor: &CurrentUser, days: u32, now: DateTime<Utc>) -> Result<Dashboard, AppError> {
    if !WINDOWS.contains(&days) {
        return Err(AppError::field("days", format!("choose a window of {} days", WINDOWS.map(|w| w.to_string()).join(" or "))));
    }
    let by_status: HashMap<Status, i64> = live_counts(db, actor, issues::Column::Status, false).await?;
    let by_severity: HashMap<Severity, i64> = live_counts(db, actor, issues::Column::Severity, true).await?;
    let oldest = visible(actor)
        .filter(issues::Column::Status.ne(Status::Done))
        .filter(issues::Column::Severity.is_in([Severity::Critical, Severity::High]))
        .order_by_asc(issues::Column::CreatedAt)
        .order_by_asc(issues::Column::Id)
        .limit(OLDEST_SHOWN)
        .all(db)
        .await?
        .into_iter()
        .map(|i| OldIssue { id: i.id, title: i.title, severity: i.severity, status: i.status, created_at: i.created_at })
        .collect();
    let today = now.date_naive();
    let from = today - Days::new(u64::from(days) - 1);
    let (scope, trend, medians, computed_at) = if actor.can_triage() {
        let stored: HashMap<NaiveDate, (i64, i64)> = daily_stats::Entity::find()
            .select_only()
            .columns([daily_stats::Column::Day, daily_stats::Column::Created, daily_stats::Column::Resolved])
            .filter(daily_stats::Column::Day.between(from, today))
            .into_tuple::<(NaiveDate, i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(day, created, resolved)| (day, (created, resolved)))
            .collect();
        let computed_at = stats_runs::Entity::find().order_by_desc(stats_runs::Column::Id).one(db).await?.map(|r| r.started_at);
        // The job's last run saw only part of its own day, and nothing after: from that day on
        // the trend is counted now, so today's numbers are current when shown.
        let live_from = computed_at.map_or(today, |at| at.date_naive()).clamp(from, today);
        let live = recent_trend(db, live_from).await?;
        let trend = from
            .iter_days()
            .take_while(|d| *d <= today)
            .map(|day| {
                let (created, resolved) = if day >= live_from { &live } else { &stored }.get(&day).copied().unwrap_or_default();
                DayTrend { day, created, resolved }
            })
            .collect();
        let mut stored_medians: HashMap<Severity, stats_medians::Model> = stats_medians::Entity::find().all(db).await?.into_iter().map(|m| (m.severity, m)).collect();
        let medians = Severity::ALL
            .iter()
            .map(|severity| match stored_medians.remove(severity) {
                Some(m) => SeverityMedians { severity: m.severity, triaged: m.triaged, triage_seconds: m.triage_seconds, resolved: m.resolved, resolve_seconds: m.resolve_seconds },
                None => SeverityMedians { severity: *severity, triaged: 0, triage_seconds: None, resolved: 0, resolve_seconds: None },
            })
            .collect();
        (Scope::Everyone, trend, medians, computed_at)
    } else {
        let history = load_history(db, Some(actor.id)).await?;
        let trend = aggregate(&history, from, today).into_iter().map(|d| DayTrend { day: d.day, created: d.created, resolved: d.resolved }).collect();
        (Scope::Own, trend, medians(&history, now - TimeDelta::days(RECENT_DAYS as i64)), None)
    };
    Ok(Dashboard {
        scope,
        open_by_severity: Severity::ALL.iter().map(|s| (*s, by_severity.get(s).copied().unwrap_or(0))).collect(),
        by_status: Status::ALL.iter().map(|s| (*s, by_status.get(s).copied().unwrap_or(0))).collect(),
        days,
        trend,
        medians,
        oldest,
        computed_at,
        can_recompute: actor.is_admin(),
    })
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
