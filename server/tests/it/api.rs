//! The REST API on both databases: every endpoint's happy path, its errors in the one JSON
//! shape (401, 403, 404, 409, 413, 415, 422, 429), `If-Match`, `Location`, and a spec that
//! lists every route.
use crate::common::{TestApp, TestDb, insert_user, new_client, spawn_app, spawn_app_with};
use app::domain::Role;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};

on_both_databases!(
    tokens_sign_in_identify_and_sign_out,
    issues_are_filed_read_edited_and_moved,
    stale_and_missing_versions_change_nothing,
    comments_attachments_and_tags,
    users_and_the_dashboard,
    bad_bodies_get_the_error_shape,
    callers_are_rate_limited_one_by_one,
    personal_tokens_are_hashed_used_and_revoked,
    signing_out_with_a_personal_token_revokes_that_token_only,
    overlapping_writes_all_land,
);

pub struct Api<'a> {
    pub app: &'a TestApp,
    pub client: reqwest::Client,
    pub token: String,
}

impl Api<'_> {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.app.url(path)).bearer_auth(&self.token)
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let request = self.request(method, path);
        match body {
            Some(body) => request.json(&body),
            None => request,
        }
        .send()
        .await
        .expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, None).await
    }
}

/// A user with `role` and an API token for them.
pub async fn api<'a>(app: &'a TestApp, email: &str, role: Role) -> Api<'a> {
    insert_user(app.db(), email, role).await;
    let client = new_client();
    let response = client.post(app.url("/api/v1/tokens")).json(&json!({ "email": email, "password": crate::common::PASSWORD })).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let token = response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    Api { app, client, token }
}

/// Asserts the error shape and returns the code and the fields named.
pub async fn error(response: Response, status: u16) -> (String, Vec<String>) {
    assert_eq!(response.status(), status, "{:?}", response.headers());
    let body: Value = response.json().await.unwrap();
    let fields = body["error"]["fields"].as_array().unwrap_or_else(|| panic!("no fields in {body}")).iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect();
    assert!(body["error"]["message"].is_string(), "{body}");
    (body["error"]["code"].as_str().unwrap().to_owned(), fields)
}

