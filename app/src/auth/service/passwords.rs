//! Addresses and passwords: parsing them, hashing and checking passwords, changing one.
use super::sessions::revoke_others;
use crate::{
    audit_log::{AuditAction, Event, append},
    auth::model::CurrentUser,
    error::AppError,
    server::{AppState, entities::users, events::Notice},
};
use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use std::sync::OnceLock;

/// An address that has been trimmed, lower-cased and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` of at most 254 characters, without spaces or control characters.
    pub fn parse(raw: &str) -> Result<Email, AppError> {
        let email = raw.trim().to_lowercase();
        let invalid = || AppError::field("email", "enter an email address like name@example.com");
        if email.is_empty() {
            return Err(AppError::field("email", "email is required"));
        }
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c)) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Email(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password of at least 8 characters and at most 1,024 bytes.
pub struct Password(String);

impl Password {
    /// Checks the length rules; the field name appears in the error.
    pub fn parse(field: &str, raw: &str) -> Result<Password, AppError> {
        if raw.chars().count() < 8 {
            return Err(AppError::field(field, "use at least 8 characters"));
        }
        if raw.len() > 1024 {
            return Err(AppError::field(field, "use at most 1024 bytes"));
        }
        Ok(Password(raw.to_owned()))
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

fn hasher() -> Argon2<'static> {
    // OWASP's recommendation for argon2id: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes on a blocking thread: argon2 takes tens of milliseconds of CPU on purpose.
pub async fn hash_password(password: Password) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hasher().hash_password(password.0.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(|_| internal("password hashing task failed"))?
        .map_err(|_| internal("password hashing failed"))
}

/// Checks `password` against `hash`. With no hash (no such account, or single sign-on only),
/// a dummy hash is checked instead, so both answers take the same time.
pub(super) async fn verify_password(hash: Option<String>, password: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| {
        DUMMY.get_or_init(|| hasher().hash_password(b"not-a-real-password").expect("dummy hash").to_string()).clone()
    });
    let password = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false);
    known && matches
}

fn internal(what: &str) -> AppError {
    let request_id = crate::server::request_id::current();
    tracing::error!(%request_id, "{what}");
    AppError::Internal { request_id }
}

/// Changes the password after checking the current one, and signs out every other session.
pub async fn change_password(state: &AppState, user: &CurrentUser, current: &str, new: &str) -> Result<(), AppError> {
    let new = Password::parse("new_password", new)?;
    let row = users::Entity::find_by_id(user.id).one(&state.db).await?.ok_or(AppError::Unauthorized)?;
    if !verify_password(row.hashed_password.clone(), current).await {
        return Err(AppError::field("current_password", "the current password is not right"));
    }
    let hashed = hash_password(new).await?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    let mut active = row.into_active_model();
    active.hashed_password = Set(Some(hashed));
    active.update(&txn).await?;
    super::password_reset::forget_resets(&txn, user.id).await?;
    revoke_others(&txn, user).await?;
    append(&txn, Event::new(user, AuditAction::PasswordChanged)).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id: user.id });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Rita@Example.COM ").unwrap().as_str(), "rita@example.com");
    }

    #[test]
    fn malformed_emails_name_the_field() {
        for bad in ["", "rita", "rita@", "@example.com", "rita@example", "ri ta@example.com", "a@b@c.com", "rita@.com", "<x>@example.com"] {
            match Email::parse(bad) {
                Err(AppError::Validation(fields)) => assert_eq!(fields[0].field, "email", "{bad}"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn passwords_need_8_characters_and_fit_in_1024_bytes() {
        assert!(Password::parse("password", "1234567").is_err());
        assert!(Password::parse("password", "12345678").is_ok());
        assert!(Password::parse("password", &"é".repeat(512)).is_ok(), "1024 bytes is allowed");
        assert!(Password::parse("password", &"a".repeat(1025)).is_err());
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_password(Password::parse("password", "correct horse").unwrap()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password(Some(hash.clone()), "correct horse").await);
        assert!(!verify_password(Some(hash), "wrong horse").await);
        assert!(!verify_password(None, "anything").await);
    }
}
