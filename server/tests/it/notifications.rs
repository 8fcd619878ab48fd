//! Notifications: who hears about what (watchers, the assignee, the people mentioned), never
//! the actor and never about an issue the person may not see; the inbox, its unread count and
//! marking read; muting; delivery settings and the mail they mark due; the live inbox notice.
use crate::common::{TestApp, TestDb, call, spawn_app};
use crate::live::{connect, next, token};
use app::{
    auth::api::ChangeRole,
    comments::api::AddComment,
    domain::{Delivery, NotificationKind, Role},
    issues::api::{ChangeSeverity, CreateIssue, DeleteIssue, TransitionIssue},
    notifications::api::{
        GetInbox, MarkNotificationsRead, MentionCandidates, ReadIssueNotifications, SetIssueWatching, SetNotificationDelivery, UnreadNotifications,
    },
    server::entities::{issue_watchers, notifications},
};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;

on_both_databases!(
    watchers_hear_about_changes_but_nobody_about_their_own,
    mentions_reach_only_people_who_may_see_the_issue,
    muting_silences_everything_but_a_mention,
    the_inbox_groups_counts_and_marks_read,
    notifications_about_issues_no_longer_visible_are_hidden,
    settings_decide_what_is_mailed_and_unsubscribe_links_cannot_be_edited,
    the_bell_hears_live,
);

pub async fn file(app: &TestApp, client: &reqwest::Client, title: &str, description: &str) -> i64 {
    let response = call(client, app, CreateIssue::PATH, &[("title", title), ("description", description), ("severity", "LOW")]).await;
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["summary"]["id"].as_i64().unwrap()
}

pub async fn comment(app: &TestApp, client: &reqwest::Client, issue: i64, body: &str) {
    let response = call(client, app, AddComment::PATH, &[("issue_id", &issue.to_string()), ("body", body)]).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

pub async fn version(app: &TestApp, issue: i64) -> String {
    app::server::entities::issues::Entity::find_by_id(issue).one(app.db()).await.unwrap().unwrap().version.to_string()
}

/// `user`'s notifications as stored, oldest first: (kind, issue).
async fn stored(app: &TestApp, user: i64) -> Vec<(NotificationKind, i64)> {
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .order_by_asc(notifications::Column::Id)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.kind, n.issue_id))
        .collect()
}

