//! Rendered markdown as the API serves it: the issue's own pictures show inline, every other
//! image is a link or text, and code is highlighted with classes.
use crate::{
    attachments::{PNG, upload},
    common::{TestApp, TestDb, call, insert_issue, spawn_app},
};
use app::{
    comments::api::{AddComment, GetTimeline},
    domain::{Role, Severity, Status},
    issues::api::{PreviewDescription, UpdateIssue},
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use serde_json::Value;

on_both_databases!(descriptions_and_comments_show_only_the_issues_own_pictures);

/// Uploads `bytes` to issue `issue_id` and returns the attachment's id.
async fn attach(client: &reqwest::Client, app: &TestApp, issue_id: i64, name: &str, bytes: &[u8]) -> i64 {
    let response = upload(client, app, issue_id, name, bytes).await;
    assert_eq!(response.status(), 201, "upload of {name}");
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn descriptions_and_comments_show_only_the_issues_own_pictures(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Crash", Severity::High, Status::Open, Utc::now()).await.id;
    let other = insert_issue(app.db(), &rita, "Other", Severity::Low, Status::Open, Utc::now()).await.id;
    let shot = attach(&client, &app, issue, "shot.png", PNG).await;
    let log = attach(&client, &app, issue, "crash.log", b"panic at line 1\n").await;
    let elsewhere = attach(&client, &app, other, "other.png", PNG).await;
    let markdown = format!(
        "![the crash](/attachments/{shot})\n\n![the log](/attachments/{log}) ![not here](/attachments/{elsewhere}/preview)\n\n\
         <img src=x alt=relative> ![logo](https://example.com/logo.png)\n\n```rust\nfn main() {{}}\n```\n"
    );

    let saved = call(&client, &app, UpdateIssue::PATH, &[("issue_id", &issue.to_string()), ("version", "1"), ("title", "Crash"), ("description", &markdown)]).await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap_or_default());

    let read: Value = client.get(app.url(&format!("/api/v1/issues/{issue}"))).send().await.unwrap().json().await.unwrap();
    let html = read["description_html"].as_str().unwrap();
    assert!(html.contains(&format!(r#"<img src="/attachments/{shot}/preview" alt="the crash" loading="lazy">"#)), "{html}");
    assert_eq!(html.matches("<img").count(), 1, "a text file, another issue's picture and a relative address load nothing: {html}");
    assert!(html.contains("<p>the log not here</p>") && html.contains("relative"), "{html}");
    assert!(html.contains(r#"<a href="https://example.com/logo.png" rel="noopener noreferrer nofollow">logo</a>"#), "{html}");
    assert!(html.contains(r#"<span class="hl-keyword">fn</span>"#) && !html.contains("style="), "{html}");

    let comment = call(&client, &app, AddComment::PATH, &[("issue_id", &issue.to_string()), ("body", &format!("Again: ![again](/attachments/{shot}) ![no](/attachments/{elsewhere})"))]).await;
    assert_eq!(comment.status(), 200);
    let timeline: Value = call(&client, &app, GetTimeline::PATH, &[("issue_id", &issue.to_string())]).await.json().await.unwrap();
    let body = timeline.to_string();
    assert!(body.contains(&format!(r#"<img src=\"/attachments/{shot}/preview\" alt=\"again\" loading=\"lazy\">"#)) && body.contains(" no</p>"), "{body}");

    let preview = |issue_id: Option<i64>| {
        let mut form = vec![("markdown".to_owned(), format!("![p](/attachments/{shot})"))];
        form.extend(issue_id.map(|id| ("issue_id".to_owned(), id.to_string())));
        let (client, url) = (client.clone(), app.url(PreviewDescription::PATH));
        async move { client.post(url).form(&form).send().await.unwrap() }
    };
    assert!(preview(Some(issue)).await.text().await.unwrap().contains("<img src="), "the issue's preview shows its pictures");
    assert!(!preview(None).await.text().await.unwrap().contains("<img"), "a new issue's preview has no pictures");
    let (_, otto) = app.signed_in("otto@example.com", Role::Reporter).await;
    let foreign = otto.post(app.url(PreviewDescription::PATH)).form(&[("markdown", "x"), ("issue_id", &issue.to_string())]).send().await.unwrap();
    assert_eq!(foreign.status(), 404, "no preview against someone else's issue");
}