async fn tokens_sign_in_identify_and_sign_out(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let anonymous = new_client();

    let me: Value = rita.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!((me["email"].as_str(), me["role"].as_str()), (Some("rita@example.com"), Some("REPORTER")));
    assert_eq!(error(anonymous.get(app.url("/api/v1/me")).send().await.unwrap(), 401).await.0, "unauthorized");
    let wrong = anonymous.post(app.url("/api/v1/tokens")).json(&json!({ "email": "rita@example.com", "password": "not it at all" })).send().await.unwrap();
    assert_eq!(error(wrong, 401).await.0, "unauthorized");
    let missing = anonymous.post(app.url("/api/v1/tokens")).json(&json!({ "email": "rita@example.com" })).send().await.unwrap();
    assert_eq!(error(missing, 422).await, ("validation_failed".into(), vec!["password".to_owned()]));

    let out = rita.send(Method::DELETE, "/api/v1/tokens/current", None).await;
    assert_eq!(out.status(), 204);
    assert_eq!(rita.get("/api/v1/me").await.status(), 401, "the token died with its session");

    // Failed sign-ins are limited per account: the eleventh is 429 with Retry-After.
    for attempt in 0..10 {
        let wrong = anonymous.post(app.url("/api/v1/tokens")).json(&json!({ "email": "otto@example.com", "password": "guess guess" })).send().await.unwrap();
        assert_eq!(error(wrong, 401).await.0, "unauthorized", "attempt {attempt} is answered, not limited");
    }
    let limited = anonymous.post(app.url("/api/v1/tokens")).json(&json!({ "email": "otto@example.com", "password": "guess guess" })).send().await.unwrap();
    assert!(limited.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(error(limited, 429).await.0, "rate_limited");
}

async fn file(api: &Api<'_>, title: &str, severity: &str) -> Value {
    let response = api.send(Method::POST, "/api/v1/issues", Some(json!({ "title": title, "description": "It **breaks**.", "severity": severity }))).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/issues/{}", body["summary"]["id"]));
    body
}

async fn issues_are_filed_read_edited_and_moved(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let otto = api(&app, "otto@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let ada = api(&app, "ada@example.com", Role::Admin).await;

    let filed = file(&rita, "Export crashes", "HIGH").await;
    let id = filed["summary"]["id"].as_i64().unwrap();
    assert_eq!(filed["description_html"], "<p>It <strong>breaks</strong>.</p>\n");
    let read = rita.get(&format!("/api/v1/issues/{id}")).await;
    assert_eq!(read.headers()["etag"], "\"1\"");
    assert_eq!(error(otto.get(&format!("/api/v1/issues/{id}")).await, 404).await.0, "not_found", "another reporter's issue does not exist for them");
    assert_eq!(error(rita.get("/api/v1/issues/abc").await, 404).await.0, "not_found");

    let edited = rita.request(Method::PATCH, &format!("/api/v1/issues/{id}")).header("if-match", "\"1\"").json(&json!({ "title": "Export crashes on large files", "description": "Still." })).send().await.unwrap();
    assert_eq!((edited.status().as_u16(), edited.headers()["etag"].to_str().unwrap()), (200, "\"2\""));
    assert_eq!(error(otto.send(Method::PATCH, &format!("/api/v1/issues/{id}"), Some(json!({ "title": "x", "description": "", "version": 2 }))).await, 404).await.0, "not_found");

    let refused = rita.send(Method::POST, &format!("/api/v1/issues/{id}/transitions"), Some(json!({ "status": "TRIAGED", "version": 2 }))).await;
    assert_eq!(error(refused, 403).await.0, "forbidden");
    let skip = mo.send(Method::POST, &format!("/api/v1/issues/{id}/transitions"), Some(json!({ "status": "DONE", "version": 2 }))).await;
    assert_eq!(error(skip, 422).await.1, ["status"]);
    let moved: Value = mo.send(Method::POST, &format!("/api/v1/issues/{id}/transitions"), Some(json!({ "status": "TRIAGED", "version": 2 }))).await.json().await.unwrap();
    assert_eq!((moved["status"].as_str(), moved["version"].as_i64()), (Some("TRIAGED"), Some(3)));
    let raised = mo.request(Method::PUT, &format!("/api/v1/issues/{id}/severity")).header("if-match", "3").json(&json!({ "severity": "CRITICAL" })).send().await.unwrap();
    assert_eq!(raised.json::<Value>().await.unwrap()["severity"], "CRITICAL");

    let listed: Value = mo.get("/api/v1/issues?status=TRIAGED&sort=severity").await.json().await.unwrap();
    assert_eq!((listed["total"].as_u64(), listed["items"][0]["id"].as_i64()), (Some(1), Some(id)));
    assert_eq!(otto.get("/api/v1/issues").await.json::<Value>().await.unwrap()["total"], 0);
    file(&otto, "Search me: zeppelin", "LOW").await;
    let found: Value = mo.get("/api/v1/issues?q=zeppelin").await.json().await.unwrap();
    assert_eq!(found["total"], 1);
    assert_eq!(error(mo.get("/api/v1/issues?status=SHIPPED&sort=oldest").await, 422).await.1, ["status", "sort"]);

    let activity: Value = rita.get(&format!("/api/v1/issues/{id}/activity")).await.json().await.unwrap();
    let kinds: Vec<&str> = activity.as_array().unwrap().iter().map(|e| e["Activity"]["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "title", "description", "status", "severity"]);

    assert_eq!(error(mo.send(Method::DELETE, &format!("/api/v1/issues/{id}"), None).await, 403).await.0, "forbidden");
    assert_eq!(ada.send(Method::DELETE, &format!("/api/v1/issues/{id}"), None).await.status(), 204);
    assert_eq!(rita.get(&format!("/api/v1/issues/{id}")).await.status(), 404);
    assert_eq!(ada.send(Method::POST, &format!("/api/v1/issues/{id}/restore"), None).await.status(), 204);
    assert_eq!(rita.get(&format!("/api/v1/issues/{id}")).await.status(), 200);
}

async fn stale_and_missing_versions_change_nothing(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let id = file(&rita, "Racing", "LOW").await["summary"]["id"].as_i64().unwrap();
    mo.send(Method::POST, &format!("/api/v1/issues/{id}/transitions"), Some(json!({ "status": "TRIAGED", "version": 1 }))).await;

    let stale = rita.request(Method::PATCH, &format!("/api/v1/issues/{id}")).header("if-match", "\"1\"").json(&json!({ "title": "Mine wins", "description": "" })).send().await.unwrap();
    assert_eq!(error(stale, 409).await.0, "stale_version");
    let stale_move = mo.send(Method::PUT, &format!("/api/v1/issues/{id}/tags"), Some(json!({ "tag_ids": [], "version": 1 }))).await;
    assert_eq!(error(stale_move, 409).await.0, "stale_version");
    let missing = rita.send(Method::PATCH, &format!("/api/v1/issues/{id}"), Some(json!({ "title": "Mine wins", "description": "" }))).await;
    assert_eq!(error(missing, 422).await.1, ["version"]);
    let garbled = rita.request(Method::PATCH, &format!("/api/v1/issues/{id}")).header("if-match", "*").json(&json!({ "title": "Mine wins", "description": "" })).send().await.unwrap();
    assert_eq!(error(garbled, 422).await.1, ["version"]);

    let now: Value = rita.get(&format!("/api/v1/issues/{id}")).await.json().await.unwrap();
    assert_eq!((now["summary"]["title"].as_str(), now["summary"]["version"].as_i64()), (Some("Racing"), Some(2)));
}

async fn comments_attachments_and_tags(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let id = file(&rita, "Needs words", "MEDIUM").await["summary"]["id"].as_i64().unwrap();

    assert_eq!(error(rita.send(Method::POST, "/api/v1/tags", Some(json!({ "name": "ui", "colour": "BLUE" }))).await, 403).await.0, "forbidden");
    let created = mo.send(Method::POST, "/api/v1/tags", Some(json!({ "name": "ui", "colour": "BLUE" }))).await;
    assert_eq!(created.status(), 201);
    let tag: Value = created.json().await.unwrap();
    let tag_id = tag["id"].as_i64().unwrap();
    assert_eq!(error(mo.send(Method::POST, "/api/v1/tags", Some(json!({ "name": "UI", "colour": "RED" }))).await, 409).await.0, "conflict");
    assert_eq!(error(mo.send(Method::POST, "/api/v1/tags", Some(json!({ "name": "x", "colour": "PLAID" }))).await, 422).await.1, ["colour"]);
    let renamed: Value = mo.send(Method::PATCH, &format!("/api/v1/tags/{tag_id}"), Some(json!({ "name": "frontend", "colour": "TEAL" }))).await.json().await.unwrap();
    assert_eq!(renamed["name"], "frontend");
    let tagged: Value = mo.send(Method::PUT, &format!("/api/v1/issues/{id}/tags"), Some(json!({ "tag_ids": [tag_id], "version": 1 }))).await.json().await.unwrap();
    assert_eq!(tagged["tags"][0]["name"], "frontend");
    assert_eq!(rita.get("/api/v1/tags").await.json::<Value>().await.unwrap().as_array().unwrap().len(), 1);
    assert_eq!(mo.send(Method::DELETE, &format!("/api/v1/tags/{tag_id}"), None).await.status(), 204);
    assert_eq!(mo.send(Method::DELETE, &format!("/api/v1/tags/{tag_id}"), None).await.status(), 404);

    let commented = rita.send(Method::POST, &format!("/api/v1/issues/{id}/comments"), Some(json!({ "body": "More *detail*" }))).await;
    assert_eq!(commented.status(), 201);
    let location = commented.headers()["location"].to_str().unwrap().to_owned();
    let comment: Value = commented.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/comments/{}", comment["id"]));
    assert_eq!(error(rita.send(Method::POST, &format!("/api/v1/issues/{id}/comments"), Some(json!({ "body": "  " }))).await, 422).await.1, ["body"]);
    assert_eq!(error(mo.send(Method::PATCH, &location, Some(json!({ "body": "Not yours" }))).await, 403).await.0, "forbidden");
    let edited: Value = rita.send(Method::PATCH, &location, Some(json!({ "body": "Even more" }))).await.json().await.unwrap();
    assert_eq!(edited["body"], "Even more");
    assert_eq!(rita.send(Method::DELETE, &location, None).await.status(), 204);

    let part = reqwest::multipart::Part::bytes(b"plain words".to_vec()).file_name("notes.txt");
    let uploaded = rita.request(Method::POST, &format!("/api/v1/issues/{id}/attachments")).multipart(reqwest::multipart::Form::new().part("file", part)).send().await.unwrap();
    assert_eq!(uploaded.status(), 201);
    let listed: Value = mo.get(&format!("/api/v1/issues/{id}/attachments")).await.json().await.unwrap();
    let attachment_id = listed[0]["id"].as_i64().unwrap();
    assert_eq!(listed[0]["content_type"], "text/plain; charset=utf-8");
    assert_eq!(mo.send(Method::DELETE, &format!("/api/v1/attachments/{attachment_id}"), None).await.status(), 204);
    assert_eq!(mo.get(&format!("/api/v1/issues/{id}/attachments")).await.json::<Value>().await.unwrap().as_array().unwrap().len(), 0);
}

async fn users_and_the_dashboard(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let ada = api(&app, "ada@example.com", Role::Admin).await;
    file(&rita, "Counted", "CRITICAL").await;

    assert_eq!(error(mo.get("/api/v1/users").await, 403).await.0, "forbidden");
    let users: Value = ada.get("/api/v1/users?search=rita").await.json().await.unwrap();
    let rita_id = users[0]["id"].as_i64().unwrap();
    let promoted: Value = ada.send(Method::PATCH, &format!("/api/v1/users/{rita_id}"), Some(json!({ "role": "MAINTAINER" }))).await.json().await.unwrap();
    assert_eq!(promoted["role"], "MAINTAINER");
    assert_eq!(rita.get("/api/v1/me").await.json::<Value>().await.unwrap()["role"], "MAINTAINER", "on the very next request");
    assert_eq!(error(ada.send(Method::PATCH, "/api/v1/users/999999", Some(json!({ "active": false }))).await, 404).await.0, "not_found");
    assert_eq!(error(ada.send(Method::PATCH, &format!("/api/v1/users/{rita_id}"), Some(json!({}))).await, 422).await.0, "validation_failed");
    let deactivated = ada.send(Method::PATCH, &format!("/api/v1/users/{rita_id}"), Some(json!({ "active": false }))).await;
    assert_eq!(deactivated.json::<Value>().await.unwrap()["active"], false);
    assert_eq!(rita.get("/api/v1/me").await.status(), 401);

    let dashboard: Value = mo.get("/api/v1/dashboard?days=90").await.json().await.unwrap();
    assert_eq!((dashboard["days"].as_u64(), dashboard["open_by_severity"][3][1].as_i64()), (Some(90), Some(1)));
    assert_eq!(error(mo.get("/api/v1/dashboard?days=7").await, 422).await.1, ["days"]);
    assert_eq!(error(mo.send(Method::POST, "/api/v1/stats/runs", None).await, 403).await.0, "forbidden");
    let run = ada.send(Method::POST, "/api/v1/stats/runs", None).await;
    assert_eq!(run.status(), 201);
}

async fn bad_bodies_get_the_error_shape(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;

    let as_text = rita.request(Method::POST, "/api/v1/issues").header("content-type", "text/plain").body("title=x").send().await.unwrap();
    assert_eq!(error(as_text, 415).await.0, "unsupported_media_type");
    let broken = rita.request(Method::POST, "/api/v1/issues").header("content-type", "application/json").body("{\"title\": ").send().await.unwrap();
    assert_eq!(error(broken, 422).await.1, ["body"]);
    let wrong_type = rita.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "x", "severity": "HUGE" }))).await;
    assert_eq!(error(wrong_type, 422).await.1, ["severity"]);
    let empty_title = rita.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "   ", "severity": "LOW" }))).await;
    assert_eq!(error(empty_title, 422).await.1, ["title"]);
    let huge = rita.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "Big", "severity": "LOW", "description": "x".repeat(2 * 1024 * 1024) }))).await;
    assert_eq!(error(huge, 413).await.0, "payload_too_large");
    assert_eq!(rita.get("/api/v1/issues").await.json::<Value>().await.unwrap()["total"], 0, "nothing was half-written");
}

