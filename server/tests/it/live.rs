//! `/ws`: every kind of change arrives, only for those who may see it; role changes and
//! sign-outs reach open sockets; a client catches up after a drop; and, on PostgreSQL, a change
//! made through one server instance reaches a client of another.
use crate::common::{PASSWORD, TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use app::{
    auth::api::{ChangeRole, LogIn, SetUserActive},
    comments::api::AddComment,
    domain::{Role, Severity, Status},
    issues::{
        api::{ChangedSince, CreateIssue, DeleteIssue, RestoreIssue, TransitionIssue},
        model::ChangedIssue,
    },
};
use chrono::Utc;
use futures::StreamExt;
use leptos::server_fn::ServerFn;
use serde_json::Value;
use std::time::Duration;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

on_both_databases!(
    every_kind_of_change_arrives,
    reporters_hear_only_about_their_own_issues,
    a_role_change_and_a_deactivation_reach_an_open_socket,
    a_dropped_client_catches_up_on_what_it_missed,
    a_socket_from_another_site_is_refused,
    a_bulk_change_arrives_as_a_few_messages_naming_only_what_each_may_see,
);

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A session token for `email`, as a native client would hold it.
pub async fn token(app: &TestApp, email: &str) -> String {
    let response = crate::common::new_client().post(app.url(LogIn::PATH)).form(&[("email", email), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned()
}

pub async fn connect(app: &TestApp, token: &str) -> Socket {
    let mut request = format!("ws://{}/ws", app.addr).into_client_request().unwrap();
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("socket opens");
    assert_eq!(next(&mut socket).await["type"], "hello");
    socket
}

/// The next message, or `Value::Null` when none comes within a second.
pub async fn next(socket: &mut Socket) -> Value {
    loop {
        match tokio::time::timeout(Duration::from_secs(3), socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => return serde_json::from_str(&text).unwrap(),
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) => return Value::String("closed".into()),
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_))) => return Value::String("closed".into()),
            Err(_) => return Value::Null,
        }
    }
}

async fn quiet(socket: &mut Socket) -> Value {
    match tokio::time::timeout(Duration::from_millis(500), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str(&text).unwrap(),
        _ => Value::Null,
    }
}

async fn every_kind_of_change_arrives(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let mut socket = connect(&app, &token(&app, "ada@example.com").await).await;

    let created: Value = call(&admin, &app, CreateIssue::PATH, &[("title", "Live"), ("description", ""), ("severity", "LOW")]).await.json().await.unwrap();
    let id = created["summary"]["id"].as_i64().unwrap();
    let sid = id.to_string();
    let first = next(&mut socket).await;
    assert_eq!((first["type"].as_str(), first["issue_id"].as_i64(), first["version"].as_i64(), first["change"].as_str()), (Some("issue"), Some(id), Some(1), Some("created")));
    // Each carries the row as the list shows it, so a page showing it patches it in place.
    let row = &first["row"];
    assert_eq!((row["id"].as_i64(), row["title"].as_str(), row["status"].as_str(), row["version"].as_i64(), row["comment_count"].as_i64()), (Some(id), Some("Live"), Some("OPEN"), Some(1), Some(0)));

    call(&admin, &app, TransitionIssue::PATH, &[("issue_id", &sid), ("status", "TRIAGED"), ("version", "1")]).await;
    let triaged = next(&mut socket).await;
    assert_eq!((triaged["change"].as_str(), triaged["row"]["status"].as_str(), triaged["row"]["version"].as_i64()), (Some("updated"), Some("TRIAGED"), Some(2)));
    // An update also says what the issue was, so a list can tell whether it was listed.
    assert_eq!((triaged["before"]["status"].as_str(), triaged["before"]["severity"].as_str()), (Some("OPEN"), Some("LOW")));
    call(&admin, &app, AddComment::PATH, &[("issue_id", &sid), ("body", "hello")]).await;
    let commented = next(&mut socket).await;
    assert_eq!((commented["change"].as_str(), commented["row"]["comment_count"].as_i64(), commented.get("before")), (Some("comment"), Some(1), None));
    call(&admin, &app, AddComment::PATH, &[("issue_id", &sid), ("body", "again")]).await;
    assert_eq!(next(&mut socket).await["row"]["comment_count"], 2, "a second comment at the same version carries its own row");
    let part = reqwest::multipart::Part::bytes(b"log\n".to_vec()).file_name("a.log");
    admin.post(app.url(&format!("/api/v1/issues/{id}/attachments"))).multipart(reqwest::multipart::Form::new().part("file", part)).send().await.unwrap();
    assert_eq!(next(&mut socket).await["change"], "attachment");
    call(&admin, &app, DeleteIssue::PATH, &[("issue_id", &sid)]).await;
    let deleted = next(&mut socket).await;
    assert_eq!((deleted["change"].as_str(), deleted["version"].as_i64()), (Some("deleted"), Some(3)));
    call(&admin, &app, RestoreIssue::PATH, &[("issue_id", &sid)]).await;
    let restored = next(&mut socket).await;
    assert_eq!((restored["change"].as_str(), restored["row"]["title"].as_str()), (Some("restored"), Some("Live")));
    assert!(deleted.get("row").is_none() && !deleted.to_string().contains("Live"), "a deleted issue's notice carries no content: {deleted}");
}

