//! Comments and the timeline: permissions, history rows, and all-or-nothing writes, on both databases.
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use app::{
    comments::{
        api::{AddComment, DeleteComment, EditComment, GetTimeline},
        model::TimelineEntry,
    },
    domain::{Role, Severity, Status},
    issues::api::{TransitionIssue, UpdateIssue},
    server::entities::{comments, issue_events, issues},
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::Value;

on_both_databases!(
    who_may_comment_edit_and_delete,
    a_blank_or_oversized_comment_is_422_naming_the_body,
    the_timeline_interleaves_comments_and_changes_in_order,
    a_failed_history_insert_leaves_the_change_unapplied,
    the_list_counts_each_issues_live_comments,
);

async fn comment(client: &reqwest::Client, app: &TestApp, issue_id: i64, body: &str) -> reqwest::Response {
    call(client, app, AddComment::PATH, &[("issue_id", &issue_id.to_string()), ("body", body)]).await
}

async fn comment_id(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap().to_string()
}

async fn who_may_comment_edit_and_delete(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, other_reporter) = app.signed_in("otto@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let issue = insert_issue(app.db(), &rita, "Secret crash", Severity::High, Status::Open, Utc::now()).await;

    let own = comment_id(comment(&reporter, &app, issue.id, "Still happens").await).await;
    let by_maintainer = comment_id(comment(&maintainer, &app, issue.id, "Looking into it").await).await;
    let guessed = comment(&other_reporter, &app, issue.id, "Me too?").await;
    assert_eq!(guessed.status(), 404);
    assert!(!guessed.text().await.unwrap().contains("Secret"));

    let app = &app;
    let edit = |client: &reqwest::Client, id: &str, body: &str| {
        let (client, id, body) = (client.clone(), id.to_owned(), body.to_owned());
        async move { call(&client, app, EditComment::PATH, &[("comment_id", &id), ("body", &body)]).await.status().as_u16() }
    };
    assert_eq!(edit(&reporter, &own, "Still happens on 2.1").await, 200);
    assert_eq!(edit(&maintainer, &own, "rewritten").await, 403, "only the author edits");
    assert_eq!(edit(&admin, &own, "rewritten").await, 403, "admins delete, they do not put words in mouths");
    assert_eq!(edit(&other_reporter, &own, "x").await, 404);

    let delete = |client: &reqwest::Client, id: &str| {
        let (client, id) = (client.clone(), id.to_owned());
        async move { call(&client, app, DeleteComment::PATH, &[("comment_id", &id)]).await.status().as_u16() }
    };
    assert_eq!(delete(&reporter, &by_maintainer).await, 403, "not the reporter's comment");
    assert_eq!(delete(&other_reporter, &by_maintainer).await, 404);
    assert_eq!(delete(&admin, &by_maintainer).await, 200, "admins delete any comment");
    assert_eq!(delete(&reporter, &own).await, 200);
    assert_eq!(edit(&reporter, &own, "back from the dead").await, 404, "a deleted comment stays deleted");

    let rows = comments::Entity::find().all(app.db()).await.unwrap();
    assert!(rows.iter().all(|c| c.deleted_at.is_some() && c.body.is_empty()), "deleted comments keep no text");
    assert_eq!(issues::Entity::find_by_id(issue.id).one(app.db()).await.unwrap().unwrap().version, 1, "comments do not make edits stale");
}

async fn a_blank_or_oversized_comment_is_422_naming_the_body(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let long = "x".repeat(64 * 1024 + 1);

    for (body, message) in [("", "a comment cannot be empty"), (" \n\t", "a comment cannot be empty"), (long.as_str(), "the comment is longer than 64 KiB"), ("a\0b", "the comment contains a control character (U+0000)"), ("\u{1b}[2J", "the comment contains a control character (U+001B)")] {
        let response = comment(&reporter, &app, issue.id, body).await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        assert_eq!((body["Validation"][0]["field"].as_str(), body["Validation"][0]["message"].as_str()), (Some("body"), Some(message)));
    }
    assert_eq!(comments::Entity::find().count(app.db()).await.unwrap(), 0);
    assert_eq!(issue_events::Entity::find().count(app.db()).await.unwrap(), 0);
}

async fn the_timeline_interleaves_comments_and_changes_in_order(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let issue = insert_issue(app.db(), &rita, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let id = issue.id.to_string();

    comment_id(comment(&reporter, &app, issue.id, "It **crashes**").await).await;
    let moved = call(&maintainer, &app, TransitionIssue::PATH, &[("issue_id", &id), ("status", "TRIAGED"), ("version", "1")]).await;
    assert_eq!(moved.status(), 200);
    let reply = comment_id(comment(&maintainer, &app, issue.id, "Reproduced").await).await;
    call(&maintainer, &app, EditComment::PATH, &[("comment_id", &reply), ("body", "Reproduced on Linux")]).await;
    let edited = call(&reporter, &app, UpdateIssue::PATH, &[("issue_id", &id), ("version", "2"), ("title", "Crash on save"), ("description", "")]).await;
    assert_eq!(edited.status(), 200);

    let response = call(&reporter, &app, GetTimeline::PATH, &[("issue_id", &id)]).await;
    assert_eq!(response.status(), 200);
    let timeline: Vec<TimelineEntry> = response.json().await.unwrap();
    let seen: Vec<String> = timeline
        .iter()
        .map(|entry| match entry {
            TimelineEntry::Comment(c) => format!("comment by {}: {}{}", c.author.handle, c.body, if c.edited_at.is_some() { " (edited)" } else { "" }),
            TimelineEntry::Activity(a) => format!("{} {}", a.actor.handle, a.describe()),
        })
        .collect();
    assert_eq!(
        seen,
        [
            "comment by rita: It **crashes**",
            "mo moved it from New to Triaged",
            "comment by mo: Reproduced on Linux (edited)",
            "rita changed the title from Crash to Crash on save",
        ]
    );
    let TimelineEntry::Comment(first) = &timeline[0] else { unreachable!() };
    assert_eq!(first.body_html.trim(), "<p>It <strong>crashes</strong></p>");
    assert!(!first.can_delete || first.author.handle == "rita");

    let (_, stranger) = app.signed_in("otto@example.com", Role::Reporter).await;
    assert_eq!(call(&stranger, &app, GetTimeline::PATH, &[("issue_id", &id)]).await.status(), 404);
}

async fn a_failed_history_insert_leaves_the_change_unapplied(db: TestDb) {
    let postgres = db.is_postgres();
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    // The history table refuses every row from now on.
    let refuse = if postgres {
        vec![
            "CREATE FUNCTION refuse_history() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'history refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_history BEFORE INSERT ON issue_events FOR EACH ROW EXECUTE FUNCTION refuse_history()",
        ]
    } else {
        vec!["CREATE TRIGGER refuse_history BEFORE INSERT ON issue_events BEGIN SELECT RAISE(ABORT, 'history refused'); END"]
    };
    for statement in refuse {
        app.db().execute_unprepared(statement).await.unwrap();
    }
    let id = issue.id.to_string();

    let moved = call(&maintainer, &app, TransitionIssue::PATH, &[("issue_id", &id), ("status", "TRIAGED"), ("version", "1")]).await;
    let commented = comment(&maintainer, &app, issue.id, "Looking").await;

    assert_eq!((moved.status().as_u16(), commented.status().as_u16()), (500, 500));
    let body = moved.text().await.unwrap();
    assert!(!body.contains("history refused"), "the database's message stays in the log: {body}");
    let row = issues::Entity::find_by_id(issue.id).one(app.db()).await.unwrap().unwrap();
    assert_eq!((row.status, row.version), (Status::Open, 1));
    assert_eq!(comments::Entity::find().count(app.db()).await.unwrap(), 0);
}

/// Each row of the list says how many comments its issue has, the deleted ones not counted; the
/// same in a search, whose rows the database sorts rather than reads in order.
async fn the_list_counts_each_issues_live_comments(db: TestDb) {
    let app = spawn_app(db).await;
    let (mo, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let talked = insert_issue(app.db(), &mo, "Export talked about", Severity::High, Status::Open, Utc::now() - chrono::Duration::minutes(2)).await;
    let quiet = insert_issue(app.db(), &mo, "Export nobody answered", Severity::Low, Status::Open, Utc::now() - chrono::Duration::minutes(1)).await;
    let once = insert_issue(app.db(), &mo, "Import answered once", Severity::Low, Status::Open, Utc::now()).await;
    comment_id(comment(&maintainer, &app, talked.id, "First").await).await;
    let gone = comment_id(comment(&maintainer, &app, talked.id, "Second, then deleted").await).await;
    comment_id(comment(&maintainer, &app, talked.id, "Third").await).await;
    comment_id(comment(&maintainer, &app, once.id, "Only").await).await;
    assert_eq!(call(&maintainer, &app, DeleteComment::PATH, &[("comment_id", &gone)]).await.status(), 200);

    let actor = app::auth::model::CurrentUser { id: mo.id, email: mo.email.clone(), role: Role::Maintainer, credential: app::auth::model::Credential::Session(String::new()) };
    let counts = |page: app::issues::model::IssuePage| page.items.iter().map(|item| (item.id, item.comment_count)).collect::<Vec<_>>();
    let all = app::issues::list::list_issues(app.db(), &actor, &Default::default()).await.unwrap();
    assert_eq!(counts(all), vec![(once.id, 1), (quiet.id, 0), (talked.id, 2)]);
    let search = app::issues::model::IssueFilter { q: Some("export".into()), ..Default::default() };
    let found = app::issues::list::list_issues(app.db(), &actor, &search).await.unwrap();
    assert_eq!(counts(found), vec![(quiet.id, 0), (talked.id, 2)]);
}