/// Every `/api/v1` route in the source is in the served document, which is OpenAPI 3.1, and the
/// docs page is served from this site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_lists_every_route() {
    let app = spawn_app(TestDb::sqlite().await).await;
    let spec: Value = new_client().get(app.url("/api-docs/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"), "{}", spec["openapi"]);
    let documented: Vec<&str> = spec["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    // The handlers live in the app's features (`app/src/<feature>/rest.rs`), the assembly here.
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut in_source = Vec::new();
    for path in rust_files(&manifest.join("src")).into_iter().chain(rust_files(&manifest.join("../app/src"))) {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        for marker in ["path = \"/api/v1", ".route(\"/api/v1"] {
            for (at, _) in text.match_indices(marker) {
                let start = at + marker.len() - "/api/v1".len();
                let path = &text[start..start + text[start..].find('"').unwrap()];
                in_source.push(path.to_owned());
            }
        }
    }
    assert!(in_source.len() >= 25, "{in_source:?}");
    let missing: Vec<&String> = in_source.iter().filter(|p| !documented.contains(&p.as_str())).collect();
    assert!(missing.is_empty(), "routes missing from the document: {missing:?}");
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());

    let docs = new_client().get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    let csp = docs.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    let page = docs.text().await.unwrap();
    assert!(!page.contains("https://") || !page.contains("<script src=\"https://"), "no script from elsewhere");
}

