//! Reading the dashboard: live counts as of now, the trend from the job's stored days (and from
//! the history for the days since its last run), and the medians.
use super::history::{aggregate, load_history, recent_medians};
use crate::{
    auth::model::CurrentUser,
    domain::{Severity, Status},
    error::AppError,
    server::entities::{daily_stats, issues, stats_medians, stats_runs},
    stats::model::{DayTrend, Dashboard, OldIssue, Scope, SeverityMedians, WINDOWS},
};
use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Query};
use std::collections::{HashMap, HashSet};

/// How many oldest critical and high issues the dashboard lists.
const OLDEST_SHOWN: u64 = 5;

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
/// the way [`super::aggregate`] counts (an issue resolves at most once a day).
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
    let done = crate::activity::service::moves_to(db, Status::Done, start, live_issues).await?;
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

/// The live issues `actor` may see.
fn visible(actor: &CurrentUser) -> sea_orm::Select<issues::Entity> {
    issues::Entity::find().filter(crate::access::visible_issues(actor))
}

/// The dashboard for `actor` with a trend of `days` days ending on `now`'s day: everyone's
/// issues for maintainers and admins (the trend and medians as of the job's last run), the
/// reporter's own otherwise (computed as they ask). Counts are always as of now.
pub async fn get_dashboard(db: &impl ConnectionTrait, actor: &CurrentUser, days: u32, now: DateTime<Utc>) -> Result<Dashboard, AppError> {
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
        let history = load_history(db, crate::access::IssueScope::of(actor)).await?;
        let trend = aggregate(&history, from, today).into_iter().map(|d| DayTrend { day: d.day, created: d.created, resolved: d.resolved }).collect();
        (Scope::Own, trend, recent_medians(&history, now), None)
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
