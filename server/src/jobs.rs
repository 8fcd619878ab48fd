//! Background work inside the server: the daily statistics job, on a fixed schedule, and the
//! mail sender.
use app::{
    server::{AppState, job_lock::JobLock},
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

/// How often the notification mailer looks for work when nothing wakes it.
const MAIL_POLL: Duration = Duration::from_secs(5);
/// How long the notification mailer waits after a change woke it, for more to arrive.
const MAIL_GATHER: Duration = Duration::from_millis(500);

/// The latest digest time (`hour`:00 UTC) at or before `now`: today's, or yesterday's before it.
pub fn digest_cutoff(now: chrono::DateTime<Utc>, hour: u32) -> chrono::DateTime<Utc> {
    let today = now.date_naive().and_hms_opt(hour.min(23), 0, 0).expect("a valid time").and_utc();
    if now >= today { today } else { today - chrono::Duration::days(1) }
}

/// Turns notifications due by mail into outbox mail: at once when a change notified someone
/// (its inbox notice wakes the loop), and every few seconds in case a notice was missed or
/// another instance made them; and each day's digests once the digest time has passed.
fn spawn_notification_mail(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut notices = state.events.subscribe();
        loop {
            match app::notifications::mailer::mail_due(&state).await {
                Ok(0) => {}
                Ok(mails) => tracing::debug!(mails, "notification mail queued"),
                Err(err) => tracing::warn!(error = %err, "queueing notification mail failed; trying again shortly"),
            }
            if let Err(err) = app::notifications::mailer::mail_digests(&state, digest_cutoff(Utc::now(), state.settings.mail.timing.digest_hour)).await {
                tracing::warn!(error = %err, "queueing digests failed; trying again shortly");
            }
            let woken = async {
                loop {
                    match notices.recv().await {
                        Ok(app::server::events::Notice::Inbox { .. }) | Err(_) => return,
                        Ok(_) => {}
                    }
                }
            };
            if tokio::time::timeout(MAIL_POLL, woken).await.is_ok() {
                // Woken by a change: gather the changes close behind it into the same pass, so a
                // burst of changes costs a few passes rather than one each.
                tokio::time::sleep(MAIL_GATHER).await;
                while let Ok(_) | Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) = notices.try_recv() {}
            }
        }
    })
}

/// Starts the mail sender, saying once whether email is on and where it goes, and the loop
/// that turns notifications into mail (with email off it clears what they were due).
pub fn spawn_mail(state: &AppState) -> Option<tokio::task::JoinHandle<()>> {
    spawn_notification_mail(state.clone());
    let mail = &state.settings.mail;
    match (&mail.smtp, &mail.from) {
        (Some(smtp), Some(from)) => {
            tracing::info!(smtp = %smtp.describe(), from = %from, "email on: sending through {}", smtp.describe());
            // Mail about an issue goes only to someone who may still see it when it is sent, and a
            // notification's mail is written just before it goes.
            let ready = state.clone();
            let prepare: app::server::mail::worker::Prepare = std::sync::Arc::new(move |mails| {
                let state = ready.clone();
                Box::pin(async move { app::notifications::mailer::prepare(&state, mails).await })
            });
            Some(tokio::spawn(app::server::mail::worker::run(state.db.clone(), mail.clone(), prepare)))
        }
        _ => {
            tracing::info!("email off: SMTP_URL is not set, so no mail is queued or sent");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_cutoff_is_the_last_digest_time() {
        let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc);
        assert_eq!(digest_cutoff(at("2026-12-04T08:00:00Z"), 7), at("2026-12-04T07:00:00Z"));
        assert_eq!(digest_cutoff(at("2026-12-04T07:00:00Z"), 7), at("2026-12-04T07:00:00Z"));
        assert_eq!(digest_cutoff(at("2026-12-04T06:59:59Z"), 7), at("2026-12-03T07:00:00Z"));
        assert_eq!(digest_cutoff(at("2026-12-04T06:59:59Z"), 0), at("2026-12-04T00:00:00Z"));
        assert_eq!(digest_cutoff(at("2026-12-04T22:30:00Z"), 23), at("2026-12-03T23:00:00Z"));
    }
}
