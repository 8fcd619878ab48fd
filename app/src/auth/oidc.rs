//! Single sign-on through OpenID Connect (Google by default): the authorization code flow
//! with PKCE, with state and nonce checked, as the `openidconnect` crate implements it.
use super::{model::CurrentUser, service};
use crate::{
    error::AppError,
    server::{AppState, OidcSettings, tokens},
};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
    core::{CoreClient, CoreProviderMetadata, CoreResponseType},
    reqwest,
};
use serde::{Deserialize, Serialize};

/// What the browser carries, sealed, between leaving for the provider and coming back.
#[derive(Serialize, Deserialize)]
pub struct PendingSignIn {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
}

/// The audience of the sealed cookie, so a session token can never stand in for it.
const PENDING_AUDIENCE: &str = "tracker-oidc-pending";
/// How long the user has at the provider.
const PENDING_SECONDS: i64 = 600;
/// The cookie that carries [`PendingSignIn`].
pub const PENDING_COOKIE: &str = "tracker_oidc";

fn http_client() -> Result<reqwest::Client, AppError> {
    reqwest::ClientBuilder::new()
        // Following redirects would let a provider response steer requests elsewhere (SSRF).
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| provider_error(&e.to_string()))
}

fn provider_error(detail: &str) -> AppError {
    let request_id = crate::server::request_id::current();
    tracing::warn!(%request_id, detail, "single sign-on provider error");
    AppError::Internal { request_id }
}

fn bad_callback(message: &str) -> AppError {
    tracing::info!(reason = message, "single sign-on callback refused");
    AppError::field("oidc", message)
}

async fn metadata(oidc: &OidcSettings, http: &reqwest::Client) -> Result<CoreProviderMetadata, AppError> {
    oidc.metadata
        .get_or_try_init(|| async {
            let issuer = IssuerUrl::new(oidc.issuer_url.clone()).map_err(|e| provider_error(&e.to_string()))?;
            CoreProviderMetadata::discover_async(issuer, http).await.map_err(|e| provider_error(&e.to_string()))
        })
        .await
        .cloned()
}

/// The client for the configured provider, with our redirect address.
async fn client(
    oidc: &OidcSettings,
    http: &reqwest::Client,
) -> Result<
    openidconnect::core::CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    AppError,
> {
    Ok(CoreClient::from_provider_metadata(
        metadata(oidc, http).await?,
        ClientId::new(oidc.client_id.clone()),
        Some(ClientSecret::new(secrecy::ExposeSecret::expose_secret(&oidc.client_secret).to_owned())),
    )
    .set_redirect_uri(RedirectUrl::new(oidc.redirect_url.clone()).map_err(|e| provider_error(&e.to_string()))?))
}

fn settings(state: &AppState) -> Result<&OidcSettings, AppError> {
    state.settings.oidc.as_ref().ok_or(AppError::NotFound)
}

/// The provider's sign-in address, and the sealed value to keep in a cookie until the callback.
pub async fn start(state: &AppState, next: Option<&str>) -> Result<(String, String), AppError> {
    let oidc = settings(state)?;
    let http = http_client()?;
    let client = client(oidc, &http).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(AuthenticationFlow::<CoreResponseType>::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = PendingSignIn {
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        next: super::model::safe_next(next),
    };
    let sealed = tokens::seal(&state.settings.secret_key, PENDING_AUDIENCE, &pending, PENDING_SECONDS);
    Ok((url.to_string(), sealed))
}

/// Completes the sign-in: checks `state` against the sealed cookie, exchanges `code`
/// (with the PKCE verifier), verifies the ID token and its nonce, then signs the user in.
/// Returns the user, their session token and where to go next.
pub async fn finish(
    state: &AppState,
    sealed: Option<&str>,
    code: &str,
    returned_state: &str,
    client_info: &service::ClientInfo,
) -> Result<(CurrentUser, String, String), AppError> {
    let oidc = settings(state)?;
    let pending: PendingSignIn = sealed
        .and_then(|s| tokens::open(&state.settings.secret_key, PENDING_AUDIENCE, s))
        .ok_or_else(|| bad_callback("the sign-in took too long or was started elsewhere; try again"))?;
    if pending.state.is_empty() || pending.state != returned_state {
        return Err(bad_callback("the sign-in state does not match; try again"));
    }
    let http = http_client()?;
    let client = client(oidc, &http).await?;
    let response = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| provider_error(&e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
        .request_async(&http)
        .await
        .map_err(|_| bad_callback("the provider refused the sign-in code; try again"))?;
    let id_token = response.id_token().ok_or_else(|| bad_callback("the provider sent no identity"))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce.clone()))
        .map_err(|_| bad_callback("the provider's identity could not be verified"))?;
    let email = claims.email().map(|e| e.as_str().to_owned()).ok_or_else(|| bad_callback("the provider sent no email address"))?;
    let verified = claims.email_verified() == Some(true);
    let (user, token) = service::sign_in_with_provider(state, claims.subject().as_str(), &email, verified, client_info).await?;
    Ok((user, token, pending.next))
}
