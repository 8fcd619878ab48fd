//! NUL and other control characters in every text input: each server function (from the list
//! below, which must name every registered one, so a new function fails here until it is
//! listed) and each string of every REST operation (generated from the OpenAPI document). None
//! may answer 5xx, and no stored text may end up holding a control character, on either
//! database (PostgreSQL refuses NUL outright, so there a NUL that slips through is a 500).
use crate::common::{TestApp, TestDb, call, insert_issue, spawn_app};
use app::{
    attachments::api::*, audit::api::*, auth::api::*, comments::api::*, issues::api::*, issues::person::GetPerson, notifications::api::*,
    outbox::api::*, stats::api::*, tags::api::*, templates::api::*, views::api::*,
};
use app::{
    domain::{Role, Severity, Status},
    server::entities::{api_tokens, comments, issue_templates, issues, saved_views, tags, users},
};
use leptos::server_fn::ServerFn;
use sea_orm::EntityTrait;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

on_both_databases!(control_characters_never_reach_storage_or_a_500);

/// What a hostile client puts in a text: NUL, an escape sequence with DEL, and a C1 control.
const HOSTILE: [&str; 3] = ["a\u{0}b", "\u{1b}[31mred\u{7f}", "x\u{9b}y"];

/// A server function: its path, a form that makes a valid call (`{issue}`, `{comment}`,
/// `{tag}` and `{user}` stand for the test's own rows), and which of its fields are text.
struct Fn {
    path: &'static str,
    form: &'static [(&'static str, &'static str)],
    text: &'static [&'static str],
    /// The texts it stores: a control character in one is 422 naming it.
    stored: &'static [&'static str],
}

const fn f(path: &'static str, form: &'static [(&'static str, &'static str)], text: &'static [&'static str]) -> Fn {
    Fn { path, form, text, stored: &[] }
}

impl Fn {
    const fn storing(mut self, stored: &'static [&'static str]) -> Fn {
        self.stored = stored;
        self
    }
}

