//! Attachments: streaming uploads, the size limit, sniffed types, odd names, safe downloads and
//! permissions, on both databases and on both local and S3 storage (a local moto_server).
use crate::common::{Moto, TestApp, TestDb, insert_issue, spawn_app, spawn_app_with};
use app::{
    comments::api::GetTimeline,
    domain::{Role, Severity, Status},
    server::entities::{attachments, issue_events, users},
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use object_store::{ObjectStore, path::Path};
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

on_both_databases!(
    local_upload_streams_in_and_downloads_safely,
    local_limit_refuses_one_byte_over_and_leaves_nothing,
    s3_upload_streams_in_and_downloads_safely,
    s3_limit_refuses_one_byte_over_and_leaves_nothing,
    local_odd_file_names_are_only_metadata,
    s3_odd_file_names_are_only_metadata,
    local_types_are_sniffed_from_the_bytes,
    s3_types_are_sniffed_from_the_bytes,
    local_attachments_follow_the_issues_permissions,
    s3_attachments_follow_the_issues_permissions,
    files_attach_to_a_comment_of_the_same_issue_only,
);

/// A 1×1 PNG.
pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";

/// Uploads `bytes` as `name` to issue `issue_id` through the REST route.
pub(crate) async fn upload(client: &reqwest::Client, app: &TestApp, issue_id: i64, name: &str, bytes: &[u8]) -> reqwest::Response {
    let part = Part::bytes(bytes.to_vec()).file_name(name.to_owned()).mime_str("application/octet-stream").unwrap();
    client.post(app.url(&format!("/api/v1/issues/{issue_id}/attachments"))).multipart(Form::new().part("file", part)).send().await.expect("upload")
}

async fn stored_objects(app: &TestApp) -> Vec<String> {
    let listed = app.state.storage.list_with_delimiter(Some(&Path::from("attachments"))).await.unwrap();
    listed.objects.into_iter().map(|o| o.location.to_string()).collect()
}

/// A reporter with an issue, signed in.
async fn reporter_with_issue(app: &TestApp) -> (users::Model, reqwest::Client, i64) {
    let (rita, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Crash", Severity::High, Status::Open, Utc::now()).await;
    (rita, client, issue.id)
}

async fn upload_streams_in_and_downloads_safely(app: TestApp) {
    let (_, client, issue_id) = reporter_with_issue(&app).await;

    let response = upload(&client, &app, issue_id, "screen shot.png", PNG).await;

    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let attachment: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/attachments/{}", attachment["id"]));
    assert_eq!((attachment["file_name"].as_str(), attachment["content_type"].as_str(), attachment["size_bytes"].as_i64()), (Some("screen shot.png"), Some("image/png"), Some(PNG.len() as i64)));
    let row = attachments::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert!(row.storage_key.starts_with("attachments/") && row.storage_key.len() == "attachments/".len() + 32, "{}", row.storage_key);
    assert_eq!(stored_objects(&app).await, [row.storage_key.clone()]);

    let download = client.get(app.url(&location)).send().await.unwrap();
    assert_eq!(download.status(), 200);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["content-disposition"], "attachment; filename=\"screen shot.png\"; filename*=UTF-8''screen%20shot.png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(download.bytes().await.unwrap().as_ref(), PNG);
    let preview = client.get(app.url(&format!("{location}/preview"))).send().await.unwrap();
    assert_eq!((preview.status().as_u16(), preview.headers()["content-disposition"].to_str().unwrap().starts_with("inline")), (200, true));

    let timeline: Value = client.post(app.url(GetTimeline::PATH)).form(&[("issue_id", issue_id.to_string())]).send().await.unwrap().json().await.unwrap();
    assert!(timeline.to_string().contains("attachment_added"), "{timeline}");

    let removed = client.post(app.url(app::attachments::api::DeleteAttachment::PATH)).form(&[("attachment_id", row.id.to_string())]).send().await.unwrap();
    assert_eq!(removed.status(), 200);
    assert!(stored_objects(&app).await.is_empty(), "the bytes go with the record");
    assert_eq!(client.get(app.url(&location)).send().await.unwrap().status(), 404);
    let kinds = issue_events::Entity::find().filter(issue_events::Column::IssueId.eq(issue_id)).count(app.db()).await.unwrap();
    assert_eq!(kinds, 2, "added and removed are both recorded");
}

async fn limit_refuses_one_byte_over_and_leaves_nothing(app: TestApp) {
    let (_, client, issue_id) = reporter_with_issue(&app).await;
    // Over the 8 KiB sniffing window, so the refusal happens while streaming into storage.
    let limit = 64 * 1024;
    let at_limit = vec![b'a'; limit];
    let over = vec![b'a'; limit + 1];

    let refused = upload(&client, &app, issue_id, "big.log", &over).await;

    assert_eq!(refused.status(), 413);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
    assert_eq!(attachments::Entity::find().count(app.db()).await.unwrap(), 0);
    assert!(stored_objects(&app).await.is_empty(), "no partial object is left behind");

    // A declared length over the limit is refused whole: nothing reaches the handler or the store.
    let huge = reqwest::Body::from(vec![b'a'; 4 * limit]);
    let declared = client
        .post(app.url(&format!("/api/v1/issues/{issue_id}/attachments")))
        .header("content-type", "multipart/form-data; boundary=x")
        .header("content-length", (4 * limit).to_string())
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), 413);

    assert_eq!(upload(&client, &app, issue_id, "fits.log", &at_limit).await.status(), 201);
    assert_eq!(stored_objects(&app).await.len(), 1);
}

