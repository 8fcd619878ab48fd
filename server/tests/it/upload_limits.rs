//! Uploads cannot tie the server up: one sent a byte at a time is cut off at its deadline
//! however steadily the bytes come, and each account and address runs only a few at once.
use crate::{
    api::{Api, api},
    attachments::{PNG, upload},
    common::{TestApp, TestDb, spawn_app_with},
};
use app::{domain::Role, server::entities::attachments};
use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

on_both_databases!(an_upload_still_coming_at_its_deadline_gets_408, each_account_and_address_runs_a_few_uploads_at_once);

const BOUNDARY: &str = "tracker-test-boundary";

/// Files an issue as `api` and returns its id.
async fn issue(api: &Api<'_>) -> i64 {
    let filed: Value = api.send(Method::POST, "/api/v1/issues", Some(json!({ "title": "Crash", "severity": "LOW" }))).await.json().await.unwrap();
    filed["summary"]["id"].as_i64().unwrap()
}

/// Starts an upload of `size` bytes to `issue_id` over a socket of its own and sends its
/// headers and the form's first part; the file's bytes are the caller's to send.
async fn start_upload(app: &TestApp, token: &str, issue_id: i64, size: usize, from: &str) -> TcpStream {
    let head = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    let tail = format!("\r\n--{BOUNDARY}--\r\n");
    let length = head.len() + size + tail.len();
    let mut socket = TcpStream::connect(app.addr).await.unwrap();
    let request = format!(
        "POST /api/v1/issues/{issue_id}/attachments HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\nX-Forwarded-For: {from}\r\n\r\n{head}",
        app.addr
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    socket
}

/// Whether the server has answered (or closed) `socket`, an upload that should be stalled.
async fn answered(socket: &mut TcpStream) -> bool {
    let mut byte = [0_u8; 1];
    tokio::time::timeout(Duration::from_millis(20), socket.peek(&mut byte)).await.is_ok()
}

async fn an_upload_still_coming_at_its_deadline_gets_408(db: TestDb) {
    let app = spawn_app_with(db, &[("UPLOAD_TIMEOUT_SECS", "2")]).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let issue_id = issue(&rita).await;
    let socket = start_upload(&app, &rita.token, issue_id, 200, "127.0.0.1").await;
    let (mut reader, mut writer) = socket.into_split();
    // A byte every 100 ms: never a pause long enough for the idle timeout, and 20 s in all.
    let trickle = tokio::spawn(async move {
        for _ in 0..200 {
            if writer.write_all(b"x").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut answer = vec![0_u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(10), reader.read(&mut answer)).await.expect("an answer before the upload's bytes run out").unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    trickle.abort();
    assert_eq!(attachments::Entity::find().count(app.db()).await.unwrap(), 0);
}

async fn each_account_and_address_runs_a_few_uploads_at_once(db: TestDb) {
    // Addresses as a proxy forwards them, so that one test can come from several.
    let app = spawn_app_with(db, &[("UPLOADS_AT_ONCE", "2"), ("TRUST_FORWARDED_FOR", "true")]).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let issue_id = issue(&rita).await;
    let bearer = |token: &str, from: &str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
        headers.insert("x-forwarded-for", from.parse().unwrap());
        reqwest::Client::builder().default_headers(headers).build().unwrap()
    };
    assert_eq!(upload(&bearer(&rita.token, "10.0.0.1"), &app, issue_id, "first.png", PNG).await.status(), 201, "one at a time is fine");

    // Two uploads that stall after their headers hold both of Rita's slots, and both of her
    // address's.
    let mut stalled = [start_upload(&app, &rita.token, issue_id, 1000, "10.0.0.1").await, start_upload(&app, &rita.token, issue_id, 1000, "10.0.0.1").await];
    // (They are counted once the server has their headers: asked until then. A third that
    // came first took a slot a stalled one wanted, and that one was refused: it starts again.)
    // A restarted one is given time to be counted before the next probe, or a probe that is
    // still running could take its slot again (a loaded machine reads the token slowly).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut landed = 1;
    let third = loop {
        let response = upload(&bearer(&rita.token, "10.0.0.2"), &app, issue_id, "third.png", PNG).await;
        if response.status() == 429 || tokio::time::Instant::now() > deadline {
            break response;
        }
        landed += 1;
        let mut restarted = false;
        for socket in &mut stalled {
            if answered(socket).await {
                *socket = start_upload(&app, &rita.token, issue_id, 1000, "10.0.0.1").await;
                restarted = true;
            }
        }
        tokio::time::sleep(Duration::from_millis(if restarted { 500 } else { 50 })).await;
    };
    if third.status() != 429 {
        // What the stalled uploads were told, if anything: for the failure's message.
        let mut told = Vec::new();
        for mut socket in stalled {
            let mut answer = vec![0; 512];
            let read = tokio::time::timeout(Duration::from_millis(500), socket.read(&mut answer)).await.ok().and_then(Result::ok).unwrap_or(0);
            told.push(String::from_utf8_lossy(&answer[..read]).into_owned());
        }
        panic!("the same account from another address got {} after {landed} uploads; the stalled ones were told {told:?}", third.status());
    }
    assert!(third.headers().contains_key("retry-after"));
    let same_address = upload(&bearer(&mo.token, "10.0.0.1"), &app, issue_id, "other.png", PNG).await;
    assert_eq!(same_address.status(), 429, "another account from the same address");
    let elsewhere = upload(&bearer(&mo.token, "10.0.0.3"), &app, issue_id, "other.png", PNG).await;
    assert_eq!(elsewhere.status(), 201, "another account from another address");
    landed += 1;

    // Once they end, the slots are free again.
    drop(stalled);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let response = upload(&bearer(&rita.token, "10.0.0.1"), &app, issue_id, "later.png", PNG).await;
        if response.status() == 201 {
            break;
        }
        assert_eq!(response.status(), 429);
        assert!(tokio::time::Instant::now() < deadline, "the stalled uploads' slots were never given back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(attachments::Entity::find().count(app.db()).await.unwrap(), landed + 1, "the refused ones left nothing");
}
