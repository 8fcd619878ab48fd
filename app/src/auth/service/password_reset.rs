//! Password reset by email: a link valid for 30 minutes, usable once, and void once the
//! password changes or the account is deactivated. Asking gives the same answer whether or not
//! the address has an account, and is throttled per address asked about and per client.
use super::{
    headers::ClientInfo,
    passwords::{Password, hash_password},
    sessions::revoke,
};
use crate::{
    audit_log::{Actor, AuditAction, Event, append},
    auth::{api_tokens::hash, throttle},
    domain::MailPurpose,
    error::AppError,
    server::{
        AppState,
        entities::{password_resets, sessions, users},
        events::Notice,
        mail::{OutgoingMail, enqueue, escape_html},
    },
};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};

/// How long a reset link works.
pub const RESET_LIFETIME: Duration = Duration::minutes(30);

/// Voids every reset link of `user_id`: called whenever the password changes or the account is
/// deactivated, in the same transaction.
pub(super) async fn forget_resets(db: &impl ConnectionTrait, user_id: i64) -> Result<(), AppError> {
    password_resets::Entity::delete_many().filter(password_resets::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(())
}

/// Sends a reset link to `email` if an active account has that address; answers the same
/// either way. Fails only on a malformed address, a throttled caller, or email being off.
pub async fn request_password_reset(state: &AppState, email: &str, client: &ClientInfo) -> Result<(), AppError> {
    let email = super::passwords::Email::parse(email)?;
    if !state.settings.mail.enabled() {
        return Err(AppError::Conflict("password reset by email is off on this server; ask an admin to set a new password".into()));
    }
    // Keyed by the address asked about, so an address with no account is throttled alike.
    let account_key = format!("reset:account:{}", email.as_str());
    let client_key = client.ip.as_ref().map(|ip| format!("reset:ip:{ip}"));
    for key in std::iter::once(&account_key).chain(client_key.as_ref()) {
        throttle::check(&state.db, key).await?;
    }
    throttle::record_failure(&state.db, &account_key, throttle::RESET_PER_ACCOUNT).await?;
    if let Some(key) = &client_key {
        throttle::record_failure(&state.db, key, throttle::RESET_PER_ADDRESS).await?;
    }
    let user = users::Entity::find().filter(users::Column::Email.eq(email.as_str())).filter(users::Column::DeactivatedAt.is_null()).one(&state.db).await?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    let asked = Actor { id: user.as_ref().map(|u| u.id), email: Some(email.as_str().to_owned()) };
    append(&txn, Event::new(asked, AuditAction::PasswordResetRequested).details(serde_json::json!({ "account": user.is_some() })).ip(client.ip.clone())).await?;
    if let Some(user) = &user {
        let token = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        let now = Utc::now();
        password_resets::ActiveModel { user_id: Set(user.id), token_hash: Set(hash(&token)), created_at: Set(now), expires_at: Set(now + RESET_LIFETIME), used_at: Set(None), ..Default::default() }
            .insert(&txn)
            .await?;
        enqueue(&txn, &state.settings.mail, reset_mail(&state.settings.mail.base_url, user, &token)).await?;
    }
    txn.commit().await?;
    state.settings.mail.wake();
    Ok(())
}

/// The mail with the link, in plain text and HTML.
fn reset_mail(base_url: &str, user: &users::Model, token: &str) -> OutgoingMail {
    let link = format!("{base_url}/reset-password?token={token}");
    let minutes = RESET_LIFETIME.num_minutes();
    let text = format!(
        "Someone asked to reset the password of your account on {base_url}.\n\nChoose a new password here (the link works once, for {minutes} minutes):\n{link}\n\nIf it was not you, ignore this mail: your password stays as it is.\n"
    );
    let html = format!(
        "<p>Someone asked to reset the password of your account on {site}.</p>\
         <p><a href=\"{href}\">Choose a new password</a> (the link works once, for {minutes} minutes).</p>\
         <p>If it was not you, ignore this mail: your password stays as it is.</p>",
        site = escape_html(base_url),
        href = escape_html(&link),
    );
    OutgoingMail { user_id: Some(user.id), issue_id: None, to: user.email.clone(), subject: "Reset your password".to_owned(), text, html, unsubscribe: None, purpose: MailPurpose::PasswordReset, notice: None }
}

/// The one answer for a link that is unknown, used, expired or void.
fn invalid_link() -> AppError {
    AppError::field("token", "this reset link is not valid any more; ask for a new one")
}

/// The unused, unexpired link with `token_hash`, and its account if still active.
async fn live_link(db: &impl ConnectionTrait, token_hash: &str) -> Result<(password_resets::Model, users::Model), AppError> {
    let reset = password_resets::Entity::find().filter(password_resets::Column::TokenHash.eq(token_hash)).one(db).await?;
    let reset = reset.filter(|r| r.used_at.is_none() && r.expires_at > Utc::now()).ok_or_else(invalid_link)?;
    let user = users::Entity::find_by_id(reset.user_id).one(db).await?.filter(|u| u.deactivated_at.is_none()).ok_or_else(invalid_link)?;
    Ok((reset, user))
}

/// Sets a new password with the link's `token`, uses the link up, voids the account's other
/// links and ends every session of the account.
pub async fn reset_password(state: &AppState, token: &str, new_password: &str, client: &ClientInfo) -> Result<(), AppError> {
    let password = Password::parse("password", new_password)?;
    let token_hash = hash(token.trim());
    // Checked before the slow hashing, and again inside the transaction that uses the link.
    live_link(&state.db, &token_hash).await?;
    let hashed = hash_password(password).await?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    let (reset, user) = live_link(&txn, &token_hash).await?;
    let used = password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(Utc::now()))
        .filter(password_resets::Column::Id.eq(reset.id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(invalid_link());
    }
    let mut active: users::ActiveModel = user.clone().into();
    active.hashed_password = Set(Some(hashed));
    active.update(&txn).await?;
    forget_resets(&txn, user.id).await?;
    revoke(sessions::Entity::update_many()).filter(sessions::Column::UserId.eq(user.id)).exec(&txn).await?;
    let actor = Actor { id: Some(user.id), email: Some(user.email.clone()) };
    append(&txn, Event::new(actor, AuditAction::PasswordReset).ip(client.ip.clone())).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id: user.id });
    tracing::info!(user_id = user.id, "password reset");
    Ok(())
}