async fn reporters_hear_only_about_their_own_issues(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let hers = insert_issue(app.db(), &rita, "Hers", Severity::Low, Status::Open, Utc::now()).await;
    let his = insert_issue(app.db(), &otto, "His", Severity::Low, Status::Open, Utc::now()).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let mut socket = connect(&app, &token(&app, "rita@example.com").await).await;

    call(&maintainer, &app, TransitionIssue::PATH, &[("issue_id", &his.id.to_string()), ("status", "TRIAGED"), ("version", "1")]).await;
    call(&maintainer, &app, TransitionIssue::PATH, &[("issue_id", &hers.id.to_string()), ("status", "TRIAGED"), ("version", "1")]).await;

    let mut heard = vec![next(&mut socket).await];
    while let notice @ Value::Object(_) = quiet(&mut socket).await {
        heard.push(notice);
    }
    // She watches her own issue, so its triage also tells her that her inbox changed.
    let about: Vec<Option<i64>> = heard.iter().filter(|n| n["type"] != "inbox").map(|n| n["issue_id"].as_i64()).collect();
    assert_eq!(about, [Some(hers.id)], "nothing about Otto's issue, not even its id: {heard:?}");
    assert!(heard.iter().filter(|n| n["type"] == "issue").all(|n| n["row"]["title"] == "Hers"), "her row, not his: {heard:?}");
    assert!(!heard.iter().any(|n| n.to_string().contains("His")), "{heard:?}");
    assert!(heard.iter().all(|n| n["type"] == "issue" || n.as_object().is_some_and(|o| o.len() == 1)), "an inbox notice carries nothing else: {heard:?}");
}

async fn a_role_change_and_a_deactivation_reach_an_open_socket(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let his = insert_issue(app.db(), &otto, "His", Severity::Low, Status::Open, Utc::now()).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let mut socket = connect(&app, &token(&app, "rita@example.com").await).await;

    call(&admin, &app, ChangeRole::PATH, &[("user_id", &rita.id.to_string()), ("role", "MAINTAINER")]).await;
    assert_eq!(next(&mut socket).await["type"], "resync", "the socket re-reads the role");
    call(&admin, &app, TransitionIssue::PATH, &[("issue_id", &his.id.to_string()), ("status", "TRIAGED"), ("version", "1")]).await;
    assert_eq!(next(&mut socket).await["issue_id"].as_i64(), Some(his.id), "as a maintainer she now hears about every issue");

    call(&admin, &app, SetUserActive::PATH, &[("user_id", &rita.id.to_string()), ("active", "false")]).await;
    assert_eq!(next(&mut socket).await["type"], "signed_out");
    assert_eq!(next(&mut socket).await, Value::String("closed".into()));
}

async fn a_dropped_client_catches_up_on_what_it_missed(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Moving", Severity::Low, Status::Open, Utc::now() - chrono::Duration::minutes(5)).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let rita_token = token(&app, "rita@example.com").await;
    let mut socket = connect(&app, &rita_token).await;
    let last_seen = Utc::now();

    socket.close(None).await.unwrap();
    drop(socket);
    call(&maintainer, &app, TransitionIssue::PATH, &[("issue_id", &issue.id.to_string()), ("status", "TRIAGED"), ("version", "1")]).await;
    let _reconnected = connect(&app, &rita_token).await;
    let response = reqwest::Client::new()
        .post(app.url(ChangedSince::PATH))
        .bearer_auth(&rita_token)
        .form(&[("since", last_seen.to_rfc3339())])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let missed: Vec<ChangedIssue> = response.json().await.unwrap();
    assert_eq!(missed.iter().map(|c| (c.issue_id, c.version)).collect::<Vec<_>>(), [(issue.id, 2)]);
}

