//! The router: pages, server functions, health, static assets, and the layers around them.
use crate::health;
use app::{App, server::AppState, shell};
use axum::{
    Router,
    body::Body,
    extract::Request,
    http::{HeaderName, header},
    middleware::{self, Next},
    response::Response,
    routing::get,
};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list, handle_server_fns_with_context};
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    sensitive_headers::SetSensitiveRequestHeadersLayer,
    trace::TraceLayer,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application as one axum router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let server_fns = {
        let context = context.clone();
        move |req: Request<Body>| handle_server_fns_with_context(context.clone(), req)
    };
    let options = state.leptos_options.clone();
    Router::new()
        .route("/health", get(health::ready))
        .route("/health/live", get(health::live))
        .route("/api/fn/{*name}", get(server_fns.clone()).post(server_fns))
        .leptos_routes_with_context(&state, routes, context, move || shell(options.clone()))
        .fallback(file_and_error_handler::<AppState, _>(shell))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, header::COOKIE]))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                    let request_id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    // The path only: query strings can carry search terms or tokens.
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::from_fn(scope_request_id))
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
}

/// Makes the request id available to services (for error reports) while the request runs.
async fn scope_request_id(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map_or_else(app::server::request_id::fresh, str::to_owned);
    app::server::request_id::REQUEST_ID.scope(id, next.run(req)).await
}
