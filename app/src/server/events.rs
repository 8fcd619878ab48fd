//! The event hub: small notices (ids and a version, never content) that something changed,
//! fanned out to every open socket. With PostgreSQL the notices travel through LISTEN/NOTIFY,
//! so every server instance sharing the database delivers every notice; with SQLite (one
//! instance) they stay in the process.
use crate::live::IssueChange;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// The PostgreSQL channel notices travel on.
const CHANNEL: &str = "tracker_events";

/// The most people one inbox notice names, so a notice stays far below PostgreSQL's 8000-byte
/// payload limit however many watch an issue.
pub const INBOX_CHUNK: usize = 500;

/// The most issues one [`Notice::Issues`] names, for the same reason.
pub const ISSUES_CHUNK: usize = 100;

/// How many notices a slow socket may fall behind before it is told to resync.
const BUFFER: usize = 1024;

/// Something changed. Sockets decide from these fields alone whom to tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Notice {
    /// An issue, or something on it (a comment, an attachment), changed.
    Issue {
        issue_id: i64,
        /// Whose issue it is: reporters hear only about their own.
        reporter_id: i64,
        version: i64,
        change: IssueChange,
        /// For an update: what the issue was before it (lists filter by these fields).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<crate::live::Listed>,
    },
    /// Several issues changed the same way in one operation (at most [`ISSUES_CHUNK`] a notice).
    Issues { change: IssueChange, issues: Vec<IssueRef> },
    /// An account's role, status or sessions changed: its sockets check themselves again.
    Account { user_id: i64 },
    /// These people's inboxes changed (at most [`INBOX_CHUNK`] a notice).
    Inbox { user_ids: Vec<i64> },
    /// Many things changed at once (a tag renamed), or notices may have been lost: every
    /// client reloads what it shows.
    Resync,
}

/// One issue in a [`Notice::Issues`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRef {
    pub issue_id: i64,
    pub reporter_id: i64,
    pub version: i64,
}

/// The hub: publish from anywhere, subscribe per socket.
#[derive(Clone)]
pub struct Events {
    local: broadcast::Sender<Notice>,
    /// Set on PostgreSQL: notices go through the database to every instance.
    postgres: Option<DatabaseConnection>,
    /// Set on a hub from [`Events::holding`]: notices wait here for [`Events::release`].
    held: Option<Arc<Mutex<Vec<Notice>>>>,
    /// How a change's notification mail is queued, in the change's own transaction (email off
    /// unless [`Events::with_mail`] says otherwise).
    mail: Arc<super::mail::MailSettings>,
    /// Filings on SQLite wait here for their turn to write (see [`Events::write`]).
    turn: Arc<tokio::sync::Mutex<()>>,
    /// On a SQLite file, the writer the busiest writes go through (see [`Events::write`]).
    writer: Option<super::writer::Writer>,
    /// Moves with every change announced here or heard from another instance.
    generation: Arc<std::sync::atomic::AtomicU64>,
}

impl Events {
    /// A hub for one process (SQLite).
    pub fn in_process() -> Events {
        Events { local: broadcast::channel(BUFFER).0, postgres: None, held: None, mail: Arc::default(), turn: Arc::default(), writer: None, generation: Arc::default() }
    }