async fn a_socket_from_another_site_is_refused(db: TestDb) {
    let app = spawn_app(db).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let token = token(&app, "rita@example.com").await;
    let mut request = format!("ws://{}/ws", app.addr).into_client_request().unwrap();
    request.headers_mut().insert("cookie", format!("tracker_session={token}").parse().unwrap());
    request.headers_mut().insert("origin", "http://evil.example".parse().unwrap());

    let refused = tokio_tungstenite::connect_async(request).await;

    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("expected 403, got {:?}", other.map(|_| ())),
    }
    let anonymous = tokio_tungstenite::connect_async(format!("ws://{}/ws", app.addr)).await;
    assert!(matches!(anonymous, Err(tokio_tungstenite::tungstenite::Error::Http(ref r)) if r.status() == 401));
}

/// Two server processes on one PostgreSQL database: a change through A reaches B's socket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_reaches_a_client_of_another() {
    let db = TestDb::postgres().await;
    let second = db.shared();
    let a = spawn_app(db).await;
    let b = crate::common::spawn_app(second).await;
    let (_, maintainer_on_a) = a.signed_in("mo@example.com", Role::Maintainer).await;
    let mut socket_on_b = connect(&b, &token(&b, "mo@example.com").await).await;

    let created: Value = call(&maintainer_on_a, &a, CreateIssue::PATH, &[("title", "Across"), ("description", ""), ("severity", "HIGH")]).await.json().await.unwrap();

    let notice = next(&mut socket_on_b).await;
    assert_eq!((notice["type"].as_str(), notice["issue_id"].as_i64()), (Some("issue"), created["summary"]["id"].as_i64()), "{notice}");
}

async fn a_bulk_change_arrives_as_a_few_messages_naming_only_what_each_may_see(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = crate::api::api(&app, "mo@example.com", Role::Maintainer).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let mut items = Vec::new();
    let mut hers = Vec::new();
    for n in 0..150 {
        let reporter = if n % 50 == 0 { &rita } else { &otto };
        let issue = insert_issue(
            app.db(),
            reporter,
            &format!("Bulk {n}"),
            Severity::Low,
            Status::Open,
            Utc::now(),
        )
        .await;
        if reporter.id == rita.id {
            hers.push(issue.id);
        }
        items.push(serde_json::json!({ "id": issue.id, "version": 1 }));
    }
    let mut watching = connect(&app, &token(&app, "mo@example.com").await).await;
    let mut hearing_hers = connect(&app, &token(&app, "rita@example.com").await).await;

    let response = mo.send(reqwest::Method::POST, "/api/v1/issues/bulk", Some(serde_json::json!({ "change": { "action": "status", "status": "TRIAGED" }, "items": items }))).await;
    assert_eq!(response.status(), 200);

    let mut heard = vec![next(&mut watching).await];
    while let notice @ Value::Object(_) = quiet(&mut watching).await {
        heard.push(notice);
    }
    let sizes: Vec<usize> = heard
        .iter()
        .filter(|n| n["type"] == "issues")
        .map(|n| n["issues"].as_array().unwrap().len())
        .collect();
    assert_eq!(
        sizes,
        [100, 50],
        "150 issues in two messages, nothing one by one: {heard:?}"
    );
    assert!(
        heard
            .iter()
            .all(|n| n["type"] == "issues" || n["type"] == "inbox"),
        "{heard:?}"
    );
    assert!(
        heard
            .iter()
            .filter(|n| n["type"] == "issues")
            .all(|n| n["change"] == "updated")
    );

    let mut hers_heard = vec![next(&mut hearing_hers).await];
    while let notice @ Value::Object(_) = quiet(&mut hearing_hers).await {
        hers_heard.push(notice);
    }
    let named: Vec<(i64, i64)> = hers_heard
        .iter()
        .filter(|n| n["type"] == "issues")
        .flat_map(|n| {
            n["issues"].as_array().unwrap().iter().map(|i| {
                (
                    i["issue_id"].as_i64().unwrap(),
                    i["version"].as_i64().unwrap(),
                )
            })
        })
        .collect();
    assert_eq!(
        named,
        hers.iter().map(|id| (*id, 2)).collect::<Vec<_>>(),
        "only her own issues, at their new version: {hers_heard:?}"
    );
    assert!(
        hers_heard
            .iter()
            .all(|n| n["type"] == "issues" || n["type"] == "inbox"),
        "{hers_heard:?}"
    );
}
