//! Single sign-on against a small OpenID provider that the test itself runs on loopback:
//! discovery, JWKS, authorization and token endpoints, RS256 ID tokens. No network.
use app::{domain::Role, server::entities::users};
use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use crate::common::{TestApp, TestDb, insert_user, new_client, spawn_app_with};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::{Value, json};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

const CLIENT_ID: &str = "tracker-test-client";
const CLIENT_SECRET: &str = "tracker-test-secret";

/// Who the provider says is signing in next.
#[derive(Clone)]
struct Identity {
    subject: String,
    email: String,
    verified: bool,
}

struct Grant {
    identity: Identity,
    nonce: String,
    challenge: String,
    used: bool,
}

/// How the provider misbehaves, so that the product's own checks are what refuses.
#[derive(Clone, Copy, Default, PartialEq)]
enum Tamper {
    #[default]
    Nothing,
    /// The ID token carries a nonce the sign-in never sent.
    WrongNonce,
    /// The ID token was issued to another client.
    ForeignAudience,
    /// Codes are redeemed again, and PKCE is not checked: replay protection is the product's.
    ReusesCodes,
}

#[derive(Clone)]
struct Provider {
    issuer: String,
    next: Arc<Mutex<Option<Identity>>>,
    grants: Arc<Mutex<HashMap<String, Grant>>>,
    tamper: Arc<Mutex<Tamper>>,
}

