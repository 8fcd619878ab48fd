//! Prometheus metrics at `/metrics`: requests by route and status with latency histograms,
//! the database pool, open sockets and notices sent, the mail outbox, and business counters. A process has one
//! recorder; every router in it (tests start many) renders from the same handle.
use app::server::rest::ApiError;
use app::{error::AppError, server::AppState};
use axum::{
    extract::{MatchedPath, Request, State},
    http::{HeaderMap, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::{sync::OnceLock, time::Instant};

/// Latency buckets in seconds: fine below 50 ms, where pages are meant to be.
const LATENCY_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The process's recorder, installed on first use.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full("http_request_duration_seconds".into()), LATENCY_BUCKETS)
                .expect("valid buckets")
                .install_recorder()
                .expect("the only metrics recorder")
        })
        .clone()
}

/// The `/metrics` route, beside the app or (with `METRICS_ADDR`) on a listener of its own.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/metrics", axum::routing::get(render))
}

/// The private listener's whole app: `/metrics` and nothing else.
pub fn private_router(state: AppState) -> axum::Router {
    routes().with_state(state)
}

/// Counts each request by method, route pattern (never the raw path: ids would explode the
/// series) and status, and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let labels = [("method", method), ("route", route), ("status", response.status().as_u16().to_string())];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`: the Prometheus text format. With `METRICS_TOKEN` set, only for a matching
/// bearer token.
pub async fn render(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(expected) = &state.settings.metrics_token {
        let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if given.map(str::as_bytes) != Some(secrecy::ExposeSecret::expose_secret(expected).as_bytes()) {
            return Err(AppError::Unauthorized.into());
        }
    }
    // Gauges read at scrape time, so they are never stale.
    let (size, idle) = match state.db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = state.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    metrics::gauge!("db_pool_connections").set(f64::from(size));
    metrics::gauge!("db_pool_idle_connections").set(idle as f64);
    metrics::gauge!("websocket_connections").set(state.events.listeners() as f64);
    if state.settings.mail.enabled() {
        // Read from the table: the truth across restarts and instances.
        let outbox = app::server::mail::counts(&state.db).await.map_err(AppError::from)?;
        metrics::gauge!("mail_outbox_queued").set(outbox.queued as f64);
        metrics::gauge!("mail_outbox_failed").set(outbox.failed as f64);
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle().render()).into_response())
}
