//! The rules and database access for saved views. Every account has the built-in views and its
//! own; shared views (made by maintainers and admins) are everyone's. A view is only a query:
//! opening one, or counting it, runs the list's query as the asker, so a shared view never shows
//! a reporter more than their own issues.
use super::model::{NAME_MAX_CHARS, SavedView};
use crate::{
    access::require_triager,
    audit_log::AuditAction,
    auth::model::CurrentUser,
    domain::Role,
    error::AppError,
    issues::model::IssueFilter,
    server::entities::{saved_views, users},
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr, TransactionSession,
    TransactionTrait,
};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

/// How long a view's count is served from memory: the sidebar asks again on every live change,
/// and the database is asked at most this often per person and query.
pub const COUNT_FRESH_FOR: Duration = Duration::from_secs(5);

/// Recent counts by (account, query).
#[derive(Clone, Default)]
pub struct CountCache(Arc<Mutex<HashMap<(i64, String), (Instant, u64)>>>);

impl CountCache {
    fn fresh(&self, key: &(i64, String)) -> Option<u64> {
        let counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        counts.get(key).filter(|(at, _)| at.elapsed() < COUNT_FRESH_FOR).map(|(_, n)| *n)
    }

    fn keep(&self, key: (i64, String), count: u64) {
        let mut counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Old entries go once there are many, so the map stays the size of the recent askers.
        if counts.len() > 10_000 {
            counts.retain(|_, (at, _)| at.elapsed() < COUNT_FRESH_FOR);
        }
        counts.insert(key, (Instant::now(), count));
    }
}

/// The most views one account keeps: each is counted on every list page.
pub const MOST_PER_ACCOUNT: u64 = 50;

/// The views every account has, as (name, query); `{handle}` is the asker's.
const BUILT_IN: &[(&str, &str)] = &[
    ("Assigned to me", "is:open assignee:me"),
    ("Reported by me", "reporter:{handle}"),
    ("Open critical and high", "is:open severity:>=high sort:severity"),
    ("Recently updated", "sort:updated"),
];

/// How many issues `query` holds for `actor`, from `cache` when counted a moment ago.
async fn count(db: &impl ConnectionTrait, cache: &CountCache, actor: &CurrentUser, query: &str) -> Result<u64, AppError> {
    let key = (actor.id, query.to_owned());
    if let Some(n) = cache.fresh(&key) {
        return Ok(n);
    }
    let filter = IssueFilter { q: Some(query.to_owned()), ..Default::default() };
    // A stored query the grammar no longer reads counts nothing rather than failing the list.
    let n = match crate::issues::list::count(db, actor, &filter).await {
        Ok(n) => n,
        Err(AppError::Validation(_)) => 0,
        Err(err) => return Err(err),
    };
    cache.keep(key, n);
    Ok(n)
}

/// The views `actor` has: the built-in ones, their own, and everyone's shared ones, each with
/// its count.
pub async fn list_views(db: &impl ConnectionTrait, cache: &CountCache, actor: &CurrentUser) -> Result<Vec<SavedView>, AppError> {
    let handle = users::Entity::find_by_id(actor.id).one(db).await?.map(|u| u.handle).ok_or(AppError::Unauthorized)?;
    let mut views: Vec<SavedView> = BUILT_IN
        .iter()
        .map(|(name, query)| SavedView {
            id: None,
            name: (*name).to_owned(),
            query: query.replace("{handle}", &handle),
            shared: false,
            by: None,
            deletable: false,
            count: 0,
        })
        .collect();
    let rows = saved_views::Entity::find()
        .filter(Condition::any().add(saved_views::Column::OwnerId.eq(actor.id)).add(saved_views::Column::Shared.eq(true)))
        .order_by_asc(saved_views::Column::NameKey)
        .order_by_asc(saved_views::Column::Id)
        .all(db)
        .await?;
    let owners: Vec<i64> = rows.iter().filter(|r| r.owner_id != actor.id).map(|r| r.owner_id).collect();
    let names = crate::people::service::by_ids(db, owners).await?;
    // Their own first, then the shared ones of others.
    let (own, others): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.owner_id == actor.id);
    for row in own.into_iter().chain(others) {
        views.push(SavedView {
            id: Some(row.id),
            by: (row.owner_id != actor.id).then(|| names.get(&row.owner_id).map(|p| p.display_name.clone()).unwrap_or_default()),
            deletable: row.owner_id == actor.id || actor.role == Role::Admin,
            name: row.name,
            query: row.query,
            shared: row.shared,
            count: 0,
        });
    }
    for view in &mut views {
        view.count = count(db, cache, actor, &view.query).await?;
    }
    Ok(views)
}

