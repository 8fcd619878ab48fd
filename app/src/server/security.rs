//! Security headers for pages: a Content-Security-Policy that admits only this site's
//! scripts, the WASM, and inline scripts that carry the page's nonce.
use super::AppState;
use axum::http::{HeaderValue, header};
use leptos::prelude::*;

/// The policy for a server-rendered page with `nonce`.
pub fn page_csp(nonce: &str, development: bool) -> String {
    // In development the live-reload script talks to cargo-leptos over a websocket.
    let reload = if development { " ws://127.0.0.1:3001 ws://localhost:3001" } else { "" };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{reload}; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// Sets the page's CSP on the response, with the nonce Leptos put on its inline scripts.
pub fn send_page_csp() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    let development = use_context::<AppState>().is_some_and(|s| s.settings.development);
    if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce.to_string(), development)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
