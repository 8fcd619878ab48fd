//! Accounts and sessions: the only place that decides who someone is and what they may do
//! with accounts.
use super::{
    model::{CurrentUser, SessionInfo, UserSummary},
    throttle,
};
use crate::{
    domain::Role,
    error::AppError,
    server::{
        AppState,
        entities::{sessions, users},
        tokens,
    },
};
use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set, SqlErr,
};
use std::sync::OnceLock;
use crate::{
    audit::service::{Actor, Event, append},
    server::events::Notice,
};

/// A session lapses after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::days(14);
/// A token, and so a session, never outlives this.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(30);
/// Activity within this interval does not rewrite the session row.
const RENEW_AFTER: Duration = Duration::minutes(1);

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
async fn verify_password(hash: Option<String>, password: &str) -> bool {
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

/// Where a request came from, kept on its session so the user can recognise it.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A new session for `user` and the token that names it.
async fn open_session(
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
    Ok((CurrentUser { id: user.id, email: user.email.clone(), role: user.role, session_id: id }, token))
}

/// Creates a reporter account (an admin when the address is the configured ADMIN_EMAIL)
/// and signs it in.
pub async fn sign_up(
    state: &AppState,
    email: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<(CurrentUser, String), AppError> {
    let email = Email::parse(email);
    let password = Password::parse("password", password);
    let (email, password) = match (email, password) {
        (Ok(e), Ok(p)) => (e, p),
        (e, p) => return Err(AppError::merge_fields([e.err(), p.err()])),
    };
    let address_key = client.ip.as_ref().map(|ip| format!("signup:ip:{ip}"));
    if let Some(key) = &address_key {
        throttle::check(&state.db, key).await?;
        throttle::record_failure(&state.db, key, throttle::SIGNUP_PER_ADDRESS).await?;
    }
    let hashed = hash_password(password).await?;
    let role = if state.settings.admin_email.as_deref() == Some(email.as_str()) { Role::Admin } else { Role::Reporter };
    let txn = crate::server::db::begin_write(&state.db).await?;
    let inserted = users::ActiveModel {
        email: Set(email.as_str().to_owned()),
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
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AppError::Conflict("an account with this email already exists; sign in instead".into()));
        }
        Err(err) => return Err(err.into()),
    };
    let signed_in = open_session(state, &txn, &user, client).await?;
    append(&txn, Event::new(&signed_in.0, "signup").details(serde_json::json!({ "role": user.role })).ip(client.ip.clone())).await?;
    txn.commit().await?;
    tracing::info!(user_id = user.id, role = %user.role, "account created");
    Ok(signed_in)
}

/// The one answer for an unknown address, a wrong password and a deactivated account.
fn bad_credentials() -> AppError {
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
            append(&state.db, Event::new(tried, "login_failed").ip(client.ip.clone())).await?;
            return Err(bad_credentials());
        }
    };
    throttle::clear(&state.db, &account_key).await?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    let signed_in = open_session(state, &txn, &user, client).await?;
    append(&txn, Event::new(&signed_in.0, "login").details(serde_json::json!({ "method": "password" })).ip(client.ip.clone())).await?;
    txn.commit().await?;
    tracing::info!(user_id = user.id, "signed in");
    Ok(signed_in)
}

/// The token carried by a request: `Authorization: Bearer …` first, else the session cookie.
pub fn token_from_headers<'h>(headers: &'h axum::http::HeaderMap, cookie_name: &str) -> Option<&'h str> {
    if let Some(bearer) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim());
    }
    cookie_value(headers, cookie_name)
}

/// The value of the cookie `name` in a request's headers.
pub fn cookie_value<'h>(headers: &'h axum::http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value)
}

/// The user behind `token`, if its session is live and its account active.
/// Renews the session's idle deadline on activity.
pub async fn authenticate(state: &AppState, token: &str) -> Result<CurrentUser, AppError> {
    if token.starts_with(super::api_tokens::PREFIX) {
        return super::api_tokens::authenticate(&state.db, token).await;
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
    Ok(CurrentUser { id: user.id, email: user.email, role: user.role, session_id: session.id })
}

fn revoke(query: sea_orm::UpdateMany<sessions::Entity>) -> sea_orm::UpdateMany<sessions::Entity> {
    query.col_expr(sessions::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now())).filter(sessions::Column::RevokedAt.is_null())
}

