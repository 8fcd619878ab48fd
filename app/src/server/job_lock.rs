//! One run at a time of a background job: a mutex shared by every caller in this process, and,
//! on PostgreSQL, an advisory lock that every instance sharing the database sees.
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Held in the app's state, so a request, the schedule and the command line of one process
/// take the same lock.
#[derive(Clone, Default)]
pub struct JobLock(Arc<Mutex<()>>);

/// This process's turn to run the job; the next caller may go once it is dropped.
#[must_use = "the turn ends when this is dropped"]
pub struct Turn(#[allow(dead_code)] OwnedMutexGuard<()>);

impl JobLock {
    /// This process's turn, or `None` while a run here is under way. Never waits.
    pub fn try_take(&self) -> Option<Turn> {
        self.0.clone().try_lock_owned().ok().map(Turn)
    }

    /// Takes the advisory lock `key` for the rest of the transaction `txn`, without waiting:
    /// `false` while another instance holds it. SQLite has no such lock and answers `true`;
    /// there a write transaction already waits for the one before it.
    pub async fn try_take_across_instances(txn: &impl ConnectionTrait, key: i64) -> Result<bool, DbErr> {
        if txn.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(true);
        }
        let sql = "SELECT pg_try_advisory_xact_lock($1) AS locked";
        let row = txn.query_one_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [key.into()])).await?;
        Ok(row.map(|r| r.try_get::<bool>("", "locked")).transpose()?.unwrap_or(false))
    }
}
