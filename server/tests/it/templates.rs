//! Issue templates: maintainers and admins make, edit, reorder and archive them, reporters read
//! the ones in use, and an issue filed from one starts from it and names it. REST and server
//! functions, both databases.
use crate::{
    api::{Api, api, error},
    common::{TestDb, call, spawn_app},
    tagging::insert_tag,
};
use app::{
    audit_log::AuditAction,
    domain::{Role, TagColour},
    issues::api::CreateIssue,
    server::entities::{audit_log, issues},
    templates::api::CreateTemplate,
};
use leptos::server_fn::ServerFn;
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

on_both_databases!(
    maintainers_keep_templates_and_reporters_read_those_in_use,
    an_issue_filed_from_a_template_names_it,
    bad_templates_are_refused_field_by_field,
    the_filing_page_starts_from_the_template_a_link_names
);

/// The page's main part, for a failure's message.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").unwrap_or(0);
    &html[start..html.len().min(start + 6000)]
}

async fn make(api: &Api<'_>, body: Value) -> reqwest::Response {
    api.send(Method::POST, "/api/v1/templates", Some(body)).await
}

async fn names(api: &Api<'_>, path: &str) -> Vec<String> {
    let response = api.get(path).await;
    assert_eq!(response.status(), 200);
    let list: Value = response.json().await.unwrap();
    list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
}

async fn maintainers_keep_templates_and_reporters_read_those_in_use(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let bug = insert_tag(&app, "bug", TagColour::Red).await;

    let made = make(&mo, json!({ "name": "Bug report", "about": "Something is broken", "severity": "HIGH", "tag_ids": [bug.id], "body": "## Steps\n\n1. " })).await;
    assert_eq!(made.status(), 201);
    assert!(made.headers()["location"].to_str().unwrap().starts_with("/api/v1/templates/"));
    let bug_report: Value = made.json().await.unwrap();
    assert_eq!(bug_report["slug"], "bug-report");
    assert_eq!(bug_report["tags"][0]["name"], "bug");
    let idea: Value = make(&mo, json!({ "name": "Feature idea", "severity": "LOW" })).await.json().await.unwrap();
    let question: Value = make(&mo, json!({ "name": "Question", "severity": "LOW" })).await.json().await.unwrap();
    assert_eq!(names(&rita, "/api/v1/templates").await, ["Bug report", "Feature idea", "Question"], "in the order made");

    // A reporter reads them, by id or slug in any case, and changes nothing.
    assert_eq!(rita.get("/api/v1/templates/BUG-REPORT").await.status(), 200);
    assert_eq!(rita.get(&format!("/api/v1/templates/{}", idea["id"])).await.status(), 200);
    assert_eq!(error(make(&rita, json!({ "name": "Mine", "severity": "LOW" })).await, 403).await.0, "forbidden");
    let patch = json!({ "name": "Renamed", "severity": "LOW" });
    assert_eq!(rita.send(Method::PATCH, &format!("/api/v1/templates/{}", idea["id"]), Some(patch.clone())).await.status(), 403);
    assert_eq!(rita.send(Method::DELETE, &format!("/api/v1/templates/{}", idea["id"]), None).await.status(), 403);
    assert_eq!(rita.send(Method::PUT, "/api/v1/templates/order", Some(json!({ "ids": [question["id"], idea["id"], bug_report["id"]] }))).await.status(), 403);
    assert_eq!(rita.get("/api/v1/templates?archived=true").await.status(), 403);
    // Server functions keep the same rule.
    let (_, rita_client) = app.signed_in("rita2@example.com", Role::Reporter).await;
    assert_eq!(call(&rita_client, &app, CreateTemplate::PATH, &[("name", "Mine"), ("severity", "LOW")]).await.status(), 403);

    // Editing keeps the slug, so links go on working; the same name again is 409.
    let renamed = mo.send(Method::PATCH, &format!("/api/v1/templates/{}", idea["id"]), Some(json!({ "name": "Feature request", "about": "Ask for something new", "severity": "MEDIUM" }))).await;
    assert_eq!(renamed.status(), 200);
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!((renamed["name"].as_str(), renamed["slug"].as_str(), renamed["severity"].as_str()), (Some("Feature request"), Some("feature-idea"), Some("MEDIUM")));
    assert_eq!(error(make(&mo, json!({ "name": "bug REPORT!", "severity": "LOW" })).await, 409).await.0, "conflict");

    // Reordering names each template in use once.
    let order = mo.send(Method::PUT, "/api/v1/templates/order", Some(json!({ "ids": [question["id"], bug_report["id"], idea["id"]] }))).await;
    assert_eq!(order.status(), 200);
    assert_eq!(names(&rita, "/api/v1/templates").await, ["Question", "Bug report", "Feature request"]);
    let partial = mo.send(Method::PUT, "/api/v1/templates/order", Some(json!({ "ids": [question["id"], question["id"], idea["id"]] }))).await;
    assert_eq!(error(partial, 422).await.1, ["ids"]);

    // Archived: gone from the list and from links, listed apart for maintainers.
    assert_eq!(mo.send(Method::DELETE, &format!("/api/v1/templates/{}", question["id"]), None).await.status(), 204);
    assert_eq!(names(&rita, "/api/v1/templates").await, ["Bug report", "Feature request"]);
    assert_eq!(rita.get("/api/v1/templates/question").await.status(), 404);
    assert_eq!(names(&mo, "/api/v1/templates?archived=true").await, ["Question"]);
    assert_eq!(mo.send(Method::DELETE, &format!("/api/v1/templates/{}", question["id"]), None).await.status(), 404, "once");

    // Every change is in the audit log.
    for action in [AuditAction::TemplateCreated, AuditAction::TemplateUpdated, AuditAction::TemplatesReordered, AuditAction::TemplateArchived] {
        let n = audit_log::Entity::find().filter(audit_log::Column::Action.eq(action.as_str())).count(app.db()).await.unwrap();
        assert!(n >= 1, "{action:?} is audited");
    }
}

