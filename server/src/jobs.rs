//! Background work inside the server: the daily statistics job, on a fixed schedule.
use app::{
    server::job_lock::JobLock,
    stats::service::{self, Trigger, tick_of},
};
use chrono::Utc;
use sea_orm::DatabaseConnection;
use std::time::Duration;

/// Runs the statistics job at start-up (which backfills any day missed while the server was
/// down) and then at every multiple of `interval` since the epoch. Instances sharing a database
/// agree on the ticks, and each tick runs on one of them only. `lock` is the one a manual run
/// takes too: a tick that finds a run under way leaves the work to it.
pub fn spawn_stats(db: DatabaseConnection, lock: JobLock, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let now = Utc::now();
            let tick = tick_of(now, interval);
            match service::run(&db, &lock, Trigger::Schedule { tick }, now).await {
                Ok(Some(_)) => {}
                Ok(None) => tracing::debug!(tick, "daily statistics for this tick already computed, or being computed"),
                Err(err) => {
                    metrics::counter!("stats_job_failures_total").increment(1);
                    tracing::warn!(tick, error = %err, "daily statistics failed; the next tick tries again");
                }
            }
            let secs = interval.as_secs().max(1) as i64;
            let next = (tick + 1) * secs;
            let wait = (next - Utc::now().timestamp()).max(1) as u64;
            tokio::time::sleep(Duration::from_secs(wait)).await;
        }
    })
}
