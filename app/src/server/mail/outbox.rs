//! The outbox table's states: claiming due rows for one sender, recording how an attempt went,
//! and counting what waits or failed.
use crate::{domain::MailStatus, server::entities::mail_outbox};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType},
};
use std::time::Duration;

/// The longest error kept on a row (the column's size).
const LAST_ERROR_MAX_CHARS: usize = 500;

/// Claims up to `limit` due rows until `now + lock`: queued, due, and not claimed by a sender
/// whose claim still runs. One statement claims: on PostgreSQL its `FOR UPDATE SKIP LOCKED` makes
/// instances that claim at the same moment take different rows; SQLite runs one writer at a time.
/// It returns only their ids, and a second reads the rows: SQLite's `UPDATE … RETURNING` through
/// sqlx at times gave a column added by a later migration (`notice`) as NULL.
pub(super) async fn claim(db: &impl ConnectionTrait, now: DateTime<Utc>, lock: Duration, limit: u64) -> Result<Vec<mail_outbox::Model>, DbErr> {
    let mut due = mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Id)
        .filter(mail_outbox::Column::Status.eq(MailStatus::Queued))
        .filter(mail_outbox::Column::NextAttemptAt.lte(now))
        .filter(mail_outbox::Column::LockedUntil.is_null().or(mail_outbox::Column::LockedUntil.lt(now)))
        .order_by_asc(mail_outbox::Column::NextAttemptAt)
        .order_by_asc(mail_outbox::Column::Id)
        .limit(limit)
        .into_query();
    due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    let until = now + chrono::Duration::from_std(lock).unwrap_or(chrono::Duration::minutes(10));
    let mut claim = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(until))
        .filter(mail_outbox::Column::Id.in_subquery(due))
        .into_query();
    claim.returning_col(mail_outbox::Column::Id);
    let ids: Vec<i64> = db.query_all(&claim).await?.iter().map(|row| row.try_get("", "id")).collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = mail_outbox::Entity::find().filter(mail_outbox::Column::Id.is_in(ids)).all(db).await?;
    rows.sort_by_key(|row| (row.next_attempt_at, row.id));
    Ok(rows)
}

/// Records that `id` was handed to the mail server.
pub(super) async fn mark_sent(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(MailStatus::Sent))
        .col_expr(mail_outbox::Column::SentAt, Expr::value(now))
        .col_expr(mail_outbox::Column::Attempts, Expr::col(mail_outbox::Column::Attempts).add(1))
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(mail_outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt on `row`: tried again at `retry_at`, or marked failed when `give_up`.
/// Returns whether it was given up.
pub(super) async fn mark_attempt_failed(db: &impl ConnectionTrait, row: &mail_outbox::Model, error: &str, retry_at: DateTime<Utc>, give_up: bool) -> Result<(), DbErr> {
    let error: String = error.chars().take(LAST_ERROR_MAX_CHARS).collect();
    let status = if give_up { MailStatus::Failed } else { MailStatus::Queued };
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(status))
        .col_expr(mail_outbox::Column::Attempts, Expr::value(row.attempts + 1))
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(retry_at))
        .col_expr(mail_outbox::Column::LastError, Expr::value(error))
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(mail_outbox::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives claimed rows back unsent, for the next sender to take at once.
pub(super) async fn release(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(mail_outbox::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes claimed mail that must not be sent any more; the notification behind it stays in the
/// recipient's inbox, which checks again when it is shown.
pub(super) async fn withdraw(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<(), DbErr> {
    mail_outbox::Entity::delete_many().filter(mail_outbox::Column::Id.is_in(ids)).exec(db).await?;
    Ok(())
}

/// Deletes sent mail older than `keep`: its job is done, and the table stays small.
pub(super) async fn purge_sent(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::Status.eq(MailStatus::Sent))
        .filter(mail_outbox::Column::SentAt.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// How many mails wait to be sent and how many were given up, read from the table so the
/// numbers hold across restarts and instances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: u64,
    pub failed: u64,
}

/// The outbox's current [`OutboxCounts`].
pub async fn counts(db: &impl ConnectionTrait) -> Result<OutboxCounts, DbErr> {
    let count = |status: MailStatus| mail_outbox::Entity::find().filter(mail_outbox::Column::Status.eq(status)).count(db);
    Ok(OutboxCounts { queued: count(MailStatus::Queued).await?, failed: count(MailStatus::Failed).await? })
}