async fn an_issue_filed_from_a_template_names_it(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let template: Value = make(&mo, json!({ "name": "Bug report", "severity": "HIGH" })).await.json().await.unwrap();

    let filed = rita.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "Crash", "severity": "HIGH", "template_id": template["id"] }))).await;
    assert_eq!(filed.status(), 201);
    let filed: Value = filed.json().await.unwrap();
    assert_eq!(filed["template"], json!({ "id": template["id"], "name": "Bug report" }));
    let id = filed["summary"]["id"].as_i64().unwrap();
    let row = issues::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(row.template_id, template["id"].as_i64());

    // From the page's form too.
    let (_, client) = app.signed_in("otto@example.com", Role::Reporter).await;
    let template_id = template["id"].to_string();
    let response = call(&client, &app, CreateIssue::PATH, &[("title", "Freeze"), ("description", ""), ("severity", "HIGH"), ("template_id", &template_id)]).await;
    assert!(response.status().is_success(), "{}", response.status());
    let on_page: Value = response.json().await.unwrap();
    assert_eq!(on_page["template"]["name"], "Bug report");

    // Archived, it is still named by its issues, and no longer filed from.
    mo.send(Method::DELETE, &format!("/api/v1/templates/{}", template["id"]), None).await;
    let read: Value = rita.get(&format!("/api/v1/issues/{id}")).await.json().await.unwrap();
    assert_eq!(read["template"]["name"], "Bug report");
    let refused = rita.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "Again", "severity": "LOW", "template_id": template["id"] }))).await;
    assert_eq!(error(refused, 422).await.1, ["template_id"]);
    let unknown = rita.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "Again", "severity": "LOW", "template_id": 999_999 }))).await;
    assert_eq!(error(unknown, 422).await.1, ["template_id"]);
    assert_eq!(issues::Entity::find().count(app.db()).await.unwrap(), 2, "nothing half-filed");
}

async fn bad_templates_are_refused_field_by_field(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let cases = [
        (json!({ "name": "   ", "severity": "LOW" }), vec!["name"]),
        (json!({ "name": "x".repeat(65), "severity": "LOW" }), vec!["name"]),
        (json!({ "name": "Blank", "severity": "LOW" }), vec!["name"]),
        (json!({ "name": "2024", "severity": "LOW" }), vec!["name"]),
        (json!({ "name": "Order", "severity": "LOW" }), vec!["name"]),
        (json!({ "name": "!!!", "severity": "LOW" }), vec!["name"]),
        (json!({ "name": "Ok", "about": "a\u{7}b", "severity": "LOW" }), vec!["about"]),
        (json!({ "name": "Ok", "severity": "LOW", "tag_ids": [424_242] }), vec!["tags"]),
        (json!({ "name": "Ok", "severity": "LOW", "body": "x".repeat(64 * 1024 + 1) }), vec!["body"]),
        (json!({ "name": "", "about": "y".repeat(161), "severity": "LOW", "body": "\u{0}" }), vec!["about", "body", "name"]),
    ];
    for (body, fields) in cases {
        let (code, named) = error(make(&mo, body.clone()).await, 422).await;
        assert_eq!(code, "validation_failed");
        let mut named = named;
        named.sort();
        assert_eq!(named, fields, "{}", &body.to_string()[..body.to_string().len().min(120)]);
    }
    assert_eq!(error(make(&mo, json!({ "name": "Ok", "severity": "URGENT" })).await, 422).await.0, "validation_failed");
    assert_eq!(names(&mo, "/api/v1/templates").await, Vec::<String>::new(), "nothing half-made");
}

async fn the_filing_page_starts_from_the_template_a_link_names(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let ui = insert_tag(&app, "ui", TagColour::Blue).await;
    let (_, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let page = |path: &'static str| {
        let client = client.clone();
        let url = app.url(path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // Without templates, the form at once.
    let first = page("/issues/new").await;
    assert!(first.contains(r#"name="title""#), "{first}");

    make(&mo, json!({ "name": "Bug report", "about": "Something is broken", "severity": "CRITICAL", "tag_ids": [ui.id], "body": "## Steps to reproduce" })).await;
    // With one, a picker first: the template and a blank issue.
    let picker = page("/issues/new").await;
    assert!(picker.contains(r#"href="/issues/new?template=bug-report""#), "{picker}");
    assert!(picker.contains(r#"href="/issues/new?template=blank""#));
    assert!(!picker.contains(r#"name="title""#));

    let form = page("/issues/new?template=bug-report").await;
    assert!(form.contains("## Steps to reproduce</textarea>"), "the body is the description's start: {}", main_of(&form));
    assert!(form.contains(r#"<option value="CRITICAL" selected"#), "its severity is chosen");
    assert!(form.contains(&format!(r#"value="{}" checked"#, ui.id)), "its tag is ticked");
    assert!(form.contains(r#"name="template_id""#));
    let blank = page("/issues/new?template=blank").await;
    assert!(blank.contains(r#"name="title""#) && !blank.contains(r#"name="template_id""#), "{}", main_of(&blank));
    let missing = page("/issues/new?template=nope").await;
    assert!(missing.contains("There is no template") && missing.contains(r#"name="title""#));
}
