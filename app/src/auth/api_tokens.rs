//! Personal API tokens: long-lived, named, revocable by their owner, stored as SHA-256 only.
use super::model::{API_TOKEN_LIFETIMES, ApiTokenInfo, Credential, CurrentUser, NewApiToken};
use crate::{
    audit_log::{AuditAction, Event, append},
    error::AppError,
    server::entities::{api_tokens, users},
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait,
};
use sha2::{Digest, Sha256};

/// What every secret starts with, so it is recognised (and never taken for a session token).
pub const PREFIX: &str = "trk_";
/// The longest name, in characters.
pub const NAME_MAX_CHARS: usize = 64;
/// How many live tokens one account may hold.
pub const MAX_PER_USER: u64 = 20;
/// How often the last-used time is written, at most.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// The SHA-256 of a secret, as stored; the secret itself is never kept.
pub(super) fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl From<api_tokens::Model> for ApiTokenInfo {
    fn from(t: api_tokens::Model) -> Self {
        ApiTokenInfo { id: t.id, name: t.name, created_at: t.created_at, last_used_at: t.last_used_at, expires_at: t.expires_at }
    }
}

fn live() -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(api_tokens::Column::RevokedAt.is_null())
        .add(sea_orm::Condition::any().add(api_tokens::Column::ExpiresAt.is_null()).add(api_tokens::Column::ExpiresAt.gt(Utc::now())))
}

/// Makes a token named `name` for `actor`, living `days` days (30, 90 or 365) or, with `None`, until
/// revoked. The secret is in the answer and nowhere else.
pub async fn create(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, name: &str, days: Option<u32>) -> Result<NewApiToken, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(AppError::field("name", format!("name the token (1 to {NAME_MAX_CHARS} characters), e.g. after the script that uses it")));
    }
    if !API_TOKEN_LIFETIMES.contains(&days) {
        return Err(AppError::field("expires_in_days", "choose 30, 90 or 365 days, or no expiry"));
    }
    let txn = crate::server::db::begin_write(db).await?;
    let held = api_tokens::Entity::find().filter(api_tokens::Column::UserId.eq(actor.id)).filter(live()).count(&txn).await?;
    if held >= MAX_PER_USER {
        return Err(AppError::Conflict(format!("you hold {MAX_PER_USER} live tokens; revoke one first")));
    }
    let secret = format!("{PREFIX}{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let now = Utc::now();
    let row = api_tokens::ActiveModel {
        user_id: Set(actor.id),
        name: Set(name.to_owned()),
        token_hash: Set(hash(&secret)),
        created_at: Set(now),
        last_used_at: Set(None),
        expires_at: Set(days.map(|d| now + Duration::days(i64::from(d)))),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    append(&txn, Event::new(actor, AuditAction::ApiTokenCreated).details(serde_json::json!({ "token_id": row.id, "name": row.name }))).await?;
    txn.commit().await?;
    Ok(NewApiToken { token: row.into(), secret })
}

/// The actor's live tokens, newest first.
pub async fn list(db: &impl ConnectionTrait, actor: &CurrentUser) -> Result<Vec<ApiTokenInfo>, AppError> {
    let rows = api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(actor.id))
        .filter(live())
        .order_by_desc(api_tokens::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(ApiTokenInfo::from).collect())
}

/// Revokes one of the actor's tokens; anyone else's is a 404. It stops working at once.
pub async fn revoke(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, token_id: i64) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let token = api_tokens::Entity::find_by_id(token_id)
        .filter(api_tokens::Column::UserId.eq(actor.id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut active = token.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    let token = active.update(&txn).await?;
    append(&txn, Event::new(actor, AuditAction::ApiTokenRevoked).details(serde_json::json!({ "token_id": token.id, "name": token.name }))).await?;
    txn.commit().await?;
    Ok(())
}

/// The user behind a token's secret, if the token is live and the account active.
pub async fn authenticate(db: &impl ConnectionTrait, secret: &str) -> Result<CurrentUser, AppError> {
    let (token, user) = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(hash(secret)))
        .filter(live())
        .find_also_related(users::Entity)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let user = user.filter(|u| u.deactivated_at.is_none()).ok_or(AppError::Unauthorized)?;
    let now = Utc::now();
    if token.last_used_at.is_none_or(|at| now - at > TOUCH_EVERY) {
        api_tokens::Entity::update_many()
            .col_expr(api_tokens::Column::LastUsedAt, sea_orm::sea_query::Expr::value(now))
            .filter(api_tokens::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok(CurrentUser { id: user.id, email: user.email, role: user.role, credential: Credential::ApiToken(token.id) })
}
