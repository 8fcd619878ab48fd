//! Signing up and signing in with email and password, throttled per account and per address.
use super::{
    headers::ClientInfo,
    passwords::{Email, Password, hash_password, verify_password},
    sessions::open_session,
};
use crate::{
    audit_log::{Actor, AuditAction, Event, append},
    auth::{model::CurrentUser, throttle},
    domain::Role,
    error::AppError,
    server::{AppState, entities::users},
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, SqlErr};

/// What a new account chooses at sign-up.
pub struct SignUp<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub display_name: &'a str,
    pub handle: &'a str,
}

/// Creates a reporter account (an admin when the address is the configured ADMIN_EMAIL)
/// and signs it in. A taken address or handle is 409.
pub async fn sign_up(state: &AppState, form: SignUp<'_>, client: &ClientInfo) -> Result<(CurrentUser, String), AppError> {
    let email = Email::parse(form.email);
    let password = Password::parse("password", form.password);
    let identity = super::profile::parse_identity(form.display_name, form.handle);
    let (email, password, (display_name, handle)) = match (email, password, identity) {
        (Ok(e), Ok(p), Ok(i)) => (e, p, i),
        (e, p, i) => return Err(AppError::merge_fields([e.err(), p.err(), i.err()])),
    };
    let address_key = client.ip.as_ref().map(|ip| format!("signup:ip:{ip}"));
    if let Some(key) = &address_key {
        throttle::check(&state.db, key).await?;
        throttle::record_failure(&state.db, key, throttle::SIGNUP_PER_ADDRESS).await?;
    }
    let hashed = hash_password(password).await?;
    let role = if state.settings.admin_email.as_deref() == Some(email.as_str()) { Role::Admin } else { Role::Reporter };
    let txn = crate::server::db::begin_write(&state.db).await?;
    if users::Entity::find().filter(users::Column::Email.eq(email.as_str())).one(&txn).await?.is_some() {
        return Err(email_taken());
    }
    // The page suggests a handle from the address; taken, that suggestion gets a number. A
    // handle the person chose themselves must be free.
    let handle = if handle == crate::people::model::Handle::from_email(email.as_str()) {
        crate::people::service::free_handle(&txn, &handle).await?
    } else if crate::people::service::handle_taken(&txn, &handle).await? {
        return Err(super::profile::handle_taken());
    } else {
        handle
    };
    let inserted = users::ActiveModel {
        email: Set(email.as_str().to_owned()),
        handle: Set(handle.as_str().to_owned()),
        display_name: Set(display_name),
        hashed_password: Set(Some(hashed)),
        google_id: Set(None),
        role: Set(role),
        created_at: Set(Utc::now()),
        deactivated_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let user = match inserted {
        Ok(user) => user,
        Err(err) => {
            drop(txn);
            let handle_race = super::profile::lost_handle_race(&state.db, &err, &handle, None).await?;
            return Err(match err.sql_err() {
                _ if handle_race => super::profile::handle_taken(),
                Some(SqlErr::UniqueConstraintViolation(_)) => email_taken(),
                _ => err.into(),
            });
        }
    };
    let signed_in = open_session(state, &txn, &user, client).await?;
    append(&txn, Event::new(&signed_in.0, AuditAction::Signup).details(serde_json::json!({ "role": user.role })).ip(client.ip.clone())).await?;
    txn.commit().await?;
    tracing::info!(user_id = user.id, role = %user.role, "account created");
    Ok(signed_in)
}

/// The answer when the address already has an account.
fn email_taken() -> AppError {
    AppError::Conflict("an account with this email already exists; sign in instead".into())
}

/// The one answer for an unknown address, a wrong password and a deactivated account.
pub(super) fn bad_credentials() -> AppError {
    AppError::Unauthorized
}

/// Signs in with email and password. Failures are counted per account and per client address.
pub async fn log_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<(CurrentUser, String), AppError> {
    let email = email.trim().to_lowercase();
    // No address holds one, and PostgreSQL refuses to compare text with a NUL.
    if email.chars().any(char::is_control) {
        return Err(AppError::field("email", "enter an email address like name@example.com"));
    }
    let account_key = format!("login:account:{email}");
    let address_key = client.ip.as_ref().map(|ip| format!("login:ip:{ip}"));
    throttle::check(&state.db, &account_key).await?;
    if let Some(key) = &address_key {
        throttle::check(&state.db, key).await?;
    }
    let user = users::Entity::find().filter(users::Column::Email.eq(&email)).one(&state.db).await?;
    let hash = user.as_ref().and_then(|u| u.hashed_password.clone());
    // No account has a longer password, so such a request cannot succeed; it is still counted.
    let password_ok = password.len() <= 1024 && verify_password(hash, password).await;
    let user = match user {
        Some(user) if password_ok && user.deactivated_at.is_none() => user,
        _ => {
            throttle::record_failure(&state.db, &account_key, throttle::LOGIN_PER_ACCOUNT).await?;
            if let Some(key) = &address_key {
                throttle::record_failure(&state.db, key, throttle::LOGIN_PER_ADDRESS).await?;
            }
            tracing::info!("failed sign-in");
            // The address tried is the only identity there is; it lets admins find attacks on one account.
            let tried = Actor { id: None, email: Some(email.clone()) };
            append(&state.db, Event::new(tried, AuditAction::LoginFailed).ip(client.ip.clone())).await?;
            return Err(bad_credentials());
        }
    };
    throttle::clear(&state.db, &account_key).await?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    let signed_in = open_session(state, &txn, &user, client).await?;
    append(&txn, Event::new(&signed_in.0, AuditAction::Login).details(serde_json::json!({ "method": "password" })).ip(client.ip.clone())).await?;
    txn.commit().await?;
    tracing::info!(user_id = user.id, "signed in");
    Ok(signed_in)
}