/// Saves `query` as a view named `name` for `actor`; `shared` (maintainers and admins only, 403
/// otherwise) offers it to everyone. The query must read (422 on `query`); a name the account
/// already uses, in any letter case, is 409.
pub async fn save_view(db: &(impl ConnectionTrait + TransactionTrait), cache: &CountCache, actor: &CurrentUser, name: &str, query: &str, shared: bool) -> Result<SavedView, AppError> {
    if shared {
        require_triager(actor)?;
    }
    // Counted as stored and as its key: normalizing and lower-casing can lengthen a text.
    let name = crate::text::stored(crate::text::trimmed(name));
    let name_error = if name.is_empty() {
        Some(AppError::field("name", "a name is required"))
    } else if name.chars().count().max(name.to_lowercase().chars().count()) > NAME_MAX_CHARS {
        Some(AppError::field("name", format!("use at most {NAME_MAX_CHARS} characters")))
    } else if name.chars().any(char::is_control) {
        Some(AppError::field("name", "control characters are not allowed"))
    } else {
        None
    };
    let has_control = query.chars().any(char::is_control);
    let query = crate::issues::model::clean_search(query);
    let query_error = match &query {
        _ if has_control => Some(AppError::field("query", "control characters are not allowed")),
        None => Some(AppError::field("query", "a view needs a query")),
        Some(q) => crate::issues::query::parse(q).err().map(|err| AppError::field("query", err.to_string())),
    };
    if name_error.is_some() || query_error.is_some() {
        return Err(AppError::merge_fields([name_error, query_error]));
    }
    let query = query.unwrap_or_default();
    let kept = saved_views::Entity::find().filter(saved_views::Column::OwnerId.eq(actor.id)).count(db).await?;
    if kept >= MOST_PER_ACCOUNT {
        return Err(AppError::field("name", format!("you have {MOST_PER_ACCOUNT} views, the most one account keeps; delete one first")));
    }
    let row = saved_views::ActiveModel {
        owner_id: Set(actor.id),
        name_key: Set(name.to_lowercase()),
        name: Set(name.clone()),
        query: Set(query.clone()),
        shared: Set(shared),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    // A shared view is configuration everyone sees: it is audited, in the same transaction.
    let txn = crate::server::db::begin_write(db).await?;
    let row = match row.insert(&txn).await {
        Ok(row) => row,
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AppError::Conflict(format!("you already have a view named \u{201c}{name}\u{201d}")));
        }
        Err(err) => return Err(err.into()),
    };
    if row.shared {
        audit(&txn, actor, AuditAction::SharedViewSaved, &row).await?;
    }
    txn.commit().await?;
    let count = count(db, cache, actor, &row.query).await?;
    Ok(SavedView { id: Some(row.id), name: row.name, query: row.query, shared: row.shared, by: None, deletable: true, count })
}

/// Deletes a view: its owner may, and admins may delete anyone's shared one. Anyone else's is
/// 404 (a private view's existence is nobody else's business).
pub async fn delete_view(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, view_id: i64) -> Result<(), AppError> {
    let row = saved_views::Entity::find_by_id(view_id).one(db).await?.ok_or(AppError::NotFound)?;
    let own = row.owner_id == actor.id;
    if !own && !row.shared {
        return Err(AppError::NotFound);
    }
    if !own && actor.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let txn = crate::server::db::begin_write(db).await?;
    saved_views::Entity::delete_by_id(view_id).exec(&txn).await?;
    if row.shared {
        audit(&txn, actor, AuditAction::SharedViewDeleted, &row).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn audit(txn: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, action: AuditAction, row: &saved_views::Model) -> Result<(), AppError> {
    let event = crate::audit_log::Event::new(actor, action)
        .target(format!("view {}", row.id))
        .details(serde_json::json!({ "name": row.name, "query": row.query, "owner_id": row.owner_id }));
    crate::audit_log::append(txn, event).await
}
