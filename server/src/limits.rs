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
}

impl KeyExtractor for Caller {
    type Key = CallerKey;

    fn extract<T>(&self, req: &Request<T>) -> Result<Self::Key, GovernorError> {
        if let Some(credential) = app::auth::service::token_from_headers(req.headers(), self.session_cookie) {
            let mut hasher = DefaultHasher::new();
            credential.hash(&mut hasher);
            return Ok(CallerKey::Credential(hasher.finish()));
        }
        let peer = req.extensions().get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let client = app::auth::service::client_info_from(req.headers(), peer, self.trust_forwarded_for);
        client.ip.and_then(|ip| ip.parse().ok()).map(CallerKey::Address).ok_or(GovernorError::UnableToExtractKey)
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