/// Every server function. Signing out and ending sessions are listed but have no text, so they
/// are not called (they would end the test's own session).
fn server_fns() -> Vec<Fn> {
    vec![
        f(SignInMethods::PATH, &[], &[]),
        f(WhoAmI::PATH, &[], &[]),
        f(
            SignUp::PATH,
            &[("email", "new@example.com"), ("password", "a long enough password"), ("display_name", "New"), ("handle", "new"), ("next", "/")],
            &["email", "password", "display_name", "handle", "next"],
        )
        .storing(&["email", "display_name", "handle"]),
        f(LogIn::PATH, &[("email", "nobody@example.com"), ("password", "not the password"), ("next", "/")], &["email", "password", "next"]),
        f(RequestPasswordReset::PATH, &[("email", "nobody@example.com")], &["email"]),
        f(ResetPassword::PATH, &[("token", "x"), ("password", "a long enough password")], &["token", "password"]),
        f(LogOut::PATH, &[], &[]),
        f(MyProfile::PATH, &[], &[]),
        f(UpdateProfile::PATH, &[("display_name", "Ada"), ("handle", "ada")], &["display_name", "handle"]).storing(&["display_name", "handle"]),
        f(ListMySessions::PATH, &[], &[]),
        f(SignOutOtherSessions::PATH, &[], &[]),
        f(ListApiTokens::PATH, &[], &[]),
        f(CreateApiToken::PATH, &[("name", "ci"), ("expires_in_days", "30")], &["name", "expires_in_days"]).storing(&["name"]),
        f(RevokeApiToken::PATH, &[("token_id", "987654")], &[]),
        f(ChangePassword::PATH, &[("current_password", "not the password"), ("new_password", "a long enough password")], &["current_password", "new_password"]),
        f(ListUsers::PATH, &[("search", "")], &["search"]),
        f(ChangeRole::PATH, &[("user_id", "{user}"), ("role", "MAINTAINER")], &["role"]),
        f(SetUserActive::PATH, &[("user_id", "{user}"), ("active", "true")], &[]),
        f(GetDashboard::PATH, &[("days", "30")], &[]),
        f(RunStats::PATH, &[], &[]),
        f(
            ListIssues::PATH,
            &[],
            &["filter[tag]", "filter[reporter]", "filter[assignee]", "filter[q]", "filter[status]", "filter[severity]", "filter[sort]", "filter[after]"],
        ),
        f(ChangedSince::PATH, &[("since", "2026-01-01T00:00:00Z")], &["since"]),
        f(TransitionIssue::PATH, &[("issue_id", "{issue}"), ("status", "TRIAGED"), ("version", "987")], &["status"]),
        f(ChangeSeverity::PATH, &[("issue_id", "{issue}"), ("severity", "HIGH"), ("version", "987")], &["severity"]),
        f(AssignIssue::PATH, &[("issue_id", "{issue}"), ("version", "987")], &[]),
        f(ListAssignable::PATH, &[], &[]),
        f(CreateIssue::PATH, &[("title", "Filed"), ("description", "Text"), ("severity", "LOW")], &["title", "description", "severity"]).storing(&["title", "description"]),
        f(GetIssue::PATH, &[("issue_id", "{issue}")], &[]),
        f(PreviewDescription::PATH, &[("markdown", "Text")], &["markdown"]),
        f(UpdateIssue::PATH, &[("issue_id", "{issue}"), ("version", "1"), ("title", "Edited"), ("description", "Text")], &["title", "description"]).storing(&["title", "description"]),
        f(DeleteIssue::PATH, &[("issue_id", "987654")], &[]),
        f(RestoreIssue::PATH, &[("issue_id", "987654")], &[]),
        f(SetIssueTags::PATH, &[("issue_id", "{issue}"), ("version", "987")], &[]),
        f(GetPerson::PATH, &[("handle", "ada")], &["handle"]),
        f(ListAudit::PATH, &[], &["filter[actor]", "filter[action]", "filter[from]", "filter[to]"]),
        f(VerifyAudit::PATH, &[], &[]),
        f(GetInbox::PATH, &[("unread_only", "false")], &[]),
        f(UnreadNotifications::PATH, &[], &[]),
        f(MarkNotificationsRead::PATH, &[], &[]),
        f(ReadIssueNotifications::PATH, &[("issue_id", "{issue}")], &[]),
        f(GetNotificationSettings::PATH, &[], &[]),
        f(SetNotificationDelivery::PATH, &[("kind", "COMMENT"), ("delivery", "IN_APP")], &["kind", "delivery"]),
        f(IssueWatching::PATH, &[("issue_id", "{issue}")], &[]),
        f(SetIssueWatching::PATH, &[("issue_id", "{issue}"), ("state", "WATCHING")], &["state"]),
        f(MentionCandidates::PATH, &[("issue_id", "{issue}"), ("typed", "a")], &["typed"]),
        f(Unsubscribe::PATH, &[("token", "x")], &["token"]),
        f(ListFailedMail::PATH, &[], &[]),
        f(ListAttachments::PATH, &[("issue_id", "{issue}")], &[]),
        f(DeleteAttachment::PATH, &[("attachment_id", "987654")], &[]),
        f(GetTimeline::PATH, &[("issue_id", "{issue}")], &[]),
        f(AddComment::PATH, &[("issue_id", "{issue}"), ("body", "Seen")], &["body"]).storing(&["body"]),
        f(EditComment::PATH, &[("comment_id", "{comment}"), ("body", "Seen")], &["body"]).storing(&["body"]),
        f(DeleteComment::PATH, &[("comment_id", "987654")], &[]),
        f(ListTags::PATH, &[], &[]),
        f(ListTagUsage::PATH, &[], &[]),
        f(CreateTag::PATH, &[("name", "fresh"), ("colour", "RED")], &["name", "colour"]).storing(&["name"]),
        f(UpdateTag::PATH, &[("tag_id", "{tag}"), ("name", "renamed"), ("colour", "RED")], &["name", "colour"]).storing(&["name"]),
        f(DeleteTag::PATH, &[("tag_id", "987654")], &[]),
        f(SimilarIssues::PATH, &[("title", "Target")], &["title"]),
        f(QueryPeople::PATH, &[("key", "reporter"), ("typed", "a")], &["key", "typed"]),
        // Its body is JSON, with the assignee's handle its only text: the REST operation of the
        // same service (from the OpenAPI document, below) carries the hostile texts.
        f(BulkTriage::PATH, &[], &[]),
        f(ListTemplates::PATH, &[("archived", "false")], &[]),
        f(GetTemplate::PATH, &[("key", "bug-report")], &["key"]),
        f(CreateTemplate::PATH, &[("name", "Bug report"), ("about", "Broken"), ("severity", "LOW"), ("body", "Steps")], &["name", "about", "body"]).storing(&["name", "about", "body"]),
        f(UpdateTemplate::PATH, &[("template_id", "987654"), ("name", "Bug"), ("about", "Broken"), ("severity", "LOW"), ("body", "Steps")], &["name", "about", "body"])
            .storing(&["name", "about", "body"]),
        f(ArchiveTemplate::PATH, &[("template_id", "987654")], &[]),
        f(ReorderTemplates::PATH, &[], &[]),
        f(ListViews::PATH, &[], &[]),
        f(SaveView::PATH, &[("name", "Mine"), ("query", "is:open")], &["name", "query"]).storing(&["name", "query"]),
        f(DeleteView::PATH, &[("view_id", "987654")], &[]),
    ]
}