    /// A hub across instances on `db` (reached at `url`): a background task LISTENs on a
    /// connection of its own, outside the pool, and hands each notice to this process's
    /// sockets; it reconnects by itself if the connection drops.
    pub async fn on_postgres(db: &DatabaseConnection, url: &str) -> Result<Events, sqlx::Error> {
        let events = Events { local: broadcast::channel(BUFFER).0, postgres: Some(db.clone()), held: None, mail: Arc::default(), turn: Arc::default(), writer: None, generation: Arc::default() };
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        // Weak: once every handle on the hub is gone (the server stopped), the listener stops too.
        let local = events.local.downgrade();
        let generation = events.generation.clone();
        tokio::spawn(async move {
            loop {
                let received = listener.try_recv().await;
                let Some(local) = local.upgrade() else { return };
                match received {
                    Ok(Some(notification)) => match serde_json::from_str::<Notice>(notification.payload()) {
                        Ok(notice) => {
                            generation.fetch_add(1, std::sync::atomic::Ordering::Release);
                            let _ = local.send(notice);
                        }
                        Err(err) => tracing::warn!(error = %err, "unreadable event notice"),
                    },
                    // The connection dropped and was re-established: notices may have been
                    // missed, so every socket is told to resync.
                    Ok(None) => {
                        tracing::warn!("event listener reconnected");
                        generation.fetch_add(1, std::sync::atomic::Ordering::Release);
                        let _ = local.send(Notice::Resync);
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "event listener failed; retrying");
                        drop(local);
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(events)
    }

    /// The hub that fits `db`, which `url` points at.
    pub async fn for_database(db: &DatabaseConnection, url: &str) -> Result<Events, sqlx::Error> {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => Events::on_postgres(db, url).await,
            _ => Ok(Events::in_process()),
        }
    }

    /// Sends a notice, after the change it reports has committed. It never blocks and never
    /// fails the caller: a notice that cannot be sent is logged, and sockets resync on reconnect.
    pub fn publish(&self, notice: Notice) {
        self.publish_all(vec![notice]);
    }

    /// This hub, with the mail settings writers queue notification mail with.
    pub fn with_mail(self, mail: Arc<super::mail::MailSettings>) -> Events {
        Events { mail, ..self }
    }

    /// The mail settings writers queue notification mail with.
    pub fn mail(&self) -> &super::mail::MailSettings {
        &self.mail
    }

    /// This hub, with `writer`, the connection of its own on a SQLite file (see
    /// [`super::db::connect_writer`]) that [`Events::write`] writes through.
    pub fn with_writer(self, writer: Option<DatabaseConnection>) -> Events {
        Events { writer: writer.map(super::writer::Writer::start), ..self }
    }

    /// Runs `work` in a transaction on `db`, in this server's turn, and answers once it has
    /// committed. On a SQLite file with a writer (see [`super::writer`]) the work goes to the
    /// writer, which runs the writes waiting together, each in a savepoint, under one commit.
    /// Otherwise on SQLite, writes take their turn in order here before SQLite's lock: where
    /// they met at the lock, its busy handler put a waiting writer to sleep for 1 to 100 ms at a
    /// time, so the lock sat idle between a commit and the next waiter's wake-up (S3's p99 fell
    /// from 84 to 19 ms). PostgreSQL has no such lock.
    pub async fn write<T: Send + 'static>(&self, db: &DatabaseConnection, work: super::writer::Work<T>) -> Result<T, crate::error::AppError> {
        let backend = db.get_database_backend();
        if let (DatabaseBackend::Sqlite, Some(writer)) = (backend, &self.writer) {
            return writer.write(work).await;
        }
        let turn = match backend {
            DatabaseBackend::Sqlite => Some(self.turn.clone().lock_owned().await),
            _ => None,
        };
        let txn = super::db::begin_write(db).await?;
        let value = work(&txn).await?;
        txn.commit().await?;
        drop(turn);
        Ok(value)
    }

    /// A hub that keeps what is published on it until [`Events::release`]: for an operation on
    /// many issues, whose notices go out together, folded into few.
    pub fn holding(&self) -> Events {
        Events { held: Some(Arc::default()), ..self.clone() }
    }

    /// Sends what this holding hub kept, folded by [`coalesced`].
    pub fn release(self) {
        let Some(held) = self.held else { return };
        let notices = std::mem::take(&mut *held.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        Events { held: None, ..self }.publish_all(coalesced(notices));
    }

    /// Sends `notices` like [`Events::publish`], in order; on PostgreSQL in one statement.
    pub fn publish_all(&self, notices: Vec<Notice>) {
        if let Some(held) = &self.held {
            held.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend(notices);
            return;
        }
        // Before anyone hears it: a list read after this is read again, not shared.
        self.generation.fetch_add(1, std::sync::atomic::Ordering::Release);
        match &self.postgres {
            None => {
                for notice in notices {
                    // No subscriber is not an error.
                    let _ = self.local.send(notice);
                }
            }
            Some(_) if notices.is_empty() => {}
            Some(db) => {
                let db = db.clone();
                tokio::spawn(async move {
                    let calls: Vec<String> = (0..notices.len()).map(|n| format!("pg_notify($1, ${})", n + 2)).collect();
                    let mut values: Vec<sea_orm::Value> = vec![CHANNEL.into()];
                    values.extend(notices.iter().map(|notice| serde_json::to_string(notice).expect("a notice serialises").into()));
                    let statement = Statement::from_sql_and_values(DatabaseBackend::Postgres, format!("SELECT {}", calls.join(", ")), values);
                    if let Err(err) = db.execute_raw(statement).await {
                        tracing::warn!(error = %err, "publishing an event notice");
                    }
                });
            }
        }
    }

    /// A receiver of every notice from now on; it lags (and must resync) if it falls behind.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.local.subscribe()
    }

    /// A number that moves whenever a change is announced, here or (on PostgreSQL) by another
    /// instance: what was read at one generation may be shared while it stands.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// How many sockets listen in this process.
    pub fn listeners(&self) -> usize {
        self.local.receiver_count()
    }
}

/// Folds notices into as few as say the same: one issue notice per kind of change naming every
/// issue (its latest version), one inbox notice naming everyone, one resync. Order between the
/// folded notices does not matter to a client, which reloads what they name.
pub fn coalesced(notices: Vec<Notice>) -> Vec<Notice> {
    let mut issues: Vec<(IssueChange, Vec<IssueRef>)> = Vec::new();
    let mut inboxes: Vec<i64> = Vec::new();
    let mut others: Vec<Notice> = Vec::new();
    for notice in notices {
        let (change, more) = match notice {
            Notice::Issue {
                issue_id,
                reporter_id,
                version,
                change,
                ..
            } => (
                change,
                vec![IssueRef {
                    issue_id,
                    reporter_id,
                    version,
                }],
            ),
            Notice::Issues { change, issues } => (change, issues),
            Notice::Inbox { user_ids } => {
                inboxes.extend(
                    user_ids
                        .into_iter()
                        .filter(|id| !inboxes.contains(id))
                        .collect::<Vec<_>>(),
                );
                continue;
            }
            other => {
                if !others.contains(&other) {
                    others.push(other);
                }
                continue;
            }
        };
        let at = match issues.iter().position(|(kind, _)| *kind == change) {
            Some(at) => at,
            None => {
                issues.push((change, Vec::new()));
                issues.len() - 1
            }
        };
        for issue in more {
            match issues[at]
                .1
                .iter_mut()
                .find(|known| known.issue_id == issue.issue_id)
            {
                Some(known) => known.version = known.version.max(issue.version),
                None => issues[at].1.push(issue),
            }
        }
    }
    let mut folded = Vec::new();
    for (change, refs) in issues {
        folded.extend(refs.chunks(ISSUES_CHUNK).map(|chunk| Notice::Issues {
            change,
            issues: chunk.to_vec(),
        }));
    }
    folded.extend(inboxes.chunks(INBOX_CHUNK).map(|user_ids| Notice::Inbox {
        user_ids: user_ids.to_vec(),
    }));
    folded.extend(others);
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(issue_id: i64, version: i64) -> Notice {
        Notice::Issue {
            issue_id,
            reporter_id: 1,
            version,
            change: IssueChange::Updated,
            before: None,
        }
    }

    #[test]
    fn a_bulk_change_is_a_few_notices_naming_every_issue_once() {
        let mut notices: Vec<Notice> = (1..=250).map(|id| issue(id, 2)).collect();
        notices.push(issue(3, 3));
        notices.push(Notice::Inbox {
            user_ids: vec![5, 6],
        });
        notices.push(Notice::Inbox {
            user_ids: vec![6, 7],
        });
        notices.push(Notice::Issue {
            issue_id: 9,
            reporter_id: 2,
            version: 4,
            change: IssueChange::Deleted,
            before: None,
        });
        let folded = coalesced(notices);
        let sizes: Vec<usize> = folded
            .iter()
            .map(|n| {
                if let Notice::Issues { issues, .. } = n {
                    issues.len()
                } else {
                    0
                }
            })
            .collect();
        assert_eq!(sizes, [100, 100, 50, 1, 0], "{folded:?}");
        let Notice::Issues {
            change: IssueChange::Updated,
            issues,
        } = &folded[0]
        else {
            panic!("{:?}", folded[0])
        };
        assert_eq!(
            issues[2],
            IssueRef {
                issue_id: 3,
                reporter_id: 1,
                version: 3
            },
            "the latest version"
        );
        assert!(
            matches!(&folded[3], Notice::Issues { change: IssueChange::Deleted, issues } if issues[0].issue_id == 9)
        );
        assert_eq!(
            folded[4],
            Notice::Inbox {
                user_ids: vec![5, 6, 7]
            }
        );
        // Each fits PostgreSQL's NOTIFY payload.
        assert!(
            folded
                .iter()
                .all(|n| serde_json::to_string(n).unwrap().len() < 8000)
        );
    }

    #[tokio::test]
    async fn a_holding_hub_sends_nothing_until_released() {
        let events = Events::in_process();
        let mut heard = events.subscribe();
        let held = events.holding();
        held.publish(issue(1, 2));
        held.publish(issue(2, 2));
        assert!(heard.try_recv().is_err(), "held back");
        events.publish(Notice::Resync);
        assert_eq!(
            heard.try_recv().unwrap(),
            Notice::Resync,
            "the hub it came from is not held"
        );
        held.release();
        assert!(
            matches!(heard.try_recv().unwrap(), Notice::Issues { issues, .. } if issues.len() == 2)
        );
        assert!(heard.try_recv().is_err());
    }
}
