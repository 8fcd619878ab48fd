//! Filing issues and reading one back: validation, visibility, sanitized markdown.
use app::{
    domain::{Role, Severity, Status},
    issues::api::{CreateIssue, GetIssue, PreviewDescription},
    server::entities::{issue_events, issues},
};
use chrono::Utc;
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use leptos::server_fn::ServerFn;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

on_both_databases!(
    a_reporter_files_an_issue_and_its_created_event_lands_with_it,
    each_bad_field_is_named_and_nothing_is_written,
    a_reporter_cannot_see_another_reporters_issue,
    descriptions_are_rendered_and_sanitized,
    the_detail_page_is_server_rendered_for_those_who_may_see_it,
);

async fn rows(app: &TestApp) -> (u64, u64) {
    (issues::Entity::find().count(app.db()).await.unwrap(), issue_events::Entity::find().count(app.db()).await.unwrap())
}

async fn a_reporter_files_an_issue_and_its_created_event_lands_with_it(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, client) = app.signed_in("rita@example.com", Role::Reporter).await;

    let response = call(&client, &app, CreateIssue::PATH, &[("title", "  Export fails  "), ("description", "It **fails**."), ("severity", "HIGH")]).await;

    assert_eq!(response.status(), 200);
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/issues/"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["summary"]["title"], "Export fails");
    assert_eq!(body["summary"]["status"], "OPEN");
    let stored = issues::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((stored.reporter_id, stored.severity, stored.status, stored.version), (rita.id, Severity::High, Status::Open, 1));
    assert_eq!(rows(&app).await, (1, 1));
}

async fn each_bad_field_is_named_and_nothing_is_written(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let long_title = "t".repeat(201);
    let long_description = "d".repeat(64 * 1024 + 1);

    for (title, description, fields) in [
        ("   ", "", vec!["title"]),
        (long_title.as_str(), "", vec!["title"]),
        ("ok", long_description.as_str(), vec!["description"]),
        ("bad\u{0}title", "x\u{0}", vec!["title", "description"]),
    ] {
        let response = call(&client, &app, CreateIssue::PATH, &[("title", title), ("description", description), ("severity", "LOW")]).await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        let named: Vec<&str> = body["Validation"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(named, fields);
    }
    let exactly_200 = "é".repeat(200);
    let ok = call(&client, &app, CreateIssue::PATH, &[("title", &exactly_200), ("description", ""), ("severity", "LOW")]).await;
    assert_eq!(ok.status(), 200, "200 characters is allowed");
    assert_eq!(rows(&app).await, (1, 1), "only the valid issue was written");
}

async fn a_reporter_cannot_see_another_reporters_issue(db: TestDb) {
    let app = spawn_app(db).await;
    let other = insert_user(app.db(), "other@example.com", Role::Reporter).await;
    let theirs = insert_issue(app.db(), &other, "Private to them", Severity::High, Status::Open, Utc::now()).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let hidden = call(&reporter, &app, GetIssue::PATH, &[("issue_id", &theirs.id.to_string())]).await;
    let missing = call(&reporter, &app, GetIssue::PATH, &[("issue_id", "424242")]).await;
    let visible = call(&maintainer, &app, GetIssue::PATH, &[("issue_id", &theirs.id.to_string())]).await;

    assert_eq!((hidden.status().as_u16(), missing.status().as_u16(), visible.status().as_u16()), (404, 404, 200));
    let hidden_body = hidden.text().await.unwrap();
    assert_eq!(hidden_body, missing.text().await.unwrap());
    assert!(!hidden_body.contains("Private to them"));
}

async fn descriptions_are_rendered_and_sanitized(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let markdown = "## Steps\n\n- [x] open <b>it</b>\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) and [y](data:text/html,hi)\n\n<iframe src=//evil></iframe>\n\n<svg onload=alert(1)></svg>\n\n[docs](https://example.com)";

    let created: Value = call(&client, &app, CreateIssue::PATH, &[("title", "<b>Bold</b> title"), ("description", markdown), ("severity", "LOW")]).await.json().await.unwrap();
    let preview: Value = call(&client, &app, PreviewDescription::PATH, &[("markdown", markdown)]).await.json().await.unwrap();

    let html = created["description_html"].as_str().unwrap();
    assert_eq!(preview.as_str().unwrap(), html, "the preview shows exactly what is saved");
    assert!(html.contains("<h2>Steps</h2>") && html.contains("<b>it</b>"), "{html}");
    assert!(html.contains(r#"<a href="https://example.com" rel="noopener noreferrer nofollow">docs</a>"#), "{html}");
    for bad in ["<script", "onerror", "href=\"javascript:", "href=\"data:", "<iframe", "<svg", "onload"] {
        assert!(!html.to_lowercase().contains(bad), "{bad} survived in {html}");
    }
    let page = client.get(app.url(&format!("/issues/{}", created["summary"]["id"]))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("&lt;b&gt;Bold&lt;/b&gt; title"), "the title is text, not HTML");
    assert!(!page.contains("<script>alert(1)"));
}

async fn the_detail_page_is_server_rendered_for_those_who_may_see_it(db: TestDb) {
    let app = spawn_app(db).await;
    let other = insert_user(app.db(), "other@example.com", Role::Reporter).await;
    let theirs = insert_issue(app.db(), &other, "Their issue", Severity::Critical, Status::Open, Utc::now()).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let path = format!("/issues/{}", theirs.id);

    let for_maintainer = maintainer.get(app.url(&path)).send().await.unwrap();
    let for_reporter = reporter.get(app.url(&path)).send().await.unwrap();

    assert_eq!(for_maintainer.status(), 200);
    let html = for_maintainer.text().await.unwrap();
    assert!(html.contains("Their issue") && html.contains(r#"data-testid="triage""#), "triage controls for maintainers");
    assert_eq!(for_reporter.status(), 404);
    assert!(!for_reporter.text().await.unwrap().contains("Their issue"));
}

on_both_databases!(malformed_arguments_are_422_not_500);

async fn malformed_arguments_are_422_not_500(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, client) = app.signed_in("rita@example.com", Role::Reporter).await;

    let missing = call(&client, &app, CreateIssue::PATH, &[("title", "No severity")]).await;
    let unknown = call(&client, &app, CreateIssue::PATH, &[("title", "x"), ("description", ""), ("severity", "URGENT")]).await;
    let not_a_number = call(&client, &app, GetIssue::PATH, &[("issue_id", "abc")]).await;

    for response in [missing, unknown, not_a_number] {
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Validation"][0]["field"], "request");
    }
    assert_eq!(rows(&app).await, (0, 0));
}
