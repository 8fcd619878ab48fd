//! Reading the audit log and checking its hash chain, for admins. Entries are written through
//! [`crate::audit_log::append`], below every feature.
use super::model::{AuditEntry, AuditFilter, AuditPage, ChainReport};
use crate::{
    audit_log::{GENESIS, entry_hash},
    auth::model::CurrentUser,
    error::AppError,
    server::entities::{audit_head, audit_log},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait, LikeExpr},
};

// The log is the admins' alone.
use crate::access::require_admin_audited;

impl From<audit_log::Model> for AuditEntry {
    fn from(e: audit_log::Model) -> Self {
        AuditEntry { seq: e.seq, at: e.at, actor_email: e.actor_email, action: e.action, target: e.target, details: e.details, ip: e.ip, hash: e.hash }
    }
}

fn day_start(date: chrono::NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
}

fn filtered(filter: &AuditFilter) -> sea_orm::Select<audit_log::Entity> {
    let mut query = audit_log::Entity::find();
    // Cleaned here, whichever way the filter arrived (a server function's form or an export's URL).
    if let Some(actor) = filter.actor.as_deref().map(crate::text::cleaned).filter(|a| !a.is_empty()) {
        let escaped = actor.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        query = query.filter(Expr::col(audit_log::Column::ActorEmail).like(LikeExpr::new(format!("%{escaped}%")).escape('\\')));
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::Column::At.gte(day_start(from)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        query = query.filter(audit_log::Column::At.lt(day_start(to)));
    }
    query
}

/// How many entries a page shows.
pub const AUDIT_PAGE_SIZE: u64 = 100;

/// A page of entries matching `filter`, newest first (admins only).
pub async fn list(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, filter: &AuditFilter) -> Result<AuditPage, AppError> {
    require_admin_audited(db, actor, "read the audit log").await?;
    let mut query = filtered(filter);
    if let Some(before) = filter.before {
        query = query.filter(audit_log::Column::Seq.lt(before));
    }
    let mut rows = query.order_by_desc(audit_log::Column::Seq).limit(AUDIT_PAGE_SIZE + 1).all(db).await?;
    let more = rows.len() as u64 > AUDIT_PAGE_SIZE;
    rows.truncate(AUDIT_PAGE_SIZE as usize);
    let next_before = if more { rows.last().map(|r| r.seq) } else { None };
    Ok(AuditPage { entries: rows.into_iter().map(AuditEntry::from).collect(), next_before })
}

/// The most entries one export carries.
pub const EXPORT_MAX: u64 = 100_000;

/// Every entry matching `filter` (up to [`EXPORT_MAX`]), oldest first, for export (admins only).
pub async fn export(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    require_admin_audited(db, actor, "export the audit log").await?;
    let rows = filtered(filter).order_by_asc(audit_log::Column::Seq).limit(EXPORT_MAX).all(db).await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// Walks the whole chain: each entry's hash must match its fields and link to the one before,
/// with no number missing. Reports the first entry where that fails.
pub async fn verify(db: &impl ConnectionTrait) -> Result<ChainReport, AppError> {
    const BATCH: u64 = 1000;
    let (mut expected_prev, mut expected_seq, mut checked) = (GENESIS.to_owned(), 1i64, 0u64);
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(BATCH)
            .all(db)
            .await?;
        let done = (rows.len() as u64) < BATCH;
        for row in rows {
            let broken = if row.seq != expected_seq {
                Some(format!("entry {expected_seq} is missing"))
            } else if row.prev_hash != expected_prev {
                Some("it does not link to the entry before it".to_owned())
            } else if entry_hash(&row) != row.hash {
                Some("its contents do not match its hash".to_owned())
            } else {
                None
            };
            if let Some(reason) = broken {
                return Ok(ChainReport { entries: checked, first_broken: Some((Ord::min(expected_seq, row.seq), reason)) });
            }
            checked += 1;
            expected_seq += 1;
            expected_prev = row.hash;
        }
        if done {
            break;
        }
    }
    // Entries removed from the end show as a head that runs ahead of the log.
    let head = audit_head::Entity::find_by_id(1).one(db).await?;
    if let Some(head) = head.filter(|h| h.seq != expected_seq - 1 || h.hash != expected_prev) {
        return Ok(ChainReport { entries: checked, first_broken: Some((Ord::min(head.seq, expected_seq), "the newest entries are missing".to_owned())) });
    }
    Ok(ChainReport { entries: checked, first_broken: None })
}

/// [`verify`] for the admin page (admins only).
pub async fn verify_as(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser) -> Result<ChainReport, AppError> {
    require_admin_audited(db, actor, "verify the audit log").await?;
    verify(db).await
}
