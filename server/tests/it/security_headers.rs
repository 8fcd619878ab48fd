//! Every response carries the security headers, errors included.
use crate::common::{TestDb, spawn_app};

on_both_databases!(pages_get_a_nonce_csp_and_other_responses_a_locked_down_one);

async fn pages_get_a_nonce_csp_and_other_responses_a_locked_down_one(db: TestDb) {
    let app = spawn_app(db).await;

    let page = app.client.get(app.url("/login")).send().await.unwrap();
    let missing = app.client.get(app.url("/nowhere")).send().await.unwrap();
    let health = app.client.get(app.url("/health")).send().await.unwrap();

    for response in [&page, &missing, &health] {
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("base-uri 'none'"), "{csp}");
        assert!(headers.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    }
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("object-src 'none'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the header's nonce");
    assert!(!html.contains("<script>"), "no inline script without a nonce");
    assert!(health.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
}
