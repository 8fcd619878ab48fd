//! The router: pages, server functions, health, static assets, and the layers around them.
use crate::health;
use app::{
    App,
    server::{
        AppState,
        rest::{ErrorBody, ErrorCode},
    },
    shell,
};
use axum::{
    Router,
    body::Body,
    extract::Request,
    extract::{DefaultBodyLimit, State},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::Response,
    handler::Handler,
    routing::get,
};
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list, handle_server_fns_with_context};
use tower::ServiceBuilder;
use tower_http::{
    CompressionLevel,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    services::ServeDir,
    timeout::{RequestBodyTimeoutLayer, TimeoutLayer},
    csrf::{CsrfLayer, ProtectionError},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    sensitive_headers::SetSensitiveRequestHeadersLayer,
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The pages' routes, worked out once per process. Working them out renders the app with its
/// data loading switched off by a flag that is global to the process; two routers built at the
/// same moment (the tests run many servers in one process) would switch it back on under each
/// other, and the app's data would load with no request behind it.
static ROUTES: std::sync::LazyLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::LazyLock::new(|| generate_route_list(App));

/// The whole application as one axum router.
pub fn router(state: AppState) -> Router {
    let routes = ROUTES.clone();
    let context = {
        let state = state.clone();
        move || app::auth::api::provide_request_context(&state)
    };
    let server_fns = {
        let context = context.clone();
        move |req: Request<Body>| handle_server_fns_with_context(context.clone(), req)
    };
    let options = state.leptos_options.clone();
    let secure = state.settings.secure;
    let max_header_bytes = state.settings.max_header_bytes;
    let upload_slots = crate::limits::UploadSlots::new(&state.settings);
    let upload_limit = usize::try_from(state.settings.attachment_max_bytes + app::attachments::rest::MULTIPART_OVERHEAD_BYTES).unwrap_or(usize::MAX);
    let crate::api::Api { routes: api, uploads, doc: api_doc } = crate::api::api();
    let docs = Router::<AppState>::from(utoipa_swagger_ui::SwaggerUi::new("/docs").url("/api-docs/openapi.json", api_doc))
        // The docs page's own policy: its scripts and styles from this site only (it sets some
        // styles inline), nothing from anywhere else.
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCS_CSP)));
    let api = crate::limits::protect(api, &state.settings);
    let pages_and_api = Router::new()
        .merge(api)
        .merge(docs)
        .route("/health", get(health::ready))
        .route("/health/live", get(health::live))
        .route("/auth/oidc/start", get(crate::oidc::start))
        .route("/auth/oidc/callback", get(crate::oidc::callback))
        .merge(app::attachments::rest::file_routes())
        .route("/ws", get(crate::live::socket))
        .route("/admin/audit/export.csv", get(crate::audit::export_csv))
        .route("/admin/audit/export.json", get(crate::audit::export_json))
        .route("/api/fn/{*name}", get(server_fns.clone()).post(server_fns))
        .merge(if state.settings.metrics_separate { Router::new() } else { crate::metrics::routes() })
        .leptos_routes_with_context(&state, routes, context, move || shell(options.clone()))
        .fallback_service(static_files(&state))
        // No form or JSON body needs more; larger bodies get 413 before they are read.
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(middleware::from_fn(|req, next| refuse_oversized(MAX_BODY_BYTES as u64, req, next)))
        // No request may hold a connection without an answer: 408 once the limit passes.
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.settings.request_timeout))
        // The API answers those two in its own error shape too.
        .layer(middleware::from_fn(api_error_shape));
    // Uploads stream up to the attachment limit: a declared length over it is 413 before
    // anything is read; a stalled body, or one still coming at the deadline, is 408; and each
    // account and address runs a few at once (429 beyond).
    let uploads = crate::limits::protect(uploads, &state.settings)
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(RequestBodyLimitLayer::new(upload_limit))
        .layer(middleware::from_fn(move |req, next| refuse_oversized(upload_limit as u64, req, next)))
        .layer(RequestBodyTimeoutLayer::new(UPLOAD_IDLE_TIMEOUT))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.settings.upload_timeout))
        .layer(middleware::from_fn_with_state(state.clone(), move |State(state): State<AppState>, req, next| {
            crate::limits::in_upload_slot(upload_slots.clone(), state, req, next)
        }));
    pages_and_api
        .merge(uploads)
        // Inside the router, so the matched route pattern is known.
        .route_layer(middleware::from_fn(crate::metrics::track))
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
                .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(API_CSP)))
                .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
                .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::STRICT_TRANSPORT_SECURITY,
                    secure.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
                ))
                // Inside the layers above, so the refusals carry the request id and the headers.
                .layer(middleware::from_fn(move |req, next| screen_headers(max_header_bytes, req, next)))
                // zstd where the browser takes it (its level 3 compresses a page of 50 issues
                // ten times faster than brotli's 4, to within a tenth of the size), else brotli
                // or gzip at level 3. Precompressed assets are sent as they are.
                .layer(CompressionLayer::new().quality(CompressionLevel::Precise(3)))
                // Cross-site writes are refused before they reach a handler or server function.
                .layer(csrf(&state.settings).with_rejection_response(|_: ProtectionError| cross_site_rejection())),
        )
        .with_state(state)
}

