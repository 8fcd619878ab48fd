//! Every response carries the security headers, errors included.
use crate::common::{TestDb, spawn_app, spawn_app_with};
use app::domain::Role;

on_both_databases!(pages_get_a_nonce_csp_and_other_responses_a_locked_down_one, pages_keep_their_headers_while_files_are_served_beside_them);

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

/// Pages render while the site's files are fetched beside them, as a browser does after each
/// page. Every page keeps its own policy and every file gets the locked-down one: a file's
/// response never carries a page's headers, and a page never goes out without them.
async fn pages_keep_their_headers_while_files_are_served_beside_them(db: TestDb) {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/tracker.css"), "body { margin: 0 }".repeat(200)).unwrap();
    std::fs::write(site.path().join("favicon.png"), [0x89, b'P', b'N', b'G']).unwrap();
    let app = spawn_app_with(db, &[("LEPTOS_SITE_ROOT", site.path().to_str().unwrap())]).await;
    let (_, client) = app.signed_in("pages@example.com", Role::Admin).await;

    let (client, app) = (&client, &app);
    let page = || async move {
        let response = client.get(app.url("/issues")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned())
    };
    let file = |path: &'static str| async move {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_owned())
    };
    let rounds = (0..40).map(|_| async move { tokio::join!(page(), file("/pkg/tracker.css"), file("/favicon.png")) });
    for (page, css, icon) in futures::future::join_all(rounds).await {
        let page = page.expect("every page has a policy");
        assert!(page.contains("'nonce-") && page.contains("style-src 'self'"), "a page's own policy: {page}");
        for file in [css, icon] {
            let file = file.expect("every file has a policy");
            assert!(file.starts_with("default-src 'none'"), "a file's policy, not a page's: {file}");
        }
    }
}