/// Every `.rs` file under `dir`, at any depth.
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

async fn callers_are_rate_limited_one_by_one(db: TestDb) {
    let app = spawn_app_with(db, &[("API_RATE_PER_MINUTE", "60"), ("API_RATE_BURST", "3")]).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;

    for _ in 0..3 {
        assert_eq!(rita.get("/api/v1/me").await.status(), 200);
    }
    let limited = rita.get("/api/v1/me").await;
    let wait: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    assert_eq!(error(limited, 429).await.0, "rate_limited");
    assert_eq!(mo.get("/api/v1/me").await.status(), 200, "another caller has a budget of its own");

    // Anonymous callers share their address's budget (the two sign-ins above used one each).
    let anonymous = new_client();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(anonymous.get(app.url("/api/v1/tags")).send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, [401, 429, 429]);
    // Pages and server functions are not counted.
    assert_eq!(rita.client.get(app.url("/health")).send().await.unwrap().status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(rita.get("/api/v1/me").await.status(), 200, "one more request a second comes back");
}

/// CORS is off unless origins are configured; then those origins' pages may call the API with a
/// bearer token (and read Location and ETag), and no other site may.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_is_off_by_default_and_opens_to_configured_origins() {
    let closed = spawn_app(TestDb::sqlite().await).await;
    let preflight = |app: &TestApp, origin: &str| {
        new_client()
            .request(Method::OPTIONS, app.url("/api/v1/issues"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    let answer = preflight(&closed, "https://app.example.com").await.unwrap();
    assert!(answer.headers().get("access-control-allow-origin").is_none());

    let open = spawn_app_with(TestDb::sqlite().await, &[("CORS_ALLOWED_ORIGINS", "https://app.example.com, https://other.example.org")]).await;
    let answer = preflight(&open, "https://app.example.com").await.unwrap();
    assert_eq!(answer.headers()["access-control-allow-origin"], "https://app.example.com");
    assert!(answer.headers()["access-control-allow-headers"].to_str().unwrap().contains("authorization"));
    let stranger = preflight(&open, "https://evil.example").await.unwrap();
    assert!(stranger.headers().get("access-control-allow-origin").is_none());

    let rita = api(&open, "rita@example.com", Role::Reporter).await;
    let filed = rita.request(Method::POST, "/api/v1/issues").header("origin", "https://app.example.com").json(&json!({ "title": "From the app", "severity": "LOW" })).send().await.unwrap();
    assert_eq!(filed.status(), 201);
    assert!(filed.headers()["access-control-expose-headers"].to_str().unwrap().to_ascii_lowercase().contains("location"));
    let forged = rita.request(Method::POST, "/api/v1/issues").header("origin", "https://evil.example").header("sec-fetch-site", "cross-site").json(&json!({ "title": "Forged", "severity": "LOW" })).send().await.unwrap();
    assert_eq!(forged.status(), 403, "other sites' writes are still refused");
}

async fn personal_tokens_are_hashed_used_and_revoked(db: TestDb) {
    use app::server::entities::api_tokens;
    use sea_orm::EntityTrait;
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let otto = api(&app, "otto@example.com", Role::Reporter).await;

    assert_eq!(error(rita.send(Method::POST, "/api/v1/me/tokens", Some(json!({ "name": " " }))).await, 422).await.1, ["name"]);
    assert_eq!(error(rita.send(Method::POST, "/api/v1/me/tokens", Some(json!({ "name": "ci", "expires_in_days": 7 }))).await, 422).await.1, ["expires_in_days"]);
    let made = rita.send(Method::POST, "/api/v1/me/tokens", Some(json!({ "name": "nightly export", "expires_in_days": 90 }))).await;
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.unwrap();
    let secret = made["secret"].as_str().unwrap().to_owned();
    let id = made["token"]["id"].as_i64().unwrap();
    assert!(secret.starts_with("trk_") && secret.len() == 68, "{secret}");

    let stored = api_tokens::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap();
    assert_ne!(stored.token_hash, secret);
    assert!(!stored.token_hash.contains(&secret[4..20]), "only a hash is kept");
    assert_eq!(stored.token_hash.len(), 64);

    let script = Api { app: &app, client: new_client(), token: secret.clone() };
    let me: Value = script.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["email"], "rita@example.com");
    assert_eq!(script.get("/issues").await.status(), 200, "pages too");
    let listed: Value = rita.get("/api/v1/me/tokens").await.json().await.unwrap();
    assert_eq!(listed[0]["name"], "nightly export");
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(listed.to_string().find(&secret).is_none());

    assert_eq!(error(otto.send(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), None).await, 404).await.0, "not_found", "not otto's to revoke");
    assert_eq!(rita.send(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), None).await.status(), 204);
    assert_eq!(script.get("/api/v1/me").await.status(), 401, "revoked at once");
    let wrong = Api { app: &app, client: new_client(), token: format!("{}0", &secret[..secret.len() - 1]) };
    assert_eq!(wrong.get("/api/v1/me").await.status(), 401);

    // An expired token is refused, and drops out of the list.
    let second: Value = rita.send(Method::POST, "/api/v1/me/tokens", Some(json!({ "name": "short" }))).await.json().await.unwrap();
    let short = Api { app: &app, client: new_client(), token: second["secret"].as_str().unwrap().to_owned() };
    assert_eq!(short.get("/api/v1/me").await.status(), 200);
    let mut row: api_tokens::ActiveModel = api_tokens::Entity::find_by_id(second["token"]["id"].as_i64().unwrap()).one(app.db()).await.unwrap().unwrap().into();
    row.expires_at = sea_orm::Set(Some(chrono::Utc::now() - chrono::TimeDelta::seconds(1)));
    sea_orm::ActiveModelTrait::update(row, app.db()).await.unwrap();
    assert_eq!(short.get("/api/v1/me").await.status(), 401);
    assert_eq!(rita.get("/api/v1/me/tokens").await.json::<Value>().await.unwrap().as_array().unwrap().len(), 0);
}

