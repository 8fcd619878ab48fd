//! The event hub: small notices (ids and a version, never content) that something changed,
//! fanned out to every open socket. With PostgreSQL the notices travel through LISTEN/NOTIFY,
//! so every server instance sharing the database delivers every notice; with SQLite (one
//! instance) they stay in the process.
use crate::live::IssueChange;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The PostgreSQL channel notices travel on.
const CHANNEL: &str = "tracker_events";

/// The most people one inbox notice names, so a notice stays far below PostgreSQL's 8000-byte
/// payload limit however many watch an issue.
pub const INBOX_CHUNK: usize = 500;

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
    },
    /// An account's role, status or sessions changed: its sockets check themselves again.
    Account { user_id: i64 },
    /// These people's inboxes changed (at most [`INBOX_CHUNK`] a notice).
    Inbox { user_ids: Vec<i64> },
    /// Many things changed at once (a tag renamed), or notices may have been lost: every
    /// client reloads what it shows.
    Resync,
}

/// The hub: publish from anywhere, subscribe per socket.
#[derive(Clone)]
pub struct Events {
    local: broadcast::Sender<Notice>,
    /// Set on PostgreSQL: notices go through the database to every instance.
    postgres: Option<DatabaseConnection>,
}

impl Events {
    /// A hub for one process (SQLite).
    pub fn in_process() -> Events {
        Events { local: broadcast::channel(BUFFER).0, postgres: None }
    }

    /// A hub across instances on `db` (reached at `url`): a background task LISTENs on a
    /// connection of its own, outside the pool, and hands each notice to this process's
    /// sockets; it reconnects by itself if the connection drops.
    pub async fn on_postgres(db: &DatabaseConnection, url: &str) -> Result<Events, sqlx::Error> {
        let events = Events { local: broadcast::channel(BUFFER).0, postgres: Some(db.clone()) };
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        // Weak: once every handle on the hub is gone (the server stopped), the listener stops too.
        let local = events.local.downgrade();
        tokio::spawn(async move {
            loop {
                let received = listener.try_recv().await;
                let Some(local) = local.upgrade() else { return };
                match received {
                    Ok(Some(notification)) => match serde_json::from_str::<Notice>(notification.payload()) {
                        Ok(notice) => {
                            let _ = local.send(notice);
                        }
                        Err(err) => tracing::warn!(error = %err, "unreadable event notice"),
                    },
                    // The connection dropped and was re-established: notices may have been
                    // missed, so every socket is told to resync.
                    Ok(None) => {
                        tracing::warn!("event listener reconnected");
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

    /// Sends `notices` like [`Events::publish`], in order; on PostgreSQL in one statement.
    pub fn publish_all(&self, notices: Vec<Notice>) {
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

    /// How many sockets listen in this process.
    pub fn listeners(&self) -> usize {
        self.local.receiver_count()
    }
}
