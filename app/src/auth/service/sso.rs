//! Signing in through a single sign-on provider: linking the provider's account to ours.
use super::{headers::ClientInfo, passwords::Email, sessions::open_session, sign_in::bad_credentials};
use crate::{
    audit_log::{AuditAction, Event, append},
    auth::model::CurrentUser,
    domain::Role,
    error::AppError,
    server::{AppState, entities::users},
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

/// Signs in through a single sign-on provider. An account already linked to `subject` signs in;
/// otherwise the account with the same address is linked, or a reporter account is created,
/// but only when the provider says it verified the address.
pub async fn sign_in_with_provider(
    state: &AppState,
    subject: &str,
    email: &str,
    email_verified: bool,
    client: &ClientInfo,
) -> Result<(CurrentUser, String), AppError> {
    let email = Email::parse(email)?;
    let unverified = || {
        AppError::field("oidc", "the provider has not verified this email address, so it cannot be used to sign in here")
    };
    let txn = crate::server::db::begin_write(&state.db).await?;
    let linked = users::Entity::find().filter(users::Column::GoogleId.eq(subject)).one(&txn).await?;
    let user = match linked {
        Some(user) => user,
        None if !email_verified => return Err(unverified()),
        None => match users::Entity::find().filter(users::Column::Email.eq(email.as_str())).one(&txn).await? {
            Some(existing) => {
                let mut active = existing.into_active_model();
                active.google_id = Set(Some(subject.to_owned()));
                active.update(&txn).await?
            }
            None => {
                let role =
                    if state.settings.admin_email.as_deref() == Some(email.as_str()) { Role::Admin } else { Role::Reporter };
                let (handle, display_name) = crate::people::service::identity_for(&txn, email.as_str()).await?;
                users::ActiveModel {
                    email: Set(email.as_str().to_owned()),
                    handle: Set(handle),
                    display_name: Set(display_name),
                    hashed_password: Set(None),
                    google_id: Set(Some(subject.to_owned())),
                    role: Set(role),
                    created_at: Set(Utc::now()),
                    deactivated_at: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        },
    };
    if user.deactivated_at.is_some() {
        return Err(bad_credentials());
    }
    let signed_in = open_session(state, &txn, &user, client).await?;
    append(&txn, Event::new(&signed_in.0, AuditAction::Login).details(serde_json::json!({ "method": "single sign-on" })).ip(client.ip.clone())).await?;
    txn.commit().await?;
    tracing::info!(user_id = user.id, "signed in through single sign-on");
    Ok(signed_in)
}