async fn signing_out_with_a_personal_token_revokes_that_token_only(db: TestDb) {
    use app::server::entities::{api_tokens, audit_log};
    use sea_orm::{EntityTrait, QueryOrder};
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let made: Value = rita.send(Method::POST, "/api/v1/me/tokens", Some(json!({ "name": "deploy" }))).await.json().await.unwrap();
    let script = Api { app: &app, client: new_client(), token: made["secret"].as_str().unwrap().to_owned() };

    let out = script.send(Method::DELETE, "/api/v1/tokens/current", None).await;

    assert_eq!(out.status(), 204);
    assert_eq!(script.get("/api/v1/me").await.status(), 401, "the token is revoked");
    assert_eq!(rita.get("/api/v1/me").await.status(), 200, "the session it was made from lives on");
    let token = api_tokens::Entity::find_by_id(made["token"]["id"].as_i64().unwrap()).one(app.db()).await.unwrap().unwrap();
    assert!(token.revoked_at.is_some());
    let last = audit_log::Entity::find().order_by_desc(audit_log::Column::Seq).one(app.db()).await.unwrap().unwrap();
    assert_eq!(last.action, "api_token_revoked");
}

/// A request that is not answered in time gets 408, in the API's shape on `/api/v1`, and the
/// connection is not held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_stalls_gets_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(TestDb::sqlite().await, &[("REQUEST_TIMEOUT_SECS", "1")]).await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    // The body is promised but never finishes arriving.
    let head = format!("POST /api/v1/tokens HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"email\":", app.addr);
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer)).await.expect("answered").unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"request_timeout\""), "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

/// Many writers at once: each waits its turn (SQLite takes the write lock when the transaction
/// starts), none fails with "database is locked", and every issue lands with its history row.
async fn overlapping_writes_all_land(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let tag: Value = mo.send(Method::POST, "/api/v1/tags", Some(json!({ "name": "load", "colour": "GRAY" }))).await.json().await.unwrap();
    let body = |n: usize| json!({ "title": format!("Concurrent {n}"), "severity": "LOW", "tag_ids": [tag["id"]] });
    let sends = (0..40).map(|n| mo.send(Method::POST, "/api/v1/issues", Some(body(n))));
    let statuses: Vec<u16> = futures::future::join_all(sends).await.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    assert_eq!(mo.get("/api/v1/issues").await.json::<Value>().await.unwrap()["total"], 40);
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(app::server::entities::issue_events::Entity::find().count(app.db()).await.unwrap(), 80, "filed and tagged, each");
}