/// The test's own rows, for the placeholders in forms and REST paths.
struct Rows {
    issue: i64,
    comment: i64,
    tag: i64,
    user: i64,
}

impl Rows {
    fn fill(&self, value: &str) -> String {
        value
            .replace("{issue}", &self.issue.to_string())
            .replace("{comment}", &self.comment.to_string())
            .replace("{tag}", &self.tag.to_string())
            .replace("{user}", &self.user.to_string())
    }

    /// A REST path parameter's value by its name.
    fn param(&self, name: &str) -> String {
        match name {
            "id" | "issue_id" => self.issue,
            "comment_id" => self.comment,
            "tag_id" => self.tag,
            "user_id" => self.user,
            _ => 987_654,
        }
        .to_string()
    }
}

async fn control_characters_never_reach_storage_or_a_500(db: TestDb) {
    let app = spawn_app(db).await;
    let (admin_row, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let other = crate::common::insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &admin_row, "Target", Severity::Low, Status::Open, chrono::Utc::now()).await.id;
    let comment = call(&admin, &app, AddComment::PATH, &[("issue_id", &issue.to_string()), ("body", "First")]).await;
    let comment = comment.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let tag = call(&admin, &app, CreateTag::PATH, &[("name", "ui"), ("colour", "BLUE")]).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let rows = Rows { issue, comment, tag, user: other.id };
    let mut failures = Vec::new();

    // Every registered server function is in the list.
    let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
    let listed: BTreeSet<&str> = server_fns().iter().map(|f| f.path).collect();
    assert_eq!(registered.difference(&listed).collect::<Vec<_>>(), Vec::<&&str>::new(), "server functions missing from the list");

    for function in server_fns() {
        for field in function.text {
            for hostile in HOSTILE {
                let mut form: Vec<(String, String)> = function.form.iter().map(|(k, v)| ((*k).to_owned(), rows.fill(v))).filter(|(k, _)| k != field).collect();
                form.push(((*field).to_owned(), hostile.to_owned()));
                // Signing up or in gets a client of its own, so the admin's session stays.
                let signs_in = [SignUp::PATH, LogIn::PATH].contains(&function.path);
                let client = if signs_in { crate::common::new_client() } else { admin.clone() };
                let response = client.post(app.url(function.path)).form(&form).send().await.unwrap();
                let status = response.status();
                let answer = response.text().await.unwrap_or_default();
                let named = status == 422 && answer.contains(&format!("\"field\":\"{field}\""));
                if status.is_server_error() || (function.stored.contains(field) && !named) {
                    failures.push(format!("{} {field}={hostile:?}: {status} {answer}", function.path));
                }
            }
        }
    }

    let spec: Value = app.client.get(app.url("/api-docs/openapi.json")).send().await.unwrap().json().await.unwrap();
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<reqwest::Method>() else { continue };
            for attempt in attempts(&spec, operation) {
                operations += 1;
                let url = fill_path(path, operation, &rows, attempt.path_param.as_ref());
                let mut request = admin.request(method.clone(), app.url(&url)).header("if-match", "\"1\"").query(&attempt.query);
                if let Some(body) = &attempt.body {
                    request = request.json(body);
                }
                let response = request.send().await.unwrap();
                if response.status().is_server_error() {
                    failures.push(format!("{method} {url} {}: {} {}", attempt.what, response.status(), response.text().await.unwrap_or_default()));
                }
            }
        }
    }
    assert!(operations > 50, "the OpenAPI document was read: {operations} attempts");
    assert!(failures.is_empty(), "{} answers were 5xx, or let a stored text through without a 422 naming it:\n{}", failures.len(), failures.join("\n"));

    let stored = stored_texts(&app).await;
    let held: Vec<&String> = stored.iter().filter(|t| t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))).collect();
    assert!(held.is_empty(), "stored text with control characters: {held:?}");
}

