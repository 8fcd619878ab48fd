//! Protection for the API: a request rate per caller, and CORS for the origins an operator
//! allows (none by default).
use app::server::rest::ApiError;
use app::{
    error::AppError,
    server::{AppState, Settings},
};
use axum::{
    Router,
    body::Body,
    http::{HeaderValue, Method, Request, Response, header},
    response::IntoResponse,
};
use std::{
    hash::{DefaultHasher, Hash, Hasher},
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};
use tower_governor::{GovernorLayer, errors::GovernorError, governor::GovernorConfigBuilder, key_extractor::KeyExtractor};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Who is calling: a token or session (hashed, never kept) when there is one, else the address.
#[derive(Clone)]
pub struct Caller {
    session_cookie: &'static str,
    trust_forwarded_for: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CallerKey {
    Credential(u64),
    Address(IpAddr),
    Account(i64),
}

impl Caller {
    /// The address `req` comes from, when known (the forwarded one only if trusted).
    fn address<T>(&self, req: &Request<T>) -> Option<CallerKey> {
        let peer = req.extensions().get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let client = app::auth::service::client_info_from(req.headers(), peer, self.trust_forwarded_for);
        client.ip.and_then(|ip| ip.parse().ok()).map(CallerKey::Address)
    }
}

impl KeyExtractor for Caller {
    type Key = CallerKey;

    fn extract<T>(&self, req: &Request<T>) -> Result<Self::Key, GovernorError> {
        if let Some(credential) = app::auth::service::token_from_headers(req.headers(), self.session_cookie) {
            let mut hasher = DefaultHasher::new();
            credential.hash(&mut hasher);
            return Ok(CallerKey::Credential(hasher.finish()));
        }
        self.address(req).ok_or(GovernorError::UnableToExtractKey)
    }
}

/// `routes` behind the API's rate limit per caller (answered in its error shape, with
/// `Retry-After`), and behind CORS when origins are configured.
pub fn protect(mut routes: Router<AppState>, settings: &Settings) -> Router<AppState> {
    if settings.api_rate_per_minute > 0 {
        let caller = Caller { session_cookie: settings.cookie_name(), trust_forwarded_for: settings.trust_forwarded_for };
        let config = GovernorConfigBuilder::default()
            .key_extractor(caller)
            .period(Duration::from_secs(60) / settings.api_rate_per_minute)
            .burst_size(settings.api_rate_burst)
            .finish()
            .expect("a positive rate and burst");
        let config = Arc::new(config);
        // Forget callers that have been quiet long enough to be back at a full burst.
        let limiter = config.limiter().clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                limiter.retain_recent();
            }
        });
        routes = routes.layer(GovernorLayer::new(config).error_handler(refusal));
    }
    if let Some(cors) = cors(settings) {
        routes = routes.layer(cors);
    }
    routes
}

fn refusal(err: GovernorError) -> Response<Body> {
    match err {
        GovernorError::TooManyRequests { wait_time, .. } => {
            metrics::counter!("api_rate_limited_total").increment(1);
            ApiError(AppError::RateLimited { retry_after_secs: wait_time.max(1) }).into_response()
        }
        GovernorError::UnableToExtractKey => ApiError(AppError::Forbidden).into_response(),
        GovernorError::Other { code, .. } => code.into_response(),
    }
}

/// Who runs how many uploads: each by the account it is signed in as and by the address it
/// comes from, so neither one account on many addresses nor many accounts on one address runs
/// more than the limit at once.
#[derive(Clone)]
pub struct UploadSlots {
    limit: usize,
    caller: Caller,
    running: Arc<std::sync::Mutex<std::collections::HashMap<CallerKey, usize>>>,
}

/// A running upload's hold on its slots, given back when the request ends however it ends.
struct Held {
    keys: Vec<CallerKey>,
    running: Arc<std::sync::Mutex<std::collections::HashMap<CallerKey, usize>>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for key in &self.keys {
            if let Some(count) = running.get_mut(key) {
                *count -= 1;
                if *count == 0 {
                    running.remove(key);
                }
            }
        }
    }
}

impl UploadSlots {
    /// `UPLOADS_AT_ONCE` slots per account and per address, none in use.
    pub fn new(settings: &Settings) -> UploadSlots {
        UploadSlots {
            limit: settings.uploads_at_once,
            caller: Caller { session_cookie: settings.cookie_name(), trust_forwarded_for: settings.trust_forwarded_for },
            running: Arc::default(),
        }
    }

    /// A slot for each of `keys`, or none when one of them has all of its own in use.
    fn take(&self, keys: Vec<CallerKey>) -> Option<Held> {
        let mut running = self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if keys.iter().any(|key| running.get(key).copied().unwrap_or(0) >= self.limit) {
            return None;
        }
        for key in &keys {
            *running.entry(key.clone()).or_insert(0) += 1;
        }
        Some(Held { keys, running: self.running.clone() })
    }
}

/// Runs the upload `req` in a slot of its account's and its address's, or answers 429 when
/// either has every slot in use. A request that is not signed in is counted by its address
/// only (the handler refuses it).
pub async fn in_upload_slot(slots: UploadSlots, state: AppState, req: Request<Body>, next: axum::middleware::Next) -> Response<Body> {
    let mut keys: Vec<CallerKey> = slots.caller.address(&req).into_iter().collect();
    if let Some(token) = app::auth::service::token_from_headers(req.headers(), slots.caller.session_cookie) {
        match app::auth::service::authenticate(&state, &token).await {
            Ok(user) => keys.push(CallerKey::Account(user.id)),
            // A bad token is the handler's to refuse; any other failure (the database) is
            // answered here, so no upload runs without its account's cap.
            Err(AppError::Unauthorized) => {}
            Err(other) => return ApiError(other).into_response(),
        }
    }
    let Some(held) = slots.take(keys) else {
        metrics::counter!("uploads_refused_total").increment(1);
        return ApiError(AppError::RateLimited { retry_after_secs: 5 }).into_response();
    };
    let response = next.run(req).await;
    drop(held);
    response
}

/// CORS for the configured origins: bearer-token calls from their pages, with the API's
/// headers readable. `None` when no origin is configured (the browser's same-origin rule holds).
fn cors(settings: &Settings) -> Option<CorsLayer> {
    if settings.cors_allowed_origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = settings.cors_allowed_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::IF_MATCH])
            .expose_headers([header::LOCATION, header::ETAG, header::RETRY_AFTER])
            .max_age(Duration::from_secs(3600)),
    )
}
