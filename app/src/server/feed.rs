//! What the sockets of this process send: the hub's notices, each issue notice with the row as
//! the list shows it, read and serialized once here however many sockets send it. A page that
//! shows the row patches it in place instead of reloading its list; a socket only sends it to
//! someone allowed to see the issue (the socket decides, as before).
use super::events::{Events, Notice};
use crate::live::{IssueChange, LiveMessage};
use axum::extract::ws::Utf8Bytes;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::broadcast::{self, error::RecvError};

/// How many prepared notices a slow socket may fall behind before it is told to resync.
const BUFFER: usize = 1024;

/// A notice, ready to send.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub notice: Notice,
    /// For an issue notice (and only for one): the whole message, with the row when the issue
    /// is live.
    pub issue_message: Option<Utf8Bytes>,
}

/// The prepared notices of this process.
#[derive(Clone)]
pub struct Feed {
    sender: broadcast::Sender<Arc<Prepared>>,
}

impl Feed {
    /// Starts the task that prepares each of `events`' notices (reading rows from `db`); it ends
    /// when the hub does.
    pub fn start(db: DatabaseConnection, events: &Events) -> Feed {
        let sender = broadcast::channel(BUFFER).0;
        let feed = Feed { sender: sender.clone() };
        let mut notices = events.subscribe();
        // Weak: once the state holding the feed is gone, nothing is prepared any more.
        let sender = sender.downgrade();
        tokio::spawn(async move {
            loop {
                let notice = match notices.recv().await {
                    Ok(notice) => notice,
                    // This task fell behind the hub: the sockets cannot know what they missed.
                    Err(RecvError::Lagged(_)) => Notice::Resync,
                    Err(RecvError::Closed) => return,
                };
                let Some(sender) = sender.upgrade() else { return };
                // With nobody listening, no row is read.
                if sender.receiver_count() == 0 {
                    continue;
                }
                let prepared = prepare(&db, notice).await;
                let _ = sender.send(Arc::new(prepared));
            }
        });
        feed
    }

    /// A receiver of every prepared notice from now on; it lags (and must resync) if it falls behind.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Prepared>> {
        self.sender.subscribe()
    }
}

async fn prepare(db: &DatabaseConnection, notice: Notice) -> Prepared {
    let issue_message = match notice {
        Notice::Issue { issue_id, version, change, before, .. } => {
            let row = match change {
                IssueChange::Deleted => None,
                _ => match crate::issues::service::row(db, issue_id).await {
                    Ok(row) => row,
                    Err(err) => {
                        // The notice still goes out: pages reload for it as they would without a row.
                        tracing::warn!(error = %err, issue_id, "reading the row for a live notice");
                        None
                    }
                },
            };
            let message = LiveMessage::Issue { issue_id, version, change, row: row.map(Box::new), before };
            Some(serde_json::to_string(&message).expect("a live message serialises").into())
        }
        _ => None,
    };
    Prepared { notice, issue_message }
}
