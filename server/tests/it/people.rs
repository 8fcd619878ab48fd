//! People, not addresses: names and handles chosen at sign-up and edited on the profile, and no
//! address of anyone else in what a non-admin reads.
use crate::api::{api, error};
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, new_client, spawn_app};
use app::{
    audit_log::AuditAction,
    auth::api::SignUp,
    domain::{Role, Severity, Status},
    server::entities::{audit_log, users},
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

on_both_databases!(
    sign_up_names_a_bad_display_name_and_handle,
    sign_up_keeps_the_chosen_name_and_handle,
    a_chosen_handle_that_is_taken_is_a_conflict_but_a_suggested_one_gets_a_number,
    the_profile_changes_the_name_and_handle,
    a_reporter_reads_no_address_of_anyone_else,
);

async fn sign_up(app: &TestApp, email: &str, display_name: &str, handle: &str) -> reqwest::Response {
    let form = [("email", email), ("password", "a long enough password"), ("display_name", display_name), ("handle", handle)];
    call(&new_client(), app, SignUp::PATH, &form).await
}

async fn user(app: &TestApp, email: &str) -> Option<users::Model> {
    users::Entity::find().filter(users::Column::Email.eq(email)).one(app.db()).await.unwrap()
}

async fn sign_up_names_a_bad_display_name_and_handle(db: TestDb) {
    let app = spawn_app(db).await;

    let response = sign_up(&app, "ana@example.com", "   ", "ana lopez").await;

    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["Validation"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["display_name", "handle"], "{body}");
    assert!(user(&app, "ana@example.com").await.is_none(), "no account was made");
    let missing = call(&new_client(), &app, SignUp::PATH, &[("email", "ana@example.com"), ("password", "a long enough password")]).await;
    assert_eq!(missing.status(), 422, "a form without them is named too, not a 400");
}

async fn sign_up_keeps_the_chosen_name_and_handle(db: TestDb) {
    let app = spawn_app(db).await;

    let response = sign_up(&app, "ana@example.com", " Ana López ", "@Ana_L").await;

    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let ana = user(&app, "ana@example.com").await.unwrap();
    assert_eq!((ana.display_name.as_str(), ana.handle.as_str()), ("Ana López", "ana_l"));
}

async fn a_chosen_handle_that_is_taken_is_a_conflict_but_a_suggested_one_gets_a_number(db: TestDb) {
    let app = spawn_app(db).await;
    insert_user(app.db(), "ana@example.com", Role::Reporter).await;

    let chosen = sign_up(&app, "someone@example.com", "Someone", "ANA").await;
    let suggested = sign_up(&app, "ana@elsewhere.test", "Ana Two", "ana").await;

    assert_eq!(chosen.status(), 409);
    let body: Value = chosen.json().await.unwrap();
    assert!(body["Conflict"].as_str().unwrap().contains("handle"), "{body}");
    assert!(user(&app, "someone@example.com").await.is_none());
    assert_eq!(suggested.status(), 200, "the handle the page suggested from the address is made free");
    assert_eq!(user(&app, "ana@elsewhere.test").await.unwrap().handle, "ana-2");
    let same_address = sign_up(&app, "ana@example.com", "Ana", "brand-new").await;
    assert_eq!(same_address.status(), 409, "an address in use is the same kind of answer");
}

async fn the_profile_changes_the_name_and_handle(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    insert_user(app.db(), "taken@example.com", Role::Reporter).await;

    let changed = rita.send(Method::PATCH, "/api/v1/me", Some(json!({ "display_name": "Rita Q", "handle": "Rita_Q" }))).await;
    let bad = rita.send(Method::PATCH, "/api/v1/me", Some(json!({ "display_name": "", "handle": "no spaces" }))).await;
    let taken = rita.send(Method::PATCH, "/api/v1/me", Some(json!({ "handle": "taken" }))).await;

    assert_eq!(changed.status(), 200);
    let body: Value = changed.json().await.unwrap();
    assert_eq!((body["display_name"].as_str(), body["handle"].as_str(), body["email"].as_str()), (Some("Rita Q"), Some("rita_q"), Some("rita@example.com")));
    let (_, fields) = error(bad, 422).await;
    assert_eq!(fields, ["display_name", "handle"]);
    let (code, _) = error(taken, 409).await;
    assert_eq!(code, "conflict");
    let me: Value = rita.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!((me["display_name"].as_str(), me["handle"].as_str()), (Some("Rita Q"), Some("rita_q")), "only the good change stands");
    let audited = audit_log::Entity::find().filter(audit_log::Column::Action.eq(AuditAction::ProfileChanged.as_str())).all(app.db()).await.unwrap();
    assert_eq!(audited.len(), 1);
    let name_only = rita.send(Method::PATCH, "/api/v1/me", Some(json!({ "display_name": "Rita" }))).await;
    assert_eq!(name_only.json::<Value>().await.unwrap()["handle"], "rita_q", "a field left out stays");
}

async fn a_reporter_reads_no_address_of_anyone_else(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let reporter = users::Entity::find().filter(users::Column::Email.eq("rita@example.com")).one(app.db()).await.unwrap().unwrap();
    let issue = insert_issue(app.db(), &reporter, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let id = issue.id;
    mo.send(Method::POST, &format!("/api/v1/issues/{id}/comments"), Some(json!({ "body": "On it" }))).await;
    mo.send(Method::PUT, &format!("/api/v1/issues/{id}/assignee"), Some(json!({ "assignee": "mo", "version": 1 }))).await;
    mo.request(Method::POST, &format!("/api/v1/issues/{id}/attachments"))
        .multipart(reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"log\n".to_vec()).file_name("a.log")))
        .send()
        .await
        .unwrap();

    let mut read = String::new();
    for path in [format!("/api/v1/issues/{id}"), "/api/v1/issues".to_owned(), format!("/api/v1/issues/{id}/activity"), format!("/api/v1/issues/{id}/attachments"), "/api/v1/people/mo".to_owned()] {
        let response = rita.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        read.push_str(&response.text().await.unwrap());
    }

    assert!(!read.contains("example.com"), "no address at all, not even the reader's own: {read}");
    assert!(read.contains("\"handle\":\"mo\"") && read.contains("\"display_name\":\"Mo\""), "people by name and handle: {read}");
}

/// The API document shows people as objects with a name and a handle, never an address, and
/// documents assigning and the profile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_describes_people_not_addresses() {
    let app = spawn_app(TestDb::sqlite().await).await;

    let spec: Value = new_client().get(app.url("/api-docs/openapi.json")).send().await.unwrap().json().await.unwrap();

    let schemas = &spec["components"]["schemas"];
    let person: Vec<&str> = schemas["Person"]["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(person, ["id", "handle", "display_name"]);
    for (schema, field) in [("IssueSummary", "reporter"), ("IssueSummary", "assignee"), ("Comment", "author"), ("Activity", "actor"), ("Attachment", "uploader")] {
        assert!(schemas[schema]["properties"][field].is_object(), "{schema}.{field}");
    }
    for schema in ["IssueSummary", "Comment", "Activity", "Attachment", "PersonIssues"] {
        assert!(!schemas[schema].to_string().contains("email"), "{schema} names no address");
    }
    assert!(spec["paths"]["/api/v1/issues/{id}/assignee"]["put"].is_object());
    assert!(spec["paths"]["/api/v1/me"]["patch"].is_object());
    assert!(spec["paths"]["/api/v1/people/{handle}"]["get"].is_object());
    let params: Vec<&str> = spec["paths"]["/api/v1/issues"]["get"]["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(params.contains(&"assignee"), "{params:?}");
}