/// The site's files (the WASM, its script, the styles, the icon), precompressed where the build
/// made it so; any other address is the app's not-found page.
///
/// Served here rather than by leptos_axum's file handler: that one looks for the response's
/// headers in whatever reactive owner the thread last left current, so a file fetched while a
/// page rendered on the same thread took that page's headers (its Content-Security-Policy among
/// them), and the page went out without them: unstyled, its scripts blocked.
fn static_files(state: &AppState) -> ServeDir<impl tower::Service<Request, Response = Response, Error = std::convert::Infallible, Future: Send> + Clone + Send + Sync + 'static> {
    let not_found = file_and_error_handler::<AppState, _>(shell).with_state(state.clone());
    ServeDir::new(&*state.leptos_options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found)
}

pub use app::server::rest::MAX_BODY_BYTES;

/// How long an upload's body may pause before the request is dropped with 408.
pub const UPLOAD_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);


/// The policy for the API's docs page.
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy for everything that is not a page (JSON, files, errors): nothing may run.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Cross-site writes are refused, except from the origins allowed to call the API (CORS).
fn csrf(settings: &app::server::Settings) -> CsrfLayer {
    settings.cors_allowed_origins.iter().fold(CsrfLayer::new(), |layer, origin| layer.add_trusted_origin(origin).expect("checked when the configuration was read"))
}

fn cross_site_rejection() -> Response {
    ErrorBody::new(ErrorCode::Forbidden, "cross-site request refused").into_response_with(StatusCode::FORBIDDEN)
}

/// How far over its limit a declared body may be and still be read (and dropped) before the 413.
const DRAIN_EXCESS_BYTES: u64 = 8 * 1024 * 1024;

/// Answers a body declared over `limit` with 413. A modest excess is read and dropped first:
/// closing a connection with bytes unread resets it, and the client, still sending, would lose
/// the answer. A larger one is refused at once.
async fn refuse_oversized(limit: u64, req: Request, next: Next) -> Response {
    use futures::StreamExt;
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit => {
            if length - limit <= DRAIN_EXCESS_BYTES {
                let mut body = req.into_body().into_data_stream();
                let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async { while let Some(Ok(_)) = body.next().await {} }).await;
            }
            let mut response = Response::new(Body::from(format!("the request body is larger than the limit of {limit} bytes")));
            *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            response
        }
        _ => next.run(req).await,
    }
}

/// Refuses, before any body is read:
/// - a request whose headers hold more than `limit` bytes in all (431): no browser needs that
///   much, and every header is kept in memory while the request runs;
/// - a compressed request body (415): the server never expands what a client sends, so a small
///   body cannot grow past the body limits after they were checked, and an upload is stored
///   exactly as it arrived.
async fn screen_headers(limit: usize, req: Request, next: Next) -> Response {
    // As sent: the name, ": ", the value and the line's end.
    let total: usize = req.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    if total > limit {
        let message = format!("the request's headers hold {total} bytes, more than the limit of {limit}");
        return ErrorBody::new(ErrorCode::RequestHeadersTooLarge, message).into_response_with(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    }
    let encodings = req.headers().get_all(header::CONTENT_ENCODING);
    let compressed = encodings
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .map(<[u8]>::trim_ascii)
        .any(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case(b"identity"));
    if compressed {
        let message = "compressed request bodies are not accepted: send the body without Content-Encoding";
        return ErrorBody::new(ErrorCode::UnsupportedMediaType, message).into_response_with(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
    next.run(req).await
}

/// Gives the limit and timeout layers' plain answers on `/api/v1` the API's JSON error shape.
async fn api_error_shape(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/v1/");
    let response = next.run(req).await;
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !is_api || is_json {
        return response;
    }
    let (code, message) = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::PayloadTooLarge, format!("the request body is larger than the limit of {MAX_BODY_BYTES} bytes")),
        StatusCode::REQUEST_TIMEOUT => (ErrorCode::RequestTimeout, "the request took too long; try again".to_owned()),
        _ => return response,
    };
    ErrorBody::new(code, message).into_response_with(response.status())
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