async fn unread(app: &TestApp, client: &reqwest::Client) -> u64 {
    let response = call(client, app, UnreadNotifications::PATH, &[]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn inbox(app: &TestApp, client: &reqwest::Client, unread_only: bool) -> Value {
    let response = call(client, app, GetInbox::PATH, &[("unread_only", if unread_only { "true" } else { "false" })]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn watchers_hear_about_changes_but_nobody_about_their_own(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (mo, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (max, _) = app.signed_in("max@example.com", Role::Maintainer).await;
    let issue = file(&app, &reporter, "Crash on save", "It crashes").await;
    assert_eq!(stored(&app, rita.id).await, [], "filing notifies nobody, not even the reporter");

    let moved = call(&maintainer, &app, TransitionIssue::PATH, &[("issue_id", &issue.to_string()), ("status", "TRIAGED"), ("version", &version(&app, issue).await)]).await;
    assert_eq!(moved.status(), 200);
    assert_eq!(stored(&app, rita.id).await, [(NotificationKind::Status, issue)], "the reporter watches their issue");
    assert_eq!(stored(&app, mo.id).await, [], "nobody hears about their own action");

    comment(&app, &maintainer, issue, "Looking into it").await;
    assert_eq!(stored(&app, rita.id).await.last(), Some(&(NotificationKind::Comment, issue)));
    let watcher = issue_watchers::Entity::find_by_id((issue, mo.id)).one(app.db()).await.unwrap();
    assert!(watcher.is_some(), "a commenter watches the issue");

    comment(&app, &reporter, issue, "Thanks").await;
    assert_eq!(stored(&app, mo.id).await, [(NotificationKind::Comment, issue)], "the commenter hears about the reply");
    assert_eq!(stored(&app, rita.id).await.len(), 2, "but the reporter not about their own comment");
    assert_eq!(stored(&app, max.id).await, [], "a maintainer who never took part hears nothing");

    let severity = call(&maintainer, &app, ChangeSeverity::PATH, &[("issue_id", &issue.to_string()), ("severity", "HIGH"), ("version", &version(&app, issue).await)]).await;
    assert_eq!(severity.status(), 200);
    let rows = notifications::Entity::find().filter(notifications::Column::UserId.eq(rita.id)).order_by_asc(notifications::Column::Id).all(app.db()).await.unwrap();
    let last = rows.last().unwrap();
    assert_eq!((last.kind, last.detail.as_str()), (NotificationKind::Severity, "High"), "the UI's words, not stored values");
    assert!(last.event_id.is_some());
}

async fn mentions_reach_only_people_who_may_see_the_issue(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (otto, other) = app.signed_in("otto@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (max, _) = app.signed_in("max@example.com", Role::Maintainer).await;
    let issue = file(&app, &reporter, "Secret crash", "cc @max and @otto").await;
    assert_eq!(stored(&app, max.id).await, [(NotificationKind::Mention, issue)], "a maintainer mentioned at filing hears of it");
    assert_eq!(stored(&app, otto.id).await, [], "a reporter who may not see the issue is not told");

    comment(&app, &maintainer, issue, "@Rita can you share logs? Also `@max` in code is no mention, nor ana@max.io").await;
    let rita_rows = stored(&app, rita.id).await;
    assert_eq!(rita_rows, [(NotificationKind::Mention, issue)], "a mention replaces the watcher's comment notice");
    assert_eq!(stored(&app, max.id).await.len(), 2, "max watches since the mention, and hears about the comment");

    // Suggestions: only people who may see the issue.
    let suggested: Vec<Value> = call(&reporter, &app, MentionCandidates::PATH, &[("issue_id", &issue.to_string()), ("typed", "")]).await.json().await.unwrap();
    let handles: Vec<&str> = suggested.iter().map(|p| p["handle"].as_str().unwrap()).collect();
    assert!(handles.contains(&"max") && handles.contains(&"mo") && handles.contains(&"rita"), "{handles:?}");
    assert!(!handles.contains(&"otto"), "a reporter who may not see the issue is never suggested: {handles:?}");
    let narrowed: Vec<Value> = call(&reporter, &app, MentionCandidates::PATH, &[("issue_id", &issue.to_string()), ("typed", "ma")]).await.json().await.unwrap();
    assert_eq!(narrowed.iter().map(|p| p["handle"].as_str().unwrap()).collect::<Vec<_>>(), ["max"]);
    let refused = call(&other, &app, MentionCandidates::PATH, &[("issue_id", &issue.to_string()), ("typed", "")]).await;
    assert_eq!(refused.status(), 404, "someone who may not see the issue learns nothing about it");
    assert!(!refused.text().await.unwrap().contains("Secret"));
}

async fn muting_silences_everything_but_a_mention(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let issue = file(&app, &reporter, "Noisy", "").await;
    let muted = call(&reporter, &app, SetIssueWatching::PATH, &[("issue_id", &issue.to_string()), ("state", "MUTED")]).await;
    assert_eq!(muted.status(), 200);
    comment(&app, &maintainer, issue, "one").await;
    call(&maintainer, &app, TransitionIssue::PATH, &[("issue_id", &issue.to_string()), ("status", "TRIAGED"), ("version", &version(&app, issue).await)]).await;
    assert_eq!(stored(&app, rita.id).await, [], "muted: no comment, no status change");
    comment(&app, &maintainer, issue, "@rita one question").await;
    assert_eq!(stored(&app, rita.id).await, [(NotificationKind::Mention, issue)], "a direct mention still gets through");

    let unwatched = call(&reporter, &app, SetIssueWatching::PATH, &[("issue_id", &issue.to_string()), ("state", "UNWATCHED")]).await;
    assert_eq!(unwatched.status(), 200);
    comment(&app, &maintainer, issue, "two").await;
    assert_eq!(stored(&app, rita.id).await.len(), 1, "unwatched: nothing more");
    let (_, stranger) = app.signed_in("otto@example.com", Role::Reporter).await;
    let refused = call(&stranger, &app, SetIssueWatching::PATH, &[("issue_id", &issue.to_string()), ("state", "WATCHING")]).await;
    assert_eq!(refused.status(), 404, "only people who may see an issue watch it");
}

async fn the_inbox_groups_counts_and_marks_read(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let first = file(&app, &reporter, "First", "").await;
    let second = file(&app, &reporter, "Second", "").await;
    for body in ["a", "b", "c"] {
        comment(&app, &maintainer, first, body).await;
    }
    call(&maintainer, &app, TransitionIssue::PATH, &[("issue_id", &first.to_string()), ("status", "TRIAGED"), ("version", &version(&app, first).await)]).await;
    comment(&app, &maintainer, second, "d").await;
    assert_eq!(unread(&app, &reporter).await, 5);

    let all = inbox(&app, &reporter, false).await;
    let groups = all["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["issue_id"].as_i64(), Some(second), "the issue with the newest notification comes first");
    assert_eq!(groups[1]["summary"], "Status changed to Triaged, 3 new comments");
    assert_eq!(groups[1]["notifications"][0]["actor"]["display_name"], "Mo");
    assert!(!all.to_string().contains("mo@example.com"), "the inbox names people, not addresses");
    let link = groups[1]["notifications"][1]["link"].as_str().unwrap();
    assert!(link.starts_with(&format!("/issues/{first}#comment-")), "a comment links to the comment: {link}");

    let one = groups[0]["notifications"][0]["id"].as_i64().unwrap();
    let marked = call(&reporter, &app, MarkNotificationsRead::PATH, &[("ids[0]", &one.to_string())]).await;
    assert_eq!(marked.status(), 200, "{}", marked.text().await.unwrap());
    assert_eq!(unread(&app, &reporter).await, 4);
    assert_eq!(inbox(&app, &reporter, true).await["groups"].as_array().unwrap().len(), 1, "unread only");

    let read = call(&reporter, &app, ReadIssueNotifications::PATH, &[("issue_id", &first.to_string())]).await;
    assert_eq!(read.json::<u64>().await.unwrap(), 4, "reading the issue reads its notifications");
    assert_eq!(unread(&app, &reporter).await, 0);
    assert_eq!(inbox(&app, &reporter, false).await["groups"].as_array().unwrap().len(), 2, "read ones stay in the inbox");

    comment(&app, &maintainer, second, "e").await;
    assert_eq!(call(&reporter, &app, MarkNotificationsRead::PATH, &[]).await.json::<u64>().await.unwrap(), 1, "mark all read");
    assert_eq!(unread(&app, &reporter).await, 0);
}

async fn notifications_about_issues_no_longer_visible_are_hidden(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (mo, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let issue = file(&app, &reporter, "Soon hidden", "").await;
    comment(&app, &maintainer, issue, "watching now").await;
    comment(&app, &reporter, issue, "reply").await;
    assert_eq!(unread(&app, &maintainer).await, 1);
    // Demoted to reporter: someone else's issue is out of sight, and so is its notification.
    let demoted = call(&admin, &app, ChangeRole::PATH, &[("user_id", &mo.id.to_string()), ("role", "REPORTER")]).await;
    assert_eq!(demoted.status(), 200, "{}", demoted.text().await.unwrap());
    assert_eq!(unread(&app, &maintainer).await, 0, "checked when shown, not only when made");
    assert!(inbox(&app, &maintainer, false).await["groups"].as_array().unwrap().is_empty());
    comment(&app, &reporter, issue, "another").await;
    assert_eq!(stored(&app, mo.id).await.len(), 1, "and nothing new is made for them");

    // Deleted: gone from everyone's inbox.
    assert_eq!(unread(&app, &admin).await, 0);
    let deleted = call(&admin, &app, DeleteIssue::PATH, &[("issue_id", &issue.to_string())]).await;
    assert_eq!(deleted.status(), 200);
    assert!(inbox(&app, &reporter, false).await["groups"].as_array().unwrap().is_empty());
}

async fn settings_decide_what_is_mailed_and_unsubscribe_links_cannot_be_edited(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let issue = file(&app, &reporter, "Mail me", "").await;
    let set = call(&reporter, &app, SetNotificationDelivery::PATH, &[("kind", "COMMENT"), ("delivery", "EMAIL")]).await;
    assert_eq!(set.status(), 200);
    let settings: Value = set.json().await.unwrap();
    assert!(settings["kinds"].as_array().unwrap().iter().any(|k| k["kind"] == "COMMENT" && k["delivery"] == "EMAIL"));
    comment(&app, &maintainer, issue, "mailed at once").await;
    call(&reporter, &app, SetNotificationDelivery::PATH, &[("kind", "COMMENT"), ("delivery", "IN_APP")]).await;
    comment(&app, &maintainer, issue, "in the app only").await;
    call(&reporter, &app, SetNotificationDelivery::PATH, &[("kind", "COMMENT"), ("delivery", "DIGEST")]).await;
    comment(&app, &maintainer, issue, "in the digest").await;
    let rows = notifications::Entity::find().filter(notifications::Column::UserId.eq(rita.id)).order_by_asc(notifications::Column::Id).all(app.db()).await.unwrap();
    // The mail each is due is in notification_mail.rs: the mailer clears `email_due` at once.
    let digest: Vec<bool> = rows.iter().map(|n| n.digest_due).collect();
    assert_eq!(digest, [false, false, true]);

    let token = app::notifications::mailer::unsubscribe_token(&app.state, rita.id, NotificationKind::Status);
    let tampered = format!("{}x", &token);
    let refused = reqwest::Client::new().post(app.url(&format!("/api/v1/unsubscribe?token={tampered}"))).body("List-Unsubscribe=One-Click").send().await.unwrap();
    assert_eq!(refused.status(), 422);
    let done = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/unsubscribe?token={token}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200, "{}", done.text().await.unwrap());
    let kinds = app::notifications::service::deliveries(app.db(), rita.id).await.unwrap();
    assert!(kinds.iter().any(|k| k.kind == NotificationKind::Status && k.delivery == Delivery::InApp), "{kinds:?}");
}

async fn the_bell_hears_live(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let issue = file(&app, &reporter, "Live bell", "").await;
    let mut socket = connect(&app, &token(&app, "rita@example.com").await).await;
    comment(&app, &maintainer, issue, "ping").await;
    // The comment's issue notice and the inbox notice may arrive in either order.
    assert!(inbox_among_next(&mut socket, 3).await, "the reporter's inbox notice");
    call(&reporter, &app, MarkNotificationsRead::PATH, &[]).await;
    assert!(inbox_among_next(&mut socket, 3).await, "other tabs follow a read");
}

/// Whether an inbox notice is among the next `count` messages on `socket` (read up to it).
async fn inbox_among_next(socket: &mut crate::live::Socket, count: usize) -> bool {
    let mut seen = Vec::new();
    for _ in 0..count {
        let kind = next(socket).await["type"].as_str().unwrap_or_default().to_owned();
        if kind == "inbox" {
            return true;
        }
        seen.push(kind);
    }
    eprintln!("no inbox notice among {seen:?}");
    false
}
