//! Server functions for accounts: who is asking, call the service, return the DTO.
use super::model::{ApiTokenInfo, CurrentUser, NewApiToken, Profile, SessionInfo, UserSummary};
use crate::{domain::Role, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    use crate::{
        auth::{
            model::CurrentUser,
            service::{self, ClientInfo},
        },
        error::AppError,
        server::AppState,
    };
    use leptos::prelude::*;
    use axum::http::{HeaderValue, header, request::Parts};
    use std::net::SocketAddr;

    fn parts() -> Result<Parts, AppError> {
        use_context::<Parts>().ok_or(AppError::Unauthorized)
    }

    /// Who a request's credentials name, looked up once per request however many server
    /// functions its page calls while rendering (`None`: nobody is signed in).
    #[derive(Clone, Default)]
    pub struct RequestAuth(std::sync::Arc<tokio::sync::OnceCell<Option<CurrentUser>>>);

    /// The contexts every request starts with: the shared state and an empty sign-in memo.
    pub fn provide_request_context(state: &AppState) {
        provide_context(state.clone());
        provide_context(RequestAuth::default());
    }

    async fn look_up_user(state: &AppState) -> Result<Option<CurrentUser>, AppError> {
        let parts = parts()?;
        let Some(token) = service::token_from_headers(&parts.headers, state.settings.cookie_name()) else { return Ok(None) };
        match service::authenticate(state, &token).await {
            Ok(user) => Ok(Some(user)),
            Err(AppError::Unauthorized) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The signed-in user making this request, or 401.
    pub async fn require_user() -> Result<(AppState, CurrentUser), AppError> {
        let state = expect_context::<AppState>();
        let user = match use_context::<RequestAuth>() {
            Some(memo) => memo.0.get_or_try_init(|| look_up_user(&state)).await?.clone(),
            None => look_up_user(&state).await?,
        };
        Ok((state, user.ok_or(AppError::Unauthorized)?))
    }

    /// The signed-in user, or `None` for an anonymous request (a bad token counts as anonymous).
    pub async fn optional_user() -> Result<Option<CurrentUser>, AppError> {
        match require_user().await {
            Ok((_, user)) => Ok(Some(user)),
            Err(AppError::Unauthorized) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// The one shape of a server function that needs a signed-in user: resolve the user (401
    /// without one), run `work`, and put any error's status on the response.
    pub async fn signed_in<T>(
        work: impl AsyncFnOnce(AppState, CurrentUser) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        crate::server::respond(match require_user().await {
            Ok((state, user)) => work(state, user).await,
            Err(err) => Err(err),
        })
    }

    /// The one shape of a server function that serves anonymous and signed-in callers alike:
    /// resolve the user if there is one, run `work`, and put any error's status on the response.
    pub async fn maybe_signed_in<T>(
        work: impl AsyncFnOnce(AppState, Option<CurrentUser>) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        crate::server::respond(match optional_user().await {
            Ok(user) => work(expect_context::<AppState>(), user).await,
            Err(err) => Err(err),
        })
    }

    /// The one shape of a server function that needs no user (signing up or in): run `work`
    /// with the shared state, and put any error's status on the response.
    pub async fn anyone<T>(work: impl AsyncFnOnce(AppState) -> Result<T, AppError>) -> Result<T, AppError> {
        crate::server::respond(work(expect_context::<AppState>()).await)
    }

    /// The client's address (from `X-Forwarded-For` only when configured) and user agent.
    pub fn client_info(state: &AppState) -> ClientInfo {
        let Ok(parts) = parts() else { return ClientInfo::default() };
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        service::client_info_from(&parts.headers, peer, state.settings.trust_forwarded_for)
    }

    /// After a successful sign-in or sign-up: the cookie, then on to `next` (same-site paths only).
    pub fn start_session(
        state: &AppState,
        result: Result<(CurrentUser, String), AppError>,
        next: Option<&str>,
    ) -> Result<CurrentUser, AppError> {
        let (user, token) = result?;
        set_session_cookie(state, Some(&token));
        leptos_axum::redirect(&crate::auth::model::safe_next(next));
        Ok(user)
    }

    /// Sends the session cookie (or, with `None`, clears it).
    pub fn set_session_cookie(state: &AppState, token: Option<&str>) {
        let cookie = service::session_cookie(&state.settings, token);
        if let (Some(options), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(&cookie)) {
            options.append_header(header::SET_COOKIE, value);
        }
    }
}

/// Which ways of signing in this instance offers besides email and password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoginOptions {
    pub google: bool,
}

/// The sign-in methods, for the login page.
#[server]
pub async fn sign_in_methods() -> Result<LoginOptions, AppError> {
    anyone(async |state| Ok(LoginOptions { google: state.settings.oidc.is_some() })).await
}

/// The signed-in user, or `None`.
#[server]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    maybe_signed_in(async |_, user| Ok(user)).await
}

/// Creates an account, signs it in and goes to `next`.
#[server]
pub async fn sign_up(
    email: String,
    password: String,
    #[server(default)]
    display_name: String,
    #[server(default)]
    handle: String,
    next: Option<String>,
) -> Result<CurrentUser, AppError> {
    anyone(async |state| {
        let client = client_info(&state);
        let form = super::service::SignUp { email: &email, password: &password, display_name: &display_name, handle: &handle };
        let result = super::service::sign_up(&state, form, &client).await;
        start_session(&state, result, next.as_deref())
    })
    .await
}

/// Signs in with email and password and goes to `next`.
#[server]
pub async fn log_in(email: String, password: String, next: Option<String>) -> Result<CurrentUser, AppError> {
    anyone(async |state| {
        let client = client_info(&state);
        let result = super::service::log_in(&state, &email, &password, &client).await;
        start_session(&state, result, next.as_deref())
    })
    .await
}

/// Mails a password reset link to `email` if it has an account; the answer is the same if not.
#[server]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    anyone(async |state| super::service::request_password_reset(&state, &email, &client_info(&state)).await).await
}

/// Sets a new password with a reset link's `token`; every session of the account ends.
#[server]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    anyone(async |state| super::service::reset_password(&state, &token, &password, &client_info(&state)).await).await
}

