//! "This looks like #123" on the filing page: open issues the person may see whose words match
//! the title being typed, at most five, those holding the most of its words first. Both databases.
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use app::{
    domain::{Role, Severity, Status},
    issues::api::SimilarIssues,
    server::entities::issues,
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use serde_json::Value;

on_both_databases!(issues_that_look_alike_are_suggested_as_the_person_may_see_them, a_title_of_nothing_to_match_or_of_syntax_finds_nothing);

/// The titles suggested to `client` for `title`, in order.
async fn suggested(client: &reqwest::Client, app: &TestApp, title: &str) -> Vec<String> {
    let response = call(client, app, SimilarIssues::PATH, &[("title", title)]).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{title}: {body}");
    body.as_array().unwrap().iter().map(|issue| issue["title"].as_str().unwrap().to_owned()).collect()
}

async fn issues_that_look_alike_are_suggested_as_the_person_may_see_them(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, rita_client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, mo_client) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let file = |reporter, title: &'static str, status| {
        let db = app.db().clone();
        async move { insert_issue(&db, reporter, title, Severity::High, status, Utc::now()).await }
    };
    file(&rita, "Export crashes when saving on Windows", Status::Open).await;
    file(&rita, "Export crashes on Linux", Status::Triaged).await;
    file(&otto, "The export crashes while saving a draft on Windows", Status::InProgress).await;
    // Done, deleted, too little in common, or nothing at all: never suggested.
    file(&rita, "Export crashes when saving on Windows (fixed)", Status::Done).await;
    let deleted = file(&rita, "Export crashes when saving on Windows again", Status::Open).await;
    let mut deleted = deleted.into_active_model();
    deleted.deleted_at = Set(Some(Utc::now()));
    deleted.update(app.db()).await.unwrap();
    file(&rita, "Windows login is slow", Status::Open).await;
    file(&rita, "Dashboard chart is empty", Status::Open).await;
    // The description counts too.
    let described = file(&rita, "Saving fails", Status::Open).await;
    let mut described: issues::ActiveModel = described.into_active_model();
    described.description = Set("The export crashes on Windows 11.".to_owned());
    described.update(app.db()).await.unwrap();

    let title = "export crashes when saving on windows";
    let seen = suggested(&mo_client, &app, title).await;
    assert_eq!(seen.len(), 4, "{seen:?}");
    let mut best: Vec<&str> = seen[..3].iter().map(String::as_str).collect();
    best.sort_unstable();
    assert_eq!(best, ["Export crashes when saving on Windows", "Saving fails", "The export crashes while saving a draft on Windows"], "all four words first: {seen:?}");
    assert_eq!(seen[3], "Export crashes on Linux", "two of four after");

    let own = suggested(&rita_client, &app, title).await;
    assert!(!own.iter().any(|t| t.starts_with("The export")), "a reporter is shown only their own issues: {own:?}");
    assert_eq!(own.len(), 3, "{own:?}");

    // Never more than five, however many match.
    for _ in 0..7 {
        file(&rita, "Export crashes when saving on Windows", Status::Open).await;
    }
    assert_eq!(suggested(&mo_client, &app, title).await.len(), 5);

    // Signed out, nothing.
    let response = call(&crate::common::new_client(), &app, SimilarIssues::PATH, &[("title", title)]).await;
    assert_eq!(response.status(), 401);
}

async fn a_title_of_nothing_to_match_or_of_syntax_finds_nothing(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    insert_issue(app.db(), &rita, "Near the end of the export", Severity::Low, Status::Open, Utc::now()).await;
    for title in ["", "   ", "it is on the", "\"", "-- ;", "NOT", "*", "a OR b", "'||'", "(&|!)"] {
        assert_eq!(suggested(&client, &app, title).await, Vec::<String>::new(), "{title:?}");
    }
    // What would be syntax in either index is only words.
    for title in [r#"NEAR("export" end)"#, "export & end | !x", "export:* end*"] {
        assert_eq!(suggested(&client, &app, title).await, ["Near the end of the export"], "{title:?}");
    }
}
