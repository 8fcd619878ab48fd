//! Sessions: opening one on sign-in, recognising the token a request carries, listing and
//! ending them, and purging the dead.
use super::headers::ClientInfo;
use crate::{
    audit_log::{AuditAction, Event, append},
    auth::{
        api_tokens,
        model::{Credential, CurrentUser, SessionInfo},
    },
    error::AppError,
    server::{
        AppState,
        entities::{sessions, users},
        events::Notice,
        tokens,
    },
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// A session lapses after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::days(14);
/// A token, and so a session, never outlives this.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(30);
/// Activity within this interval does not rewrite the session row.
const RENEW_AFTER: Duration = Duration::minutes(1);

/// A new session for `user` and the token that names it.
pub(super) async fn open_session(
    state: &AppState,
    db: &impl ConnectionTrait,
    user: &users::Model,
    client: &ClientInfo,
) -> Result<(CurrentUser, String), AppError> {
    let now = Utc::now();
    let id = uuid::Uuid::new_v4().to_string();
    let ua = client.user_agent.as_ref().map(|ua| ua.chars().take(255).collect::<String>());
    sessions::ActiveModel {
        id: Set(id.clone()),
        user_id: Set(user.id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + IDLE_TIMEOUT),
        revoked_at: Set(None),
        user_agent: Set(ua),
        ip: Set(client.ip.clone()),
    }
    .insert(db)
    .await?;
    let token = tokens::issue(&state.settings.secret_key, user.id, &id, now.timestamp(), (now + ABSOLUTE_LIFETIME).timestamp());
    Ok((CurrentUser { id: user.id, email: user.email.clone(), role: user.role, credential: Credential::Session(id) }, token))
}

/// The user behind `token` (a session token or a personal API token), if it is live and its
/// account active. Renews a session's idle deadline on activity.
pub async fn authenticate(state: &AppState, token: &str) -> Result<CurrentUser, AppError> {
    if token.starts_with(api_tokens::PREFIX) {
        return api_tokens::authenticate(&state.db, token).await;
    }
    let claims = tokens::verify(&state.settings.secret_key, token).ok_or(AppError::Unauthorized)?;
    let (session, user) = sessions::Entity::find_by_id(claims.sid.clone())
        .find_also_related(users::Entity)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let user = user.ok_or(AppError::Unauthorized)?;
    let now = Utc::now();
    let live = session.revoked_at.is_none()
        && session.expires_at > now
        && user.deactivated_at.is_none()
        && claims.sub == user.id.to_string();
    if !live {
        return Err(AppError::Unauthorized);
    }
    if now - session.last_seen_at > RENEW_AFTER {
        let absolute_end = DateTime::<Utc>::from_timestamp(claims.exp, 0).unwrap_or(now);
        let mut active = session.clone().into_active_model();
        active.last_seen_at = Set(now);
        active.expires_at = Set((now + IDLE_TIMEOUT).min(absolute_end));
        active.update(&state.db).await?;
    }
    Ok(CurrentUser { id: user.id, email: user.email, role: user.role, credential: Credential::Session(session.id) })
}

/// Marks the sessions `query` selects as revoked now (those not revoked already).
pub(super) fn revoke(query: sea_orm::UpdateMany<sessions::Entity>) -> sea_orm::UpdateMany<sessions::Entity> {
    query.col_expr(sessions::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now())).filter(sessions::Column::RevokedAt.is_null())
}

/// Revokes every session of `user` but the one this request came with (all of them for a
/// request made with an API token); returns how many.
pub(super) async fn revoke_others(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<u64, AppError> {
    let mut query = revoke(sessions::Entity::update_many()).filter(sessions::Column::UserId.eq(user.id));
    if let Some(current) = user.session_id() {
        query = query.filter(sessions::Column::Id.ne(current));
    }
    Ok(query.exec(db).await?.rows_affected)
}

/// Ends the current session; signing out with a personal token revokes that token.
pub async fn log_out(state: &AppState, user: &CurrentUser) -> Result<(), AppError> {
    let session_id = match &user.credential {
        Credential::ApiToken(token_id) => return api_tokens::revoke(&state.db, user, *token_id).await,
        Credential::Session(id) => id,
    };
    let txn = crate::server::db::begin_write(&state.db).await?;
    revoke(sessions::Entity::update_many()).filter(sessions::Column::Id.eq(session_id)).exec(&txn).await?;
    append(&txn, Event::new(user, AuditAction::Logout)).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id: user.id });
    Ok(())
}

/// The user's live sessions, most recently used first.
pub async fn list_sessions(state: &AppState, user: &CurrentUser) -> Result<Vec<SessionInfo>, AppError> {
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user.id))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(sessions::Column::LastSeenAt)
        .limit(100)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| SessionInfo {
            current: user.session_id() == Some(s.id.as_str()),
            id: s.id,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            user_agent: s.user_agent,
            ip: s.ip,
        })
        .collect())
}

/// Ends every session of the user but the current one; returns how many.
pub async fn revoke_other_sessions(state: &AppState, user: &CurrentUser) -> Result<u64, AppError> {
    let txn = crate::server::db::begin_write(&state.db).await?;
    let revoked = revoke_others(&txn, user).await?;
    append(&txn, Event::new(user, AuditAction::SessionsRevoked).details(serde_json::json!({ "sessions": revoked }))).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id: user.id });
    Ok(revoked)
}

/// Sessions that lapsed or were revoked long ago are of no further use.
pub async fn purge_dead_sessions(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    let cutoff = Utc::now() - Duration::days(30);
    let result = sessions::Entity::delete_many()
        .filter(
            Condition::any()
                .add(sessions::Column::ExpiresAt.lt(cutoff))
                .add(sessions::Column::RevokedAt.lt(cutoff)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
