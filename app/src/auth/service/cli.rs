//! What the command line does to accounts: `admin create`.
use super::{
    passwords::{Email, Password, hash_password},
    users::user_target,
};
use crate::{
    audit_log::{Actor, AuditAction, Event, append},
    domain::Role,
    error::AppError,
    server::entities::users,
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

/// Creates an admin account, or promotes and re-passwords an existing one (the CLI's `admin create`).
pub async fn create_or_promote_admin(db: &sea_orm::DatabaseConnection, email: &str, password: &str) -> Result<users::Model, AppError> {
    let email = Email::parse(email)?;
    let hashed = hash_password(Password::parse("password", password)?).await?;
    let txn = crate::server::db::begin_write(db).await?;
    let db = &txn;
    let existing = users::Entity::find().filter(users::Column::Email.eq(email.as_str())).one(db).await?;
    let model = match existing {
        Some(user) => {
            let mut active = user.into_active_model();
            active.role = Set(Role::Admin);
            active.hashed_password = Set(Some(hashed));
            active.deactivated_at = Set(None);
            let model = active.update(db).await?;
            super::password_reset::forget_resets(db, model.id).await?;
            model
        }
        None => {
            let (handle, display_name) = crate::people::service::identity_for(db, email.as_str()).await?;
            users::ActiveModel {
                email: Set(email.as_str().to_owned()),
                handle: Set(handle),
                display_name: Set(display_name),
                hashed_password: Set(Some(hashed)),
                google_id: Set(None),
                role: Set(Role::Admin),
                created_at: Set(Utc::now()),
                deactivated_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await?
        }
    };
    let command_line = Actor { id: None, email: Some("command line".to_owned()) };
    append(db, Event::new(command_line, AuditAction::AdminCreated).target(user_target(&model))).await?;
    txn.commit().await?;
    Ok(model)
}
