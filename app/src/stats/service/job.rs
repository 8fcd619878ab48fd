//! The statistics job: one run rewrites the recent days, backfills any day missed, and refreshes
//! the medians, in one transaction, one run at a time across every instance.
use super::{
    RECENT_DAYS,
    history::{DayCounts, DayTally, MedianTally, each_history, first_filed, recent_since},
    runs::{Trigger, last_run, log_run, report, tick_ran},
};
use crate::{
    auth::model::CurrentUser,
    error::AppError,
    server::{
        entities::{daily_stats, stats_medians},
        job_lock::JobLock,
    },
    stats::model::{RunSummary, SeverityMedians},
};
use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QuerySelect, TransactionSession, TransactionTrait, sea_query::OnConflict};

/// Any number that is this job's alone, for PostgreSQL's advisory lock.
pub const ADVISORY_LOCK_KEY: i64 = 0x7472_6163_6b73_7473;

/// What a manual run hears while another run (here or on another instance) is under way.
pub const ALREADY_RUNNING: &str = "the statistics job is already running; its numbers show once it finishes";

/// Runs the job: rewrites the last [`RECENT_DAYS`] days, backfills every day since the last
/// run, and refreshes the medians, all in one transaction. One run goes at a time: `lock` for
/// this process, an advisory lock on PostgreSQL for the instances sharing the database. A
/// scheduled run that finds another under way, or finds its tick already run, is skipped
/// (`Ok(None)`); a manual one is refused with [`ALREADY_RUNNING`] (409).
pub async fn run(db: &(impl ConnectionTrait + TransactionTrait), lock: &JobLock, trigger: Trigger, now: DateTime<Utc>) -> Result<Option<RunSummary>, AppError> {
    let busy = || match trigger {
        Trigger::Schedule { .. } => Ok(None),
        Trigger::Manual { .. } => Err(AppError::Conflict(ALREADY_RUNNING.to_owned())),
    };
    let Some(_turn) = lock.try_take() else { return busy() };
    let started = std::time::Instant::now();
    let seen = last_run(db).await?;
    let txn = crate::server::db::begin_write(db).await?;
    // Another instance is running it, or it ran while this one waited for the database (on
    // SQLite a write transaction waits for the one before): that run was this one's.
    let under_way = !JobLock::try_take_across_instances(&txn, ADVISORY_LOCK_KEY).await? || last_run(&txn).await? != seen;
    let tick_done = match trigger {
        Trigger::Schedule { tick } if !under_way => tick_ran(&txn, tick).await?,
        _ => false,
    };
    if under_way || tick_done {
        // Ended now, not when the pool next uses the connection: a dropped transaction's
        // rollback waits for that, and its locks would stay held meanwhile.
        txn.rollback().await?;
        return if under_way { busy() } else { Ok(None) };
    }
    let today = now.date_naive();
    let last_day: Option<NaiveDate> = daily_stats::Entity::find()
        .select_only()
        .column_as(daily_stats::Column::Day.max(), "last")
        .into_tuple::<Option<NaiveDate>>()
        .one(&txn)
        .await?
        .flatten();
    let first_day = first_filed(&txn).await?.map_or(today, |at| at.date_naive()).min(today);
    let recent = today - Days::new(RECENT_DAYS - 1);
    let from = last_day.map_or(first_day, |last| last.min(recent)).max(first_day);
    // Every issue's history, a chunk at a time, added up as it is read.
    let (mut tally, mut medians) = (DayTally::new(from, today), MedianTally::new(recent_since(now)));
    let issues = each_history(&txn, crate::access::IssueScope::Every, |issue| {
        tally.add(&issue);
        medians.add(&issue);
    })
    .await?;
    let days = tally.days();
    write_days(&txn, &days, now).await?;
    write_medians(&txn, medians.medians(), now).await?;
    let duration = started.elapsed();
    let summary = RunSummary { from, to: today, days: days.len() as i64, duration_ms: duration.as_millis() as i64 };
    log_run(&txn, trigger, now, &summary).await?;
    txn.commit().await?;
    report(trigger, &summary, duration, issues);
    Ok(Some(summary))
}

/// Runs the job now, for an admin; 409 while a run is under way.
pub async fn run_stats(db: &(impl ConnectionTrait + TransactionTrait), lock: &JobLock, actor: &CurrentUser) -> Result<RunSummary, AppError> {
    crate::access::require_admin_audited(db, actor, "run the statistics job").await?;
    run(db, lock, Trigger::Manual { actor_id: Some(actor.id) }, Utc::now()).await?.ok_or_else(|| AppError::internal("statistics job", "a manual run was skipped"))
}

/// Writes (or rewrites) one row per day.
async fn write_days(txn: &impl ConnectionTrait, days: &[DayCounts], now: DateTime<Utc>) -> Result<(), AppError> {
    use daily_stats::Column as C;
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
        daily_stats::Entity::insert_many(models)
            .on_conflict(
                OnConflict::column(C::Day)
                    .update_columns([C::Open, C::Triaged, C::InProgress, C::Done, C::Low, C::Medium, C::High, C::Critical, C::Created, C::Resolved, C::ComputedAt])
                    .to_owned(),
            )
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Replaces the stored medians, one row per severity.
async fn write_medians(txn: &impl ConnectionTrait, medians: Vec<SeverityMedians>, now: DateTime<Utc>) -> Result<(), AppError> {
    use stats_medians::Column as C;
    stats_medians::Entity::insert_many(medians.into_iter().map(|m| stats_medians::ActiveModel {
        severity: Set(m.severity),
        triaged: Set(m.triaged),
        triage_seconds: Set(m.triage_seconds),
        resolved: Set(m.resolved),
        resolve_seconds: Set(m.resolve_seconds),
        computed_at: Set(now),
    }))
    .on_conflict(OnConflict::column(C::Severity).update_columns([C::Triaged, C::TriageSeconds, C::Resolved, C::ResolveSeconds, C::ComputedAt]).to_owned())
    .exec(txn)
    .await?;
    Ok(())
}
