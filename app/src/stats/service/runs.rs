//! The job's bookkeeping: what started a run, which scheduled ticks already ran, and the log
//! of runs with their metrics.
use crate::{error::AppError, server::entities::stats_runs, stats::model::RunSummary};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

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

/// The last logged run, by id: a run that ends moves it on.
pub(super) async fn last_run(db: &impl ConnectionTrait) -> Result<Option<i64>, AppError> {
    Ok(stats_runs::Entity::find().select_only().column(stats_runs::Column::Id).order_by_desc(stats_runs::Column::Id).into_tuple().one(db).await?)
}

/// Whether the scheduled tick `tick` already ran (here or on another instance).
pub(super) async fn tick_ran(db: &impl ConnectionTrait, tick: i64) -> Result<bool, AppError> {
    Ok(stats_runs::Entity::find().filter(stats_runs::Column::Tick.eq(tick)).count(db).await? > 0)
}

/// Logs a run that wrote `summary`, started at `now` by `trigger`, inside its transaction.
pub(super) async fn log_run(txn: &impl ConnectionTrait, trigger: Trigger, now: DateTime<Utc>, summary: &RunSummary) -> Result<(), AppError> {
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
    .exec(txn)
    .await?;
    Ok(())
}

/// Counts a committed run in the metrics and the log.
pub(super) fn report(trigger: Trigger, summary: &RunSummary, duration: std::time::Duration, issues: usize) {
    metrics::counter!("stats_job_runs_total", "trigger" => trigger.name()).increment(1);
    metrics::histogram!("stats_job_duration_seconds").record(duration.as_secs_f64());
    metrics::gauge!("stats_job_days_written").set(summary.days as f64);
    tracing::info!(trigger = trigger.name(), from = %summary.from, to = %summary.to, days = summary.days, issues, duration_ms = summary.duration_ms, "daily statistics computed");
}
