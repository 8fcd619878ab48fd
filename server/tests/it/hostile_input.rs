//! Text that looks like something but is not: titles, names and comments that show nothing,
//! NUL and other control characters where PostgreSQL would refuse them, text in two Unicode
//! forms, and request headers no browser would send.
use crate::{
    api::{api, error},
    common::{TestDb, new_client, spawn_app},
};
use app::{domain::Role, server::entities::{issues, tags}};
use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

on_both_databases!(
    required_texts_of_invisible_characters_are_blank_and_nothing_is_written,
    stored_text_is_composed,
    control_characters_never_reach_the_database,
    headers_beyond_the_cap_get_431,
    unknown_and_read_only_fields_are_refused_by_name,
);

/// Texts that show nothing: white space, zero-width space, joiners, word joiner, byte-order
/// mark, a Hangul filler.
const INVISIBLE: [&str; 5] = ["\u{200B}", "\u{200C}\u{200D}", "\u{2060}", "\u{FEFF}", " \u{200B}\u{3164}\t"];

async fn required_texts_of_invisible_characters_are_blank_and_nothing_is_written(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let filed: Value = mo.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "Export fails", "severity": "LOW" }))).await.json().await.unwrap();
    let id = filed["summary"]["id"].as_i64().unwrap();
    for blank in INVISIBLE {
        let title = mo.send(Method::POST, "/api/v1/issues", Some(json!({ "title": blank, "severity": "LOW" }))).await;
        assert_eq!(error(title, 422).await.1, ["title"], "title {blank:?}");
        let tag = mo.send(Method::POST, "/api/v1/tags", Some(json!({ "name": blank, "colour": "BLUE" }))).await;
        assert_eq!(error(tag, 422).await.1, ["name"], "tag {blank:?}");
        let comment = mo.send(Method::POST, &format!("/api/v1/issues/{id}/comments"), Some(json!({ "body": blank }))).await;
        assert_eq!(error(comment, 422).await.1, ["body"], "comment {blank:?}");
    }
    assert_eq!(issues::Entity::find().count(app.db()).await.unwrap(), 1);
    assert_eq!(tags::Entity::find().count(app.db()).await.unwrap(), 0);
    // Invisible characters around visible text go; the text stays.
    let trimmed: Value = mo.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "\u{FEFF}Import hangs\u{200B} ", "severity": "LOW" }))).await.json().await.unwrap();
    assert_eq!(trimmed["summary"]["title"], "Import hangs");
}

async fn stored_text_is_composed(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let decomposed = "Cafe\u{301} menu";
    let filed = mo.send(Method::POST, "/api/v1/issues", Some(json!({ "title": decomposed, "description": decomposed, "severity": "LOW" }))).await;
    assert_eq!(filed.status(), 201);
    let stored = issues::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((stored.title.as_str(), stored.description.as_str()), ("Café menu", "Café menu"));
    // A tag typed in the other form is the same tag.
    assert_eq!(mo.send(Method::POST, "/api/v1/tags", Some(json!({ "name": "Caf\u{e9}", "colour": "BLUE" }))).await.status(), 201);
    let again = mo.send(Method::POST, "/api/v1/tags", Some(json!({ "name": "Cafe\u{301}", "colour": "RED" }))).await;
    assert_eq!(error(again, 409).await.0, "conflict");
    // And the title is found whichever form is searched for.
    let found: Value = mo.get("/api/v1/issues?q=Cafe%CC%81").await.json().await.unwrap();
    assert_eq!(found["total"], 1, "{found}");
}

async fn control_characters_never_reach_the_database(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let anonymous = new_client();
    for bad in ["rita\0@example.com", "rita@example.com\0", "\u{1}rita@example.com"] {
        let sign_in = anonymous.post(app.url("/api/v1/tokens")).json(&json!({ "email": bad, "password": "whatever it is" })).send().await.unwrap();
        assert_eq!(error(sign_in, 422).await.1, ["email"], "{bad:?}");
    }
    let title = mo.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "Export\0fails", "severity": "LOW" }))).await;
    assert_eq!(error(title, 422).await.1, ["title"]);
    let description = mo.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "Export fails", "description": "a\0b", "severity": "LOW" }))).await;
    assert_eq!(error(description, 422).await.1, ["description"]);
    assert_eq!(issues::Entity::find().count(app.db()).await.unwrap(), 0);
    // Filters and search drop what no stored text holds, and answer as usual.
    for query in ["q=export%00", "tag=ui%00", "reporter=rita%00%40example.com", "reporter=rita%00", "assignee=mo%00", "q=%00%01"] {
        let list = mo.get(&format!("/api/v1/issues?{query}")).await;
        assert_eq!(list.status(), 200, "{query}: {}", list.text().await.unwrap());
    }
    let ada = api(&app, "ada@example.com", Role::Admin).await;
    let users: Value = ada.get("/api/v1/users?search=mo%00%40").await.json().await.unwrap();
    assert_eq!(users.as_array().map(Vec::len), Some(1), "{users}");
}

async fn headers_beyond_the_cap_get_431(db: TestDb) {
    let app = spawn_app(db).await;
    let client = new_client();
    let huge = format!("tracker_session={}", "a".repeat(64 * 1024));
    let refused = client.get(app.url("/api/v1/me")).header("cookie", huge).send().await.unwrap();
    assert_eq!(refused.status(), 431);
    assert!(refused.headers().contains_key("x-request-id"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "request_headers_too_large", "{body}");
    let page = client.get(app.url("/login")).header("cookie", format!("theme={}", "a".repeat(64 * 1024))).send().await.unwrap();
    assert_eq!(page.status(), 431);
    // A large but ordinary set of headers passes.
    let ordinary = client.get(app.url("/health/live")).header("cookie", format!("other={}", "a".repeat(8 * 1024))).send().await.unwrap();
    assert_eq!(ordinary.status(), 200);
}

/// Every JSON body the API takes refuses a field it does not know, or one only the server sets,
/// with 422 naming it; nothing is written.
async fn unknown_and_read_only_fields_are_refused_by_name(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let filed: Value = mo.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "Export fails", "severity": "LOW" }))).await.json().await.unwrap();
    let id = filed["summary"]["id"].as_i64().unwrap();
    let cases = [
        (Method::POST, "/api/v1/issues".to_owned(), json!({ "title": "x", "severity": "LOW", "id": 7 }), "id"),
        (Method::POST, "/api/v1/issues".to_owned(), json!({ "title": "x", "severity": "LOW", "reporter_id": 1 }), "reporter_id"),
        (Method::PATCH, format!("/api/v1/issues/{id}"), json!({ "title": "y", "description": "", "version": 1, "reporter_id": 9 }), "reporter_id"),
        (Method::POST, format!("/api/v1/issues/{id}/comments"), json!({ "body": "hi", "author_id": 1 }), "author_id"),
        (Method::POST, "/api/v1/tags".to_owned(), json!({ "name": "ui", "colour": "BLUE", "id": 3 }), "id"),
        (Method::POST, "/api/v1/tokens".to_owned(), json!({ "email": "mo@example.com", "password": "x", "role": "ADMIN" }), "role"),
    ];
    for (method, path, body, field) in cases {
        let answer = mo.send(method.clone(), &path, Some(body)).await;
        assert_eq!(error(answer, 422).await.1, [field], "{method} {path}");
    }
    assert_eq!(issues::Entity::find().count(app.db()).await.unwrap(), 1);
    assert_eq!(tags::Entity::find().count(app.db()).await.unwrap(), 0);
}
