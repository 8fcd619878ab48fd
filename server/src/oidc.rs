//! The browser's two stops in single sign-on: leaving for the provider, and coming back.
use app::server::rest::{ErrorBody, ErrorCode};
use app::{auth::oidc, error::AppError, server::AppState};
use axum::{
    extract::{ConnectInfo, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn pending_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    app::auth::service::http_only_cookie(oidc::PENDING_COOKIE, value, "/auth/oidc", max_age, state.settings.secure)
}

fn redirect(to: &str, cookies: &[String]) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(to) {
        headers.insert(header::LOCATION, location);
    }
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

fn error_response(state: &AppState, err: AppError) -> Response {
    let (status, message) = match &err {
        AppError::Validation(fields) => (StatusCode::BAD_REQUEST, fields.first().map(|f| f.message.clone()).unwrap_or_default()),
        other => (app::server::rest::status_of(other), other.to_string()),
    };
    let mut response = ErrorBody::new(ErrorCode::SignInFailed, message).into_response_with(status);
    // The pending sign-in is spent either way.
    if let Ok(value) = HeaderValue::from_str(&pending_cookie(state, "", 0)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `GET /auth/oidc/start?next=…`: off to the provider, with state, nonce and PKCE sealed in a cookie.
pub async fn start(State(state): State<AppState>, Query(query): Query<StartQuery>) -> Response {
    match oidc::start(&state, query.next.as_deref()).await {
        Ok((url, sealed)) => redirect(&url, &[pending_cookie(&state, &sealed, 600)]),
        Err(err) => error_response(&state, err),
    }
}

/// `GET /auth/oidc/callback?code=…&state=…`: back from the provider; signs in and goes on.
pub async fn callback(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    if let Some(error) = query.error {
        tracing::info!(%error, "the provider returned an error");
        return error_response(&state, AppError::field("oidc", "the provider did not sign you in"));
    }
    let (Some(code), Some(returned_state)) = (query.code, query.state) else {
        return error_response(&state, AppError::field("oidc", "the provider's answer is incomplete"));
    };
    let sealed = app::auth::service::cookie_value(&headers, oidc::PENDING_COOKIE);
    let client = app::auth::service::client_info_from(&headers, Some(peer.ip()), state.settings.trust_forwarded_for);
    match oidc::finish(&state, sealed.as_deref(), &code, &returned_state, &client).await {
        Ok((_, token, next)) => redirect(
            &next,
            &[app::auth::service::session_cookie(&state.settings, Some(&token)), pending_cookie(&state, "", 0)],
        ),
        Err(err) => error_response(&state, err),
    }
}