/// One REST request to make: which input holds the hostile text.
struct Attempt {
    what: String,
    path_param: Option<(String, String)>,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

/// For each string input of `operation` (path and query parameters, JSON body fields) and each
/// hostile text, a request with that input hostile and every other required one valid.
fn attempts(spec: &Value, operation: &Value) -> Vec<Attempt> {
    let params = operation["parameters"].as_array().cloned().unwrap_or_default();
    let body_schema = operation["requestBody"]["content"]["application/json"]["schema"].clone();
    let body = (!body_schema.is_null()).then(|| example(spec, &body_schema, 0));
    let mut attempts = Vec::new();
    for hostile in HOSTILE {
        for param in &params {
            let schema = resolve(spec, &param["schema"]);
            if type_of(&schema) != "string" {
                continue;
            }
            let name = param["name"].as_str().unwrap().to_owned();
            let (path_param, query) = match param["in"].as_str() {
                Some("path") => (Some((name.clone(), hostile.to_owned())), vec![]),
                Some("query") => (None, vec![(name.clone(), hostile.to_owned())]),
                _ => continue,
            };
            attempts.push(Attempt { what: format!("{name}={hostile:?}"), path_param, query, body: body.clone() });
        }
        if let Some(Value::Object(fields)) = &body {
            let schema = resolve(spec, &body_schema);
            for (name, field) in schema["properties"].as_object().cloned().unwrap_or_default() {
                let field = resolve(spec, &field);
                let mut hostile_body = fields.clone();
                match type_of(&field).as_str() {
                    "string" => hostile_body.insert(name.clone(), json!(hostile)),
                    "array" if type_of(&resolve(spec, &field["items"])) == "string" => hostile_body.insert(name.clone(), json!([hostile])),
                    _ => continue,
                };
                attempts.push(Attempt { what: format!("body.{name}={hostile:?}"), path_param: None, query: vec![], body: Some(Value::Object(hostile_body)) });
            }
        }
    }
    attempts
}

fn fill_path(path: &str, operation: &Value, rows: &Rows, hostile: Option<&(String, String)>) -> String {
    let mut url = path.to_owned();
    for param in operation["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "path") {
        let name = param["name"].as_str().unwrap();
        let value = match hostile {
            Some((hostile_name, value)) if hostile_name == name => urlencoding(value),
            _ => rows.param(name),
        };
        url = url.replace(&format!("{{{name}}}"), &value);
    }
    url
}

fn urlencoding(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// `schema`, following a `$ref` into the document's components (and the first of `allOf`/`oneOf`).
fn resolve(spec: &Value, schema: &Value) -> Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return resolve(spec, &spec["components"]["schemas"][name]);
    }
    for combined in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema[combined].as_array().and_then(|all| all.iter().find(|s| s["type"] != "null")) {
            return resolve(spec, first);
        }
    }
    schema.clone()
}

/// The schema's type, the first that is not `null` when it lists several.
fn type_of(schema: &Value) -> String {
    match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(types) => types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null").to_owned(),
        _ if schema["enum"].is_array() => "string".to_owned(),
        _ => String::new(),
    }
}

/// A valid value for `schema`: its first enum value, a plausible string, 1, false, or an
/// object with its required fields.
fn example(spec: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(spec, schema);
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    match type_of(&schema).as_str() {
        "string" => match schema["format"].as_str() {
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            Some("date") => json!("2026-01-01"),
            Some("email") => json!("someone@example.com"),
            _ => json!("text"),
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        "object" if depth < 4 => {
            let required: BTreeSet<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let mut object = Map::new();
            for (name, field) in schema["properties"].as_object().into_iter().flatten() {
                if required.contains(name.as_str()) {
                    object.insert(name.clone(), example(spec, field, depth + 1));
                }
            }
            Value::Object(object)
        }
        _ => Value::Null,
    }
}

/// Every text the product stores from what people type.
async fn stored_texts(app: &TestApp) -> Vec<String> {
    let db = app.db();
    let mut texts = Vec::new();
    for issue in issues::Entity::find().all(db).await.unwrap() {
        texts.extend([issue.title, issue.description]);
    }
    texts.extend(comments::Entity::find().all(db).await.unwrap().into_iter().map(|c| c.body));
    texts.extend(tags::Entity::find().all(db).await.unwrap().into_iter().map(|t| t.name));
    for user in users::Entity::find().all(db).await.unwrap() {
        texts.extend([user.email, user.handle, user.display_name]);
    }
    texts.extend(api_tokens::Entity::find().all(db).await.unwrap().into_iter().map(|t| t.name));
    for view in saved_views::Entity::find().all(db).await.unwrap() {
        texts.extend([view.name, view.query]);
    }
    for template in issue_templates::Entity::find().all(db).await.unwrap() {
        texts.extend([template.name, template.slug, template.about, template.body]);
    }
    texts
}
