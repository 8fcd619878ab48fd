//! The signed-in person's own profile: their name and handle, which only they change.
use crate::{
    audit_log::{AuditAction, Event, append},
    auth::model::{CurrentUser, Profile},
    error::AppError,
    people::model::{Handle, parse_display_name},
    server::entities::users,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, Set, SqlErr, TransactionSession, TransactionTrait};

impl From<users::Model> for Profile {
    fn from(user: users::Model) -> Profile {
        Profile { id: user.id, email: user.email, handle: user.handle, display_name: user.display_name, role: user.role }
    }
}

/// The caller's own profile, address included.
pub async fn my_profile(db: &impl ConnectionTrait, user: &CurrentUser) -> Result<Profile, AppError> {
    Ok(users::Entity::find_by_id(user.id).one(db).await?.ok_or(AppError::Unauthorized)?.into())
}

/// A display name and a handle, both checked; every bad field is named in one error.
pub fn parse_identity(display_name: &str, handle: &str) -> Result<(String, Handle), AppError> {
    match (parse_display_name("display_name", display_name), Handle::parse("handle", handle)) {
        (Ok(name), Ok(handle)) => Ok((name, handle)),
        (name, handle) => Err(AppError::merge_fields([name.err(), handle.err()])),
    }
}

/// The answer when another account has the handle: a conflict, like an address already in use.
pub fn handle_taken() -> AppError {
    AppError::Conflict("that handle is already taken; choose another handle".into())
}

/// Whether a failed insert or update broke the unique handle (and not another unique column).
pub async fn lost_handle_race(db: &impl ConnectionTrait, err: &DbErr, handle: &Handle, own_id: Option<i64>) -> Result<bool, AppError> {
    if !matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        return Ok(false);
    }
    Ok(crate::people::service::by_handle(db, handle).await?.is_some_and(|u| Some(u.id) != own_id))
}

/// Sets the caller's display name and handle. A handle another account has is 409 naming it.
pub async fn update_profile(db: &(impl ConnectionTrait + TransactionTrait), user: &CurrentUser, display_name: &str, handle: &str) -> Result<Profile, AppError> {
    let (display_name, handle) = parse_identity(display_name, handle)?;
    let txn = crate::server::db::begin_write(db).await?;
    let row = users::Entity::find_by_id(user.id).one(&txn).await?.ok_or(AppError::Unauthorized)?;
    if row.handle == handle.as_str() && row.display_name == display_name {
        return Ok(row.into());
    }
    if crate::people::service::by_handle(&txn, &handle).await?.is_some_and(|other| other.id != user.id) {
        return Err(handle_taken());
    }
    let before = serde_json::json!({ "handle": row.handle, "display_name": row.display_name });
    let mut active = row.into_active_model();
    active.handle = Set(handle.as_str().to_owned());
    active.display_name = Set(display_name);
    let updated = match active.update(&txn).await {
        Ok(updated) => updated,
        Err(err) => {
            drop(txn);
            return Err(if lost_handle_race(db, &err, &handle, Some(user.id)).await? { handle_taken() } else { err.into() });
        }
    };
    let after = serde_json::json!({ "handle": updated.handle, "display_name": updated.display_name });
    append(&txn, Event::new(user, AuditAction::ProfileChanged).details(serde_json::json!({ "from": before, "to": after }))).await?;
    txn.commit().await?;
    Ok(updated.into())
}
