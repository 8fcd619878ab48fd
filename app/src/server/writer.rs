//! The writer of a SQLite file: one connection of its own, and a task that runs the writes sent
//! to it, several to a transaction.
//!
//! SQLite writes one transaction at a time, and each commit copies every page it changed into
//! the write-ahead log. Filings that arrive together change the same last pages of each table
//! and index, so one commit for all of them copies those pages once instead of once each. Each
//! write runs in a savepoint of its own: one that fails is undone alone and answered at once;
//! the others are answered once their common commit is done (or with its error). A write that
//! arrives while the writer is idle runs alone, at once: nothing waits for company.
//!
//! The connection is the only one that writes these, so its page cache stays warm between
//! writes (SQLite drops a connection's cache whenever another one has written).
use crate::error::AppError;
use futures::{FutureExt, future::BoxFuture};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use std::panic::AssertUnwindSafe;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

/// The most writes one transaction takes: enough to share the commit, few enough that the
/// first of them is not kept long.
const MOST_AT_ONCE: usize = 32;

/// What a write does once the transaction it ran in has committed (or failed to).
type Settle = Box<dyn FnOnce(Result<(), AppError>) + Send>;

/// What running a write leaves: its settlement once the commit is done (`None`: answered
/// already), or `Spoilt` when its failure could not be undone, so nothing in the transaction may
/// commit.
enum Ran {
    Settle(Option<Settle>),
    Spoilt,
}

/// A write sent to the writer: it runs in the transaction it is given (or is told why there is
/// none).
type Job = Box<dyn for<'t> FnOnce(Result<&'t DatabaseTransaction, AppError>) -> BoxFuture<'t, Ran> + Send>;

/// The work of one write, on the transaction (a savepoint of the shared one) it is given.
pub type Work<T> = Box<dyn for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, AppError>> + Send>;

/// A handle on the writer; cloned freely.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::UnboundedSender<Job>,
}

impl Writer {
    /// Starts the writer on `connection`, a pool of one on a SQLite file (see
    /// [`super::db::connect_writer`]). It stops once every handle on it is gone.
    pub fn start(connection: DatabaseConnection) -> Writer {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(connection, queue));
        Writer { jobs }
    }

    /// Runs `work` in the writer's next transaction and answers once that has committed.
    pub async fn write<T: Send + 'static>(&self, work: Work<T>) -> Result<T, AppError> {
        let (answer, answered) = oneshot::channel();
        // The write runs on the writer's task, still within the request: its log lines and any
        // error it reports carry the request's id and span.
        let request_id = super::request_id::REQUEST_ID.try_with(Clone::clone).ok();
        let span = tracing::Span::current();
        let job: Job = Box::new(move |txn| {
            let one = run_one(txn, work, answer).instrument(span);
            match request_id {
                Some(id) => Box::pin(super::request_id::REQUEST_ID.scope(id, one)),
                None => Box::pin(one),
            }
        });
        if self.jobs.send(job).is_err() {
            return Err(AppError::internal("the database writer", "it has stopped"));
        }
        answered.await.unwrap_or_else(|_| Err(AppError::internal("the database writer", "it stopped during a write")))
    }
}

/// Runs one write in a savepoint of `txn`: a failure is undone and answered at once; a success
/// waits, as the returned settlement, for the commit.
async fn run_one<T: Send + 'static>(txn: Result<&DatabaseTransaction, AppError>, work: Work<T>, answer: oneshot::Sender<Result<T, AppError>>) -> Ran {
    let refuse = |answer: oneshot::Sender<Result<T, AppError>>, err: AppError| {
        let _ = answer.send(Err(err));
        Ran::Settle(None)
    };
    let txn = match txn {
        Ok(txn) => txn,
        Err(err) => return refuse(answer, err),
    };
    let savepoint = match txn.begin().await {
        Ok(savepoint) => savepoint,
        Err(err) => return refuse(answer, err.into()),
    };
    // A write that panics is undone and answered like one that failed; the writer goes on.
    let done = AssertUnwindSafe(work(&savepoint)).catch_unwind().await.unwrap_or_else(|_| Err(AppError::internal("a write", "it panicked")));
    match done {
        Ok(value) => match savepoint.commit().await {
            Ok(()) => Ran::Settle(Some(Box::new(move |committed: Result<(), AppError>| {
                let _ = answer.send(committed.map(|()| value));
            }))),
            Err(err) => {
                refuse(answer, err.into());
                Ran::Spoilt
            }
        },
        Err(err) => match savepoint.rollback().await {
            Ok(()) => refuse(answer, err),
            Err(undo) => {
                refuse(answer, AppError::from(undo));
                Ran::Spoilt
            }
        },
    }
}

/// The writer's loop: it takes the writes waiting (at most [`MOST_AT_ONCE`]), runs them in one
/// transaction, commits and answers them.
async fn run(connection: DatabaseConnection, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut batch = Vec::with_capacity(MOST_AT_ONCE);
    while queue.recv_many(&mut batch, MOST_AT_ONCE).await > 0 {
        let txn = match super::db::begin_write(&connection).await {
            Ok(txn) => txn,
            Err(err) => {
                let err = AppError::from(err);
                for job in batch.drain(..) {
                    let _ = job(Err(err.clone())).await;
                }
                continue;
            }
        };
        let mut settles = Vec::with_capacity(batch.len());
        let mut spoilt = false;
        for job in batch.drain(..) {
            match job(Ok(&txn)).await {
                Ran::Settle(settle) => settles.extend(settle),
                // A write whose failure could not be undone: nothing of this transaction lands,
                // and every write in it hears so.
                Ran::Spoilt => spoilt = true,
            }
        }
        let committed = if spoilt {
            let _ = txn.rollback().await;
            Err(AppError::internal("a batch of writes", "a failed write in it could not be undone"))
        } else {
            txn.commit().await.map_err(|err: DbErr| AppError::from(err))
        };
        for settle in settles {
            settle(committed.clone());
        }
    }
}