async fn discovery(State(p): State<Provider>) -> Json<Value> {
    Json(json!({
        "issuer": p.issuer,
        "authorization_endpoint": format!("{}/authorize", p.issuer),
        "token_endpoint": format!("{}/token", p.issuer),
        "jwks_uri": format!("{}/jwks", p.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("fixtures/oidc_test_jwks.json")).into_response()
}

async fn authorize(State(p): State<Provider>, Query(q): Query<HashMap<String, String>>) -> Response {
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["code_challenge_method"], "S256", "PKCE is used");
    let identity = p.next.lock().unwrap().clone().expect("the test sets who signs in");
    let code = format!("code-{}", p.grants.lock().unwrap().len());
    p.grants.lock().unwrap().insert(
        code.clone(),
        Grant { identity, nonce: q["nonce"].clone(), challenge: q["code_challenge"].clone(), used: false },
    );
    Redirect::to(&format!("{}?code={code}&state={}", q["redirect_uri"], q["state"])).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    code: String,
    code_verifier: String,
}

async fn token(State(p): State<Provider>, headers: HeaderMap, Form(form): Form<TokenForm>) -> Response {
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(&format!("Basic {basic}")) {
        return (StatusCode::UNAUTHORIZED, Json(json!({ "error": "invalid_client" }))).into_response();
    }
    let tamper = *p.tamper.lock().unwrap();
    let mut grants = p.grants.lock().unwrap();
    let Some(grant) = grants.get_mut(&form.code).filter(|g| !g.used || tamper == Tamper::ReusesCodes) else {
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_grant" }))).into_response();
    };
    grant.used = true;
    let expected = openidconnect::PkceCodeChallenge::from_code_verifier_sha256(&openidconnect::PkceCodeVerifier::new(form.code_verifier));
    if expected.as_str() != grant.challenge && tamper != Tamper::ReusesCodes {
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_grant" }))).into_response();
    }
    let now = chrono::Utc::now().timestamp();
    let nonce = if tamper == Tamper::WrongNonce { "a-nonce-from-another-sign-in".to_owned() } else { grant.nonce.clone() };
    let audience = if tamper == Tamper::ForeignAudience { "another-client" } else { CLIENT_ID };
    let claims = json!({
        "iss": p.issuer, "aud": audience, "sub": grant.identity.subject, "iat": now, "exp": now + 300,
        "nonce": nonce, "email": grant.identity.email, "email_verified": grant.identity.verified,
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("test-key".into());
    let key = jsonwebtoken::EncodingKey::from_rsa_der(include_bytes!("fixtures/oidc_test_key.der"));
    let id_token = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    Json(json!({ "access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token })).into_response()
}

async fn spawn_provider() -> Provider {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let provider = Provider { issuer, next: Default::default(), grants: Default::default(), tamper: Default::default() };
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    provider
}

async fn app_with_provider(db: TestDb) -> (TestApp, Provider) {
    let provider = spawn_provider().await;
    let app = spawn_app_with(
        db,
        &[("OIDC_CLIENT_ID", CLIENT_ID), ("OIDC_CLIENT_SECRET", CLIENT_SECRET), ("OIDC_ISSUER_URL", &provider.issuer.clone())],
    )
    .await;
    (app, provider)
}

/// Runs the browser's part: start, visit the provider, return to the callback.
/// Returns the callback's response and the client (with its cookies).
async fn sign_in_through(app: &TestApp, provider: &Provider, identity: Identity) -> (reqwest::Response, reqwest::Client) {
    *provider.next.lock().unwrap() = Some(identity);
    let client = new_client();
    let start = client.get(app.url("/auth/oidc/start?next=/profile")).send().await.unwrap();
    assert_eq!(start.status(), 303);
    let to_provider = start.headers()["location"].to_str().unwrap().to_owned();
    assert!(to_provider.starts_with(&provider.issuer), "{to_provider}");
    let back = client.get(&to_provider).send().await.unwrap();
    let callback = back.headers()["location"].to_str().unwrap().to_owned();
    let response = client.get(&callback).send().await.unwrap();
    (response, client)
}

fn identity(subject: &str, email: &str, verified: bool) -> Identity {
    Identity { subject: subject.into(), email: email.into(), verified }
}

async fn who(app: &TestApp, client: &reqwest::Client) -> Value {
    use leptos::server_fn::ServerFn;
    client.post(app.url(app::auth::api::WhoAmI::PATH)).send().await.unwrap().json().await.unwrap()
}

on_both_databases!(
    a_verified_new_user_signs_in_and_lands_where_they_were_going,
    a_verified_email_links_to_the_existing_account,
    an_unverified_email_is_neither_linked_nor_created,
    a_callback_with_the_wrong_state_is_refused,
    a_replayed_code_is_refused_by_the_product,
    an_identity_with_the_wrong_nonce_is_refused,
    an_identity_issued_to_another_client_is_refused,
    the_google_button_is_offered_only_when_configured,
);

async fn a_verified_new_user_signs_in_and_lands_where_they_were_going(db: TestDb) {
    let (app, provider) = app_with_provider(db).await;

    let (response, client) = sign_in_through(&app, &provider, identity("g-1", "New.Person@example.com", true)).await;

    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/profile");
    let me = who(&app, &client).await;
    assert_eq!((me["email"].as_str(), me["role"].as_str()), (Some("new.person@example.com"), Some("REPORTER")));
    let row = users::Entity::find().filter(users::Column::GoogleId.eq("g-1")).one(app.db()).await.unwrap().unwrap();
    assert_eq!(row.hashed_password, None);
}

async fn a_verified_email_links_to_the_existing_account(db: TestDb) {
    let (app, provider) = app_with_provider(db).await;
    let existing = insert_user(app.db(), "rita@example.com", Role::Maintainer).await;

    let (response, client) = sign_in_through(&app, &provider, identity("g-2", "rita@example.com", true)).await;

    assert_eq!(response.status(), 303);
    assert_eq!(who(&app, &client).await["role"], "MAINTAINER");
    let row = users::Entity::find_by_id(existing.id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(row.google_id.as_deref(), Some("g-2"));
}

async fn an_unverified_email_is_neither_linked_nor_created(db: TestDb) {
    let (app, provider) = app_with_provider(db).await;
    let existing = insert_user(app.db(), "rita@example.com", Role::Admin).await;

    let (taken, client) = sign_in_through(&app, &provider, identity("g-evil", "rita@example.com", false)).await;
    let (fresh, _) = sign_in_through(&app, &provider, identity("g-new", "fresh@example.com", false)).await;

    assert_eq!(taken.status(), 400);
    assert_eq!(fresh.status(), 400);
    assert!(taken.text().await.unwrap().contains("not verified"));
    assert_eq!(who(&app, &client).await, Value::Null);
    let row = users::Entity::find_by_id(existing.id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(row.google_id, None, "no link on an unverified address");
    assert!(users::Entity::find().filter(users::Column::Email.eq("fresh@example.com")).one(app.db()).await.unwrap().is_none());
}

async fn a_callback_with_the_wrong_state_is_refused(db: TestDb) {
    let (app, provider) = app_with_provider(db).await;
    *provider.next.lock().unwrap() = Some(identity("g-3", "sam@example.com", true));
    let client = new_client();
    let start = client.get(app.url("/auth/oidc/start")).send().await.unwrap();
    let to_provider = start.headers()["location"].to_str().unwrap().to_owned();
    let back = client.get(&to_provider).send().await.unwrap();
    let callback = back.headers()["location"].to_str().unwrap().to_owned();
    let forged = callback.replace("state=", "state=forged");

    let wrong_state = client.get(&forged).send().await.unwrap();
    let no_cookie = new_client().get(&callback).send().await.unwrap();

    assert_eq!(wrong_state.status(), 400);
    assert_eq!(no_cookie.status(), 400, "a callback without the pending sign-in cookie is refused");
    assert_eq!(who(&app, &client).await, Value::Null);
}

/// The message the product answers when its own check of the ID token fails.
const UNVERIFIED: &str = "the provider&#x27;s identity could not be verified";

async fn refused_by_the_product(app: &TestApp, response: reqwest::Response) {
    assert_eq!(response.status(), 400);
    let page = response.text().await.unwrap();
    assert!(page.contains(UNVERIFIED) || page.contains("the provider's identity could not be verified"), "{page}");
    let accounts = users::Entity::find().all(app.db()).await.unwrap();
    assert!(accounts.iter().all(|u| u.google_id.is_none()), "no account made or linked");
}

async fn an_identity_with_the_wrong_nonce_is_refused(db: TestDb) {
    let (app, provider) = app_with_provider(db).await;
    *provider.tamper.lock().unwrap() = Tamper::WrongNonce;

    let (response, client) = sign_in_through(&app, &provider, identity("g-5", "nina@example.com", true)).await;

    refused_by_the_product(&app, response).await;
    assert_eq!(who(&app, &client).await, Value::Null);
}

async fn an_identity_issued_to_another_client_is_refused(db: TestDb) {
    let (app, provider) = app_with_provider(db).await;
    *provider.tamper.lock().unwrap() = Tamper::ForeignAudience;

    let (response, client) = sign_in_through(&app, &provider, identity("g-6", "ada@example.com", true)).await;

    refused_by_the_product(&app, response).await;
    assert_eq!(who(&app, &client).await, Value::Null);
}

/// A provider that redeems a spent code again (and skips PKCE) still cannot replay a sign-in:
/// the code's ID token carries the first sign-in's nonce, which the new one did not send.
async fn a_replayed_code_is_refused_by_the_product(db: TestDb) {
    let (app, provider) = app_with_provider(db).await;
    let (first, _) = sign_in_through(&app, &provider, identity("g-4", "pat@example.com", true)).await;
    assert_eq!(first.status(), 303);
    *provider.tamper.lock().unwrap() = Tamper::ReusesCodes;
    let linked_before = users::Entity::find().all(app.db()).await.unwrap().len();
    // A new sign-in attempt (fresh state) that smuggles in the spent code.
    let client = new_client();
    let start = client.get(app.url("/auth/oidc/start")).send().await.unwrap();
    let to_provider = start.headers()["location"].to_str().unwrap().to_owned();
    let state = to_provider.split("state=").nth(1).unwrap().split('&').next().unwrap().to_owned();

    let replay = client.get(app.url(&format!("/auth/oidc/callback?code=code-0&state={state}"))).send().await.unwrap();

    assert_eq!(replay.status(), 400);
    let page = replay.text().await.unwrap();
    assert!(page.contains(UNVERIFIED) || page.contains("the provider's identity could not be verified"), "{page}");
    assert_eq!(who(&app, &client).await, Value::Null);
    assert_eq!(users::Entity::find().all(app.db()).await.unwrap().len(), linked_before);
}

async fn the_google_button_is_offered_only_when_configured(db: TestDb) {
    let (app, _provider) = app_with_provider(db).await;
    let plain = crate::common::spawn_app(TestDb::sqlite().await).await;

    let with = app.client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let without = plain.client.get(plain.url("/login")).send().await.unwrap().text().await.unwrap();
    let start_unconfigured = plain.client.get(plain.url("/auth/oidc/start")).send().await.unwrap();

    assert!(with.contains("Sign in with Google"), "{with}");
    assert!(!without.contains("Sign in with Google"));
    assert_eq!(start_unconfigured.status(), 404);
}
