//! Appending to the hash chain. Appends happen inside the caller's transaction, so an event
//! and its entry land together.
use super::action::AuditAction;
use crate::{
    error::AppError,
    server::entities::{audit_head, audit_log},
};
use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use sha2::{Digest, Sha256};

/// The hash the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did it: a signed-in user, or nobody known (a failed sign-in, the command line).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: Option<i64>,
    pub email: Option<String>,
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event {
    pub actor: Actor,
    pub action: AuditAction,
    pub target: Option<String>,
    pub details: serde_json::Value,
    pub ip: Option<String>,
}

impl Event {
    /// An event by `actor` with no target, details or address yet.
    pub fn new(actor: impl Into<Actor>, action: AuditAction) -> Event {
        Event { actor: actor.into(), action, target: None, details: serde_json::json!({}), ip: None }
    }

    pub fn target(mut self, target: impl Into<String>) -> Event {
        self.target = Some(target.into());
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Event {
        self.details = details;
        self
    }

    pub fn ip(mut self, ip: Option<String>) -> Event {
        self.ip = ip;
        self
    }
}

/// The hash of an entry: SHA-256 over its fields (as one JSON array, so no two entries
/// serialise alike) and the previous entry's hash.
pub fn entry_hash(entry: &audit_log::Model) -> String {
    let fields = serde_json::json!([
        entry.seq,
        entry.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        entry.actor_id,
        entry.actor_email,
        entry.action,
        entry.target,
        entry.details,
        entry.ip,
        entry.prev_hash,
    ]);
    hex::encode(Sha256::digest(fields.to_string().as_bytes()))
}

/// Appends `event` to the chain, inside `db`'s transaction when it is one (as a savepoint).
pub async fn append(db: &(impl ConnectionTrait + TransactionTrait), event: Event) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    // Claiming the next number first holds the head until commit, so appends never fork the chain.
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq).add(1))
        .filter(audit_head::Column::Id.eq(1))
        .exec(&txn)
        .await?;
    let head = audit_head::Entity::find_by_id(1).one(&txn).await?.ok_or_else(|| AppError::from(sea_orm::DbErr::RecordNotFound("audit head".into())))?;
    let mut entry = audit_log::Model {
        seq: head.seq,
        // Microseconds: what both databases store, so the hash can be checked after a round trip.
        at: Utc::now().trunc_subsecs(6),
        actor_id: event.actor.id,
        actor_email: event.actor.email,
        action: event.action.as_str().to_owned(),
        target: event.target,
        details: event.details.to_string(),
        ip: event.ip,
        prev_hash: head.hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    let hash = entry.hash.clone();
    audit_log::ActiveModel::from(entry).insert(&txn).await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Hash, Expr::value(hash))
        .filter(audit_head::Column::Id.eq(1))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