const SMALL_LIMIT: &str = "65536";

async fn local_upload_streams_in_and_downloads_safely(db: TestDb) {
    upload_streams_in_and_downloads_safely(spawn_app(db).await).await;
}

async fn local_limit_refuses_one_byte_over_and_leaves_nothing(db: TestDb) {
    limit_refuses_one_byte_over_and_leaves_nothing(spawn_app_with(db, &[("ATTACHMENT_MAX_BYTES", SMALL_LIMIT)]).await).await;
}

async fn s3_app(db: TestDb, extra: &[(&str, &str)]) -> (Moto, TestApp) {
    let moto = Moto::start().await;
    let mut settings = moto.bucket("attachments-test").await;
    settings.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(db, &settings).await;
    (moto, app)
}

async fn s3_upload_streams_in_and_downloads_safely(db: TestDb) {
    let (_moto, app) = s3_app(db, &[]).await;
    upload_streams_in_and_downloads_safely(app).await;
}

async fn s3_limit_refuses_one_byte_over_and_leaves_nothing(db: TestDb) {
    let (_moto, app) = s3_app(db, &[("ATTACHMENT_MAX_BYTES", SMALL_LIMIT)]).await;
    limit_refuses_one_byte_over_and_leaves_nothing(app).await;
}

async fn odd_file_names_are_only_metadata(app: TestApp) {
    let (_, client, issue_id) = reporter_with_issue(&app).await;
    let long = format!("{}.txt", "n".repeat(1000));
    let cases = [("../../x", "x"), ("%2e%2e%2fpasswd", "%2e%2e%2fpasswd"), (long.as_str(), &long[..255]), ("CON", "_CON"), ("..\\..\\win.ini", "win.ini")];

    // A NUL cannot even be carried in a multipart header: the form is refused, naming the file.
    let nul = upload(&client, &app, issue_id, "a\0b.txt", b"log line\n").await;
    assert_eq!(nul.status(), 422);
    assert_eq!(nul.json::<Value>().await.unwrap()["error"]["fields"][0]["field"], "file");
    assert!(stored_objects(&app).await.is_empty());
    for (given, kept) in cases {
        let response = upload(&client, &app, issue_id, given, b"log line\n").await;
        assert_eq!(response.status(), 201, "{given:?}");
        let attachment: Value = response.json().await.unwrap();
        assert_eq!(attachment["file_name"], kept, "{given:?}");
    }
    for row in attachments::Entity::find().all(app.db()).await.unwrap() {
        assert!(row.storage_key.starts_with("attachments/") && row.storage_key["attachments/".len()..].chars().all(|c| c.is_ascii_hexdigit()), "{}", row.storage_key);
    }
    assert_eq!(stored_objects(&app).await.len(), cases.len(), "each name got its own object, all inside the store");
}