/// Ends the current session.
pub async fn log_out(state: &AppState, user: &CurrentUser) -> Result<(), AppError> {
    // Signing out with a personal token revokes that token.
    if let Some(token_id) = super::api_tokens::token_of_session(&user.session_id) {
        return super::api_tokens::revoke(&state.db, user, token_id).await;
    }
    let txn = crate::server::db::begin_write(&state.db).await?;
    revoke(sessions::Entity::update_many()).filter(sessions::Column::Id.eq(&user.session_id)).exec(&txn).await?;
    append(&txn, Event::new(user, "logout")).await?;
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
            current: s.id == user.session_id,
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
    let result = revoke(sessions::Entity::update_many())
        .filter(sessions::Column::UserId.eq(user.id))
        .filter(sessions::Column::Id.ne(&user.session_id))
        .exec(&txn)
        .await?;
    append(&txn, Event::new(user, "sessions_revoked").details(serde_json::json!({ "sessions": result.rows_affected }))).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id: user.id });
    Ok(result.rows_affected)
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
    revoke(sessions::Entity::update_many())
        .filter(sessions::Column::UserId.eq(user.id))
        .filter(sessions::Column::Id.ne(&user.session_id))
        .exec(&txn)
        .await?;
    append(&txn, Event::new(user, "password_changed")).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id: user.id });
    Ok(())
}

/// 403 unless `actor` is an admin.
pub(crate) fn require_admin(actor: &CurrentUser) -> Result<(), AppError> {
    if actor.is_admin() { Ok(()) } else { Err(AppError::Forbidden) }
}

impl From<users::Model> for UserSummary {
    fn from(u: users::Model) -> Self {
        UserSummary { id: u.id, email: u.email, role: u.role, active: u.deactivated_at.is_none(), created_at: u.created_at }
    }
}

/// Users whose address contains `search`, for admins only.
pub async fn list_users(state: &AppState, actor: &CurrentUser, search: &str) -> Result<Vec<UserSummary>, AppError> {
    require_admin(actor)?;
    let mut query = users::Entity::find().order_by_asc(users::Column::Email).limit(200);
    let search = search.trim().to_lowercase();
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
    require_admin(actor)?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    let user = find_other_user(&txn, actor, user_id).await?;
    let before = user.role;
    let mut active = user.into_active_model();
    active.role = Set(role);
    let user = active.update(&txn).await?;
    let event = Event::new(actor, "role_changed").target(user_target(&user)).details(serde_json::json!({ "from": before, "to": role }));
    append(&txn, event).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id });
    tracing::info!(actor = actor.id, user_id, role = %role, "role changed");
    Ok(user.into())
}

/// Deactivates (ending every session) or reactivates `user_id`; admins only, never themselves.
pub async fn set_user_active(state: &AppState, actor: &CurrentUser, user_id: i64, active: bool) -> Result<UserSummary, AppError> {
    require_admin(actor)?;
    let txn = crate::server::db::begin_write(&state.db).await?;
    let user = find_other_user(&txn, actor, user_id).await?;
    let mut model = user.into_active_model();
    model.deactivated_at = Set(if active { None } else { Some(Utc::now()) });
    let user = model.update(&txn).await?;
    if !active {
        revoke(sessions::Entity::update_many()).filter(sessions::Column::UserId.eq(user_id)).exec(&txn).await?;
    }
    append(&txn, Event::new(actor, if active { "user_reactivated" } else { "user_deactivated" }).target(user_target(&user))).await?;
    txn.commit().await?;
    state.events.publish(Notice::Account { user_id });
    tracing::info!(actor = actor.id, user_id, active, "account activity changed");
    Ok(user.into())
}

/// How the log names a user account.
fn user_target(user: &users::Model) -> String {
    format!("user {} ({})", user.id, user.email)
}

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
            active.update(db).await?
        }
        None => {
            users::ActiveModel {
                email: Set(email.as_str().to_owned()),
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
    append(db, Event::new(command_line, "admin_created").target(user_target(&model))).await?;
    txn.commit().await?;
    Ok(model)
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
                users::ActiveModel {
                    email: Set(email.as_str().to_owned()),
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
    append(&txn, Event::new(&signed_in.0, "login").details(serde_json::json!({ "method": "single sign-on" })).ip(client.ip.clone())).await?;
    txn.commit().await?;
    tracing::info!(user_id = user.id, "signed in through single sign-on");
    Ok(signed_in)
}

/// Where a request came from: the peer address, or the last `X-Forwarded-For` hop when the
/// deployment says a proxy writes it; and the user agent.
pub fn client_info_from(headers: &axum::http::HeaderMap, peer: Option<std::net::IpAddr>, trust_forwarded_for: bool) -> ClientInfo {
    let forwarded = trust_forwarded_for
        .then(|| headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        // The proxy appends the address it saw; earlier entries are the client's own claims.
        .and_then(|v| v.rsplit(',').next())
        .and_then(|ip| ip.trim().parse::<std::net::IpAddr>().ok());
    ClientInfo {
        ip: forwarded.or(peer).map(|ip| ip.to_string()),
        user_agent: headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

/// The `Set-Cookie` value for a session token (or, with `None`, one that clears it):
/// HttpOnly, SameSite=Lax, and Secure with the `__Host-` prefix over HTTPS.
pub fn session_cookie(settings: &crate::server::Settings, token: Option<&str>) -> String {
    let max_age = if token.is_some() { ABSOLUTE_LIFETIME.num_seconds() } else { 0 };
    let secure = if settings.secure { "; Secure" } else { "" };
    format!("{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", settings.cookie_name(), token.unwrap_or(""))
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