/// Ends this session and clears the cookie.
#[server]
pub async fn log_out() -> Result<(), AppError> {
    signed_in(async |state, user| {
        super::service::log_out(&state, &user).await?;
        set_session_cookie(&state, None);
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// The signed-in person's own profile (their address included).
#[server]
pub async fn my_profile() -> Result<Profile, AppError> {
    signed_in(async |state, user| super::service::my_profile(&state.db, &user).await).await
}

/// Changes the signed-in person's display name and handle.
#[server]
pub async fn update_profile(display_name: String, handle: String) -> Result<Profile, AppError> {
    signed_in(async |state, user| super::service::update_profile(&state.db, &user, &display_name, &handle).await).await
}

/// The user's live sessions.
#[server]
pub async fn list_my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    signed_in(async |state, user| super::service::list_sessions(&state, &user).await).await
}

/// Signs out every other session of the user.
#[server]
pub async fn sign_out_other_sessions() -> Result<u64, AppError> {
    signed_in(async |state, user| super::service::revoke_other_sessions(&state, &user).await).await
}

/// The user's live personal API tokens.
#[server]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenInfo>, AppError> {
    signed_in(async |state, user| super::api_tokens::list(&state.db, &user).await).await
}

/// Makes a personal API token; `expires_in_days` is 30, 90, 365 or `never`. The secret is in
/// the answer only.
#[server]
pub async fn create_api_token(name: String, expires_in_days: String) -> Result<NewApiToken, AppError> {
    signed_in(async |state, user| {
        let days = match expires_in_days.trim() {
            "never" => None,
            other => Some(other.parse().map_err(|_| AppError::field("expires_in_days", "choose 30, 90 or 365 days, or never"))?),
        };
        super::api_tokens::create(&state.db, &user, &name, days).await
    })
    .await
}

/// Revokes one of the user's personal API tokens.
#[server]
pub async fn revoke_api_token(token_id: i64) -> Result<(), AppError> {
    signed_in(async |state, user| super::api_tokens::revoke(&state.db, &user, token_id).await).await
}

/// Changes the user's password; other sessions are signed out.
#[server]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    signed_in(async |state, user| super::service::change_password(&state, &user, &current_password, &new_password).await).await
}

/// Users matching `search` (admins only).
#[server]
pub async fn list_users(search: String) -> Result<Vec<UserSummary>, AppError> {
    signed_in(async |state, user| super::service::list_users(&state, &user, &search).await).await
}

/// Gives a user a new role (admins only).
#[server]
pub async fn change_role(user_id: i64, role: Role) -> Result<UserSummary, AppError> {
    signed_in(async |state, user| super::service::change_role(&state, &user, user_id, role).await).await
}

/// Deactivates or reactivates a user (admins only).
#[server]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<UserSummary, AppError> {
    signed_in(async |state, user| super::service::set_user_active(&state, &user, user_id, active).await).await
}
