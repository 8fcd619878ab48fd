//! The admin's user list: finding accounts, changing roles, deactivating and reactivating.
use super::sessions::revoke;
use crate::{
    audit_log::{AuditAction, Event, append},
    auth::model::{CurrentUser, UserSummary},
    domain::Role,
    error::AppError,
    server::{
        AppState,
        entities::{sessions, users},
        events::Notice,
    },
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::access::require_admin_audited;

impl From<users::Model> for UserSummary {
    fn from(u: users::Model) -> Self {
        UserSummary { id: u.id, email: u.email, handle: u.handle, display_name: u.display_name, role: u.role, active: u.deactivated_at.is_none(), created_at: u.created_at }
    }
}

/// Users whose address contains `search`, for admins only.
pub async fn list_users(state: &AppState, actor: &CurrentUser, search: &str) -> Result<Vec<UserSummary>, AppError> {
    require_admin_audited(&state.db, actor, "list users").await?;
    let mut query = users::Entity::find().order_by_asc(users::Column::Email).limit(200);
    let search = crate::text::cleaned(search).to_lowercase();
    if !search.is_empty() {
        query = query.filter(users::Column::Email.contains(&search));
    }
    Ok(query.all(&state.db).await?.into_iter().map(UserSummary::from).collect())
}

async fn find_other_user(db: &impl ConnectionTrait, actor: &CurrentUser, user_id: i64) -> Result<users::Model, AppError> {
    if user_id == actor.id {
        return Err(AppError::Conflict("you cannot change your own role or deactivate yourself".into()));
    }
    users::Entity::find_by_id(user_id).one(db).await?.ok_or(AppError::NotFound)
}

/// Gives `user_id` a new role; admins only, and never their own.
pub async fn change_role(state: &AppState, actor: &CurrentUser, user_id: i64, role: Role) -> Result<UserSummary, AppError> {
    require_admin_audited(&state.db, actor, &format!("change the role of user {user_id}")).await?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    let user = find_other_user(&txn, actor, user_id).await?;
    let before = user.role;
    let mut active = user.into_active_model();
    active.role = Set(role);
    let user = active.update(&txn).await?;
    let event = Event::new(actor, AuditAction::RoleChanged).target(user_target(&user)).details(serde_json::json!({ "from": before, "to": role }));
    append(&txn, event).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id });
    tracing::info!(actor = actor.id, user_id, role = %role, "role changed");
    Ok(user.into())
}

/// Deactivates (ending every session) or reactivates `user_id`; admins only, never themselves.
pub async fn set_user_active(state: &AppState, actor: &CurrentUser, user_id: i64, active: bool) -> Result<UserSummary, AppError> {
    let what = if active { "reactivate" } else { "deactivate" };
    require_admin_audited(&state.db, actor, &format!("{what} user {user_id}")).await?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    let user = find_other_user(&txn, actor, user_id).await?;
    let mut model = user.into_active_model();
    model.deactivated_at = Set(if active { None } else { Some(Utc::now()) });
    let user = model.update(&txn).await?;
    if !active {
        revoke(sessions::Entity::update_many()).filter(sessions::Column::UserId.eq(user_id)).exec(&txn).await?;
        super::password_reset::forget_resets(&txn, user_id).await?;
    }
    append(&txn, Event::new(actor, if active { AuditAction::UserReactivated } else { AuditAction::UserDeactivated }).target(user_target(&user))).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id });
    tracing::info!(actor = actor.id, user_id, active, "account activity changed");
    Ok(user.into())
}

/// How the log names a user account.
pub(super) fn user_target(user: &users::Model) -> String {
    format!("user {} ({})", user.id, user.email)
}
