//! The sender: a loop inside the server that claims due mail, sends it, and records how each
//! attempt went. Several instances may run it on one PostgreSQL database; a claim keeps a row
//! to one of them, and a claim left by a killed instance lapses, so its mail still goes.
use super::{MailSettings, outbox, smtp};
use crate::server::entities::mail_outbox;
use chrono::Utc;
use lettre::{AsyncTransport, message::Mailbox};
use sea_orm::DatabaseConnection;
use std::{
    collections::HashSet,
    future::Future,
    pin::Pin,
    sync::Arc,
    time::{Duration, Instant},
};

/// How many mails one claim takes.
const BATCH: u64 = 20;
/// Sent mail is kept this long (for admins to look at), then deleted.
const KEEP_SENT: chrono::Duration = chrono::Duration::days(30);

/// Readies claimed mail just before it is sent: given the claimed rows, it returns the ones to
/// send, with the bodies of any queued as a notice written. A row it leaves out must not go out
/// any more (its recipient may no longer see the issue) and is withdrawn. The server passes the
/// rules (who may see an issue, how a notification reads), which this layer does not know.
pub type Prepare = Arc<dyn Fn(Vec<mail_outbox::Model>) -> Pin<Box<dyn Future<Output = Result<Vec<mail_outbox::Model>, sea_orm::DbErr>> + Send>> + Send + Sync>;

/// Sends queued mail until the process ends. Returns at once, with a warning, when the
/// transport cannot be built; with email off there is nothing to run.
pub async fn run(db: DatabaseConnection, mail: Arc<MailSettings>, prepare: Prepare) {
    let mail = &*mail;
    let (Some(url), Some(from)) = (&mail.smtp, &mail.from) else { return };
    let transport = match url.transport() {
        Ok(transport) => transport,
        Err(err) => {
            tracing::error!(error = %err, "SMTP_URL: cannot set up the mail transport; no mail is sent");
            return;
        }
    };
    let woken = mail.woken();
    let mut last_purge: Option<Instant> = None;
    loop {
        let pass = match deliver_due(&db, mail, from, &transport, &prepare).await {
            Ok(pass) => pass,
            Err(err) => {
                tracing::warn!(error = %err, "the mail outbox could not be read; trying again shortly");
                Pass::default()
            }
        };
        if last_purge.is_none_or(|at| at.elapsed() > Duration::from_secs(3600)) {
            last_purge = Some(Instant::now());
            match outbox::purge_sent(&db, Utc::now() - KEEP_SENT).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "old sent mail deleted from the outbox"),
                Err(err) => tracing::warn!(error = %err, "old sent mail could not be deleted"),
            }
        }
        // The mail server cannot be reached: wait before trying it again, however much is
        // queued meanwhile (one attempt per wait, not one per queued mail).
        if pass.server_down {
            tokio::time::sleep(mail.timing.retry_base).await;
            continue;
        }
        // A full batch suggests more is due: go again without waiting.
        if pass.claimed as u64 == BATCH {
            continue;
        }
        tokio::select! {
            () = woken.notified() => {}
            () = tokio::time::sleep(mail.timing.poll) => {}
        }
    }
}

/// What one pass of the sender did.
#[derive(Debug, Default, Clone, Copy)]
struct Pass {
    /// How many rows it claimed.
    claimed: usize,
    /// Whether it stopped because the mail server could not be reached or refused for now.
    server_down: bool,
}

/// Claims one batch of due mail and sends it. A failure that is the mail server's (it cannot be
/// reached, or answers "try later") ends the pass: the rest of the batch goes back unattempted.
async fn deliver_due(
    db: &DatabaseConnection,
    mail: &MailSettings,
    from: &Mailbox,
    transport: &lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    prepare: &Prepare,
) -> Result<Pass, sea_orm::DbErr> {
    let timing = mail.timing;
    let give_up_after = chrono::Duration::from_std(timing.give_up_after).unwrap_or(chrono::Duration::days(1));
    let claimed = outbox::claim(db, Utc::now(), timing.lock, BATCH).await?;
    let ids: Vec<i64> = claimed.iter().map(|row| row.id).collect();
    let claimed = prepare(claimed).await?;
    let ready: HashSet<i64> = claimed.iter().map(|row| row.id).collect();
    let withheld: Vec<i64> = ids.into_iter().filter(|id| !ready.contains(id)).collect();
    if !withheld.is_empty() {
        metrics::counter!("mail_withheld_total").increment(withheld.len() as u64);
        tracing::info!(count = withheld.len(), "mail withheld: its recipient may no longer see the issue");
        outbox::withdraw(db, withheld).await?;
    }
    let mut pass = Pass { claimed: claimed.len(), server_down: false };
    let started = Instant::now();
    for (index, row) in claimed.iter().enumerate() {
        // Stop well before the claim lapses, so no other sender can take a row this one is
        // still sending; what is left goes back for the next claim.
        if started.elapsed() + smtp::SEND_TIMEOUT.min(timing.lock / 4) > timing.lock / 2 {
            outbox::release(db, claimed[index..].iter().map(|row| row.id).collect()).await?;
            break;
        }
        let sent = match smtp::message(from, row) {
            Ok(message) => transport.send(message).await.map(drop).map_err(|e| (e.to_string(), !e.is_permanent())),
            Err(err) => Err((err, false)),
        };
        let now = Utc::now();
        match sent {
            Ok(()) => {
                outbox::mark_sent(db, row.id, now).await?;
                metrics::counter!("mail_sent_total").increment(1);
                tracing::info!(outbox_id = row.id, purpose = %row.purpose, "mail sent");
            }
            Err((error, server_down)) => {
                let give_up = now - row.created_at >= give_up_after;
                let retry_at = now + chrono::Duration::from_std(backoff(timing.retry_base, timing.retry_cap, row.attempts)).unwrap_or_default();
                outbox::mark_attempt_failed(db, row, &error, retry_at, give_up).await?;
                metrics::counter!("mail_send_errors_total").increment(1);
                if give_up {
                    metrics::counter!("mail_failed_total").increment(1);
                    tracing::error!(outbox_id = row.id, attempts = row.attempts + 1, %error, "mail given up after a day of retries");
                } else {
                    tracing::warn!(outbox_id = row.id, attempts = row.attempts + 1, %error, "mail not sent; it will be retried");
                }
                if server_down {
                    // The rest wait for the server; any a day old are given up like the one tried.
                    let rest = &claimed[index + 1..];
                    for old in rest.iter().filter(|old| now - old.created_at >= give_up_after) {
                        outbox::mark_attempt_failed(db, old, &error, retry_at, true).await?;
                        metrics::counter!("mail_failed_total").increment(1);
                        tracing::error!(outbox_id = old.id, %error, "mail given up after a day of retries");
                    }
                    outbox::release(db, rest.iter().filter(|row| now - row.created_at < give_up_after).map(|row| row.id).collect()).await?;
                    pass.server_down = true;
                    break;
                }
            }
        }
    }
    Ok(pass)
}

/// The wait before the next attempt after `attempts` earlier failures: `base`, doubling each
/// time, never more than `cap`.
fn backoff(base: Duration, cap: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts).unwrap_or(0).min(20);
    base.saturating_mul(1 << doublings).min(cap)
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_the_cap() {
        let (base, cap) = (Duration::from_secs(30), Duration::from_secs(3600));
        let waits: Vec<u64> = (0..9).map(|n| backoff(base, cap, n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