async fn types_are_sniffed_from_the_bytes(app: TestApp) {
    let (_, client, issue_id) = reporter_with_issue(&app).await;
    let png_with_html = [PNG, b"<html><script>alert(1)</script></html>"].concat();

    let disguised = upload(&client, &app, issue_id, "innocent.html", &png_with_html).await;
    assert_eq!(disguised.status(), 201);
    let disguised: Value = disguised.json().await.unwrap();
    assert_eq!(disguised["content_type"], "image/png", "the bytes decide, not the name");
    let served = client.get(app.url(&format!("/attachments/{}", disguised["id"]))).send().await.unwrap();
    assert_eq!((served.headers()["content-type"].to_str().unwrap(), served.headers()["x-content-type-options"].to_str().unwrap()), ("image/png", "nosniff"));

    // A refused file larger than the sniffing window still gets its answer: the rest is read.
    let big_exe = [&b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0"[..], &[0u8; 60 * 1024]].concat();
    for (name, bytes) in [
        ("logo.svg", &b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script></svg>"[..]),
        ("photo.png", b"<!DOCTYPE html><html><body onload=alert(1)>"),
        ("tool.exe", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0"),
        ("installer.exe", &big_exe),
    ] {
        let refused = upload(&client, &app, issue_id, name, bytes).await;
        assert_eq!(refused.status(), 415, "{name}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unsupported_media_type", "{name}");
    }
    assert_eq!(upload(&client, &app, issue_id, "empty.txt", b"").await.status(), 422);
    assert_eq!(attachments::Entity::find().count(app.db()).await.unwrap(), 1);
    assert_eq!(stored_objects(&app).await.len(), 1);
}

async fn attachments_follow_the_issues_permissions(app: TestApp) {
    let (_, client, issue_id) = reporter_with_issue(&app).await;
    let attachment: Value = upload(&client, &app, issue_id, "secret.png", PNG).await.json().await.unwrap();
    let id = attachment["id"].as_i64().unwrap();
    let (_, stranger) = app.signed_in("otto@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let anonymous = crate::common::new_client();

    for path in [format!("/attachments/{id}"), format!("/attachments/{id}/preview")] {
        let response = stranger.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert!(!response.text().await.unwrap().contains("secret"));
        assert_eq!(anonymous.get(app.url(&path)).send().await.unwrap().status(), 401, "{path}");
        assert_eq!(maintainer.get(app.url(&path)).send().await.unwrap().status(), 200, "{path}");
    }
    assert_eq!(upload(&stranger, &app, issue_id, "mine.png", PNG).await.status(), 404);
    let delete = |client: &reqwest::Client| client.post(app.url(app::attachments::api::DeleteAttachment::PATH)).form(&[("attachment_id", id.to_string())]).send();
    assert_eq!(delete(&stranger).await.unwrap().status(), 404);
    assert_eq!(attachments::Entity::find().count(app.db()).await.unwrap(), 1);
    assert_eq!(delete(&maintainer).await.unwrap().status(), 200, "maintainers tidy any issue");
}

async fn local_odd_file_names_are_only_metadata(db: TestDb) {
    odd_file_names_are_only_metadata(spawn_app(db).await).await;
}

async fn s3_odd_file_names_are_only_metadata(db: TestDb) {
    let (_moto, app) = s3_app(db, &[]).await;
    odd_file_names_are_only_metadata(app).await;
}

async fn local_types_are_sniffed_from_the_bytes(db: TestDb) {
    types_are_sniffed_from_the_bytes(spawn_app(db).await).await;
}

async fn s3_types_are_sniffed_from_the_bytes(db: TestDb) {
    let (_moto, app) = s3_app(db, &[]).await;
    types_are_sniffed_from_the_bytes(app).await;
}

async fn local_attachments_follow_the_issues_permissions(db: TestDb) {
    attachments_follow_the_issues_permissions(spawn_app(db).await).await;
}

async fn s3_attachments_follow_the_issues_permissions(db: TestDb) {
    let (_moto, app) = s3_app(db, &[]).await;
    attachments_follow_the_issues_permissions(app).await;
}

async fn files_attach_to_a_comment_of_the_same_issue_only(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, client, issue_id) = reporter_with_issue(&app).await;
    let other_issue = insert_issue(app.db(), &rita, "Other", Severity::Low, Status::Open, Utc::now()).await;
    let comment: Value = client
        .post(app.url(app::comments::api::AddComment::PATH))
        .form(&[("issue_id", issue_id.to_string()), ("body", "see the log".to_owned())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let comment_id = comment["id"].as_i64().unwrap();
    let to_comment = |issue: i64| {
        let part = Part::bytes(b"log line\n".to_vec()).file_name("app.log");
        client.post(app.url(&format!("/api/v1/issues/{issue}/attachments?comment_id={comment_id}"))).multipart(Form::new().part("file", part)).send()
    };

    let attached = to_comment(issue_id).await.unwrap();
    let elsewhere = to_comment(other_issue.id).await.unwrap();

    assert_eq!(attached.status(), 201);
    assert_eq!(attached.json::<Value>().await.unwrap()["comment_id"], comment_id);
    assert_eq!(elsewhere.status(), 422);
    assert_eq!(elsewhere.json::<Value>().await.unwrap()["error"]["fields"][0]["field"], "comment_id");
    assert_eq!(stored_objects(&app).await.len(), 1, "the refused upload stored nothing");
}
