//! The issue list page and its server function, rendered from a real database.
use app::{
    domain::{Role, Severity, Status},
    issues::api::ListIssues,
};
use chrono::{Duration, Utc};
use crate::common::{TestDb, insert_issue, insert_user, spawn_app};
use leptos::server_fn::ServerFn;
use serde_json::Value;

on_both_databases!(
    the_list_is_server_rendered_with_the_seeded_issue,
    an_empty_database_shows_the_empty_state,
    a_severity_filter_in_the_url_narrows_the_list,
    a_filter_that_matches_nothing_offers_to_clear_it,
    the_list_server_function_returns_newest_first_with_a_total,
    the_root_welcomes_visitors_and_sends_members_to_the_list,
    an_unknown_page_is_a_404_with_a_page,
    a_reporter_sees_only_their_own_issues,
    an_anonymous_visitor_is_sent_to_sign_in_and_back,
    the_list_server_function_refuses_anonymous_callers,
    lists_read_together_are_shared_only_by_those_who_see_the_same_rows_and_not_past_a_change,
);

async fn lists_read_together_are_shared_only_by_those_who_see_the_same_rows_and_not_past_a_change(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, rita_client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (otto, otto_client) = app.signed_in("otto@example.com", Role::Reporter).await;
    let (mo, mo_client) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (_, max_client) = app.signed_in("max@example.com", Role::Maintainer).await;
    insert_issue(app.db(), &rita, "Rita's issue", Severity::Low, Status::Open, Utc::now()).await;
    let his = insert_issue(app.db(), &otto, "Otto's issue", Severity::Low, Status::Open, Utc::now()).await;
    let assigned = crate::common::call(&mo_client, &app, app::issues::api::AssignIssue::PATH, &[("issue_id", &his.id.to_string()), ("version", "1"), ("assignee_id", &mo.id.to_string())]).await;
    assert_eq!(assigned.status(), 200);
    let list = |client: reqwest::Client, form: Vec<(&'static str, &'static str)>| {
        let url = app.url(ListIssues::PATH);
        async move { client.post(url).form(&form).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let titles = |page: &Value| page["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    // All at once, as pages that heard the same notice reload: each sees only their own rows.
    let plain = vec![("filter[sort]", "newest")];
    let mine = vec![("filter[sort]", "newest"), ("filter[q]", "assignee:me")];
    let mut asks = Vec::new();
    for _ in 0..5 {
        asks.push(list(rita_client.clone(), plain.clone()));
        asks.push(list(otto_client.clone(), plain.clone()));
        asks.push(list(mo_client.clone(), plain.clone()));
        asks.push(list(mo_client.clone(), mine.clone()));
        asks.push(list(max_client.clone(), mine.clone()));
    }
    let pages = futures::future::join_all(asks).await;
    for round in pages.chunks(5) {
        assert_eq!(titles(&round[0]), ["Rita's issue"]);
        assert_eq!(titles(&round[1]), ["Otto's issue"]);
        assert_eq!(titles(&round[2]), ["Otto's issue", "Rita's issue"]);
        assert_eq!(titles(&round[3]), ["Otto's issue"], "assigned to mo");
        assert_eq!(titles(&round[4]), Vec::<String>::new(), "nothing assigned to max");
    }
    // A change made through the app is in the very next read.
    let filed = crate::common::call(&max_client, &app, app::issues::api::CreateIssue::PATH, &[("title", "Filed just now"), ("description", ""), ("severity", "LOW")]).await;
    assert_eq!(filed.status(), 200);
    let after = list(mo_client.clone(), plain.clone()).await;
    assert_eq!((after["total"].as_u64(), titles(&after).first().map(String::as_str)), (Some(3), Some("Filed just now")));
}

async fn a_reporter_sees_only_their_own_issues(db: TestDb) {
    let app = spawn_app(db).await;
    let other = insert_user(app.db(), "other@example.com", Role::Reporter).await;
    insert_issue(app.db(), &other, "Someone else's secret issue", Severity::High, Status::Open, Utc::now()).await;
    let (me, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    insert_issue(app.db(), &me, "My own issue", Severity::Low, Status::Open, Utc::now()).await;

    let html = client.get(app.url("/issues")).send().await.unwrap().text().await.unwrap();
    let json: Value = client.post(app.url(ListIssues::PATH)).form(&[("filter[sort]", "newest")]).send().await.unwrap().json().await.unwrap();

    assert!(html.contains("My own issue"));
    assert!(!html.contains("secret issue"), "another reporter's issue leaked into the page");
    assert_eq!(json["total"], 1);
    assert_eq!(json["items"][0]["title"], "My own issue");
}

async fn an_anonymous_visitor_is_sent_to_sign_in_and_back(db: TestDb) {
    let app = spawn_app(db).await;

    let response = app.client.get(app.url("/issues?severity=HIGH")).header("accept", "text/html").send().await.unwrap();

    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/login?next=/issues%3Fseverity%3DHIGH");
}

async fn the_list_server_function_refuses_anonymous_callers(db: TestDb) {
    let app = spawn_app(db).await;

    let response = app.client.post(app.url(ListIssues::PATH)).form(&[("filter[sort]", "newest")]).send().await.unwrap();

    assert_eq!(response.status(), 401);
}

async fn the_list_is_server_rendered_with_the_seeded_issue(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    insert_issue(app.db(), &reporter, "Checkout <button> fails", Severity::High, Status::Open, Utc::now()).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let response = client.get(app.url("/issues")).send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = response.text().await.unwrap();
    // Rendered in place (not deferred to a script), and the title escaped as text.
    assert!(html.contains("Checkout &lt;button&gt; fails"), "{html}");
    assert!(html.contains(">1 issue<"), "{html}");
    assert!(html.contains(">Rita<") && html.contains("q=reporter%3Arita"), "the reporter by name, filtering by handle");
    assert!(!html.contains("rita@example.com"), "never by address");
    assert!(html.contains("/pkg/tracker.js"), "the page loads the hydration bundle");
}

async fn an_empty_database_shows_the_empty_state(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let html = client.get(app.url("/issues")).send().await.unwrap().text().await.unwrap();

    assert!(html.contains("No issues yet."), "{html}");
    assert!(!html.contains("Clear filters"));
}

async fn a_severity_filter_in_the_url_narrows_the_list(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    insert_issue(app.db(), &reporter, "Database is on fire", Severity::Critical, Status::Open, Utc::now()).await;
    insert_issue(app.db(), &reporter, "Button slightly misaligned", Severity::Low, Status::Open, Utc::now()).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let html = client.get(app.url("/issues?severity=CRITICAL")).send().await.unwrap().text().await.unwrap();

    assert!(html.contains("Database is on fire"));
    assert!(!html.contains("Button slightly misaligned"));
    assert!(html.contains(">1 issue<"));
}

async fn a_filter_that_matches_nothing_offers_to_clear_it(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    insert_issue(app.db(), &reporter, "Only a low one", Severity::Low, Status::Open, Utc::now()).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let html = client.get(app.url("/issues?severity=HIGH&status=DONE")).send().await.unwrap().text().await.unwrap();

    assert!(html.contains("No issues match these filters."), "{html}");
    assert!(html.contains("Clear filters"));
    assert!(!html.contains("Only a low one"));
}

async fn the_list_server_function_returns_newest_first_with_a_total(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let now = Utc::now();
    insert_issue(app.db(), &reporter, "older", Severity::High, Status::Open, now - Duration::hours(2)).await;
    insert_issue(app.db(), &reporter, "newer", Severity::High, Status::Triaged, now - Duration::hours(1)).await;
    insert_issue(app.db(), &reporter, "other severity", Severity::Low, Status::Open, now).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let response = client
        .post(app.url(ListIssues::PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("filter[severity]=HIGH")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["total"], 2);
    let titles: Vec<&str> = page["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["newer", "older"]);
    assert_eq!(page["items"][0]["status"], "TRIAGED");
    assert_eq!(page["items"][0]["reporter"]["handle"], "rita");
    assert_eq!(page["items"][0]["reporter"]["display_name"], "Rita");
}

async fn the_root_welcomes_visitors_and_sends_members_to_the_list(db: TestDb) {
    let app = spawn_app(db).await;

    let visitor = app.client.get(app.url("/")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(visitor.status(), 200);
    let page = visitor.text().await.unwrap();
    assert!(page.contains("Your team&#x27;s issue tracker") || page.contains("Your team's issue tracker"), "{page}");
    assert!(page.contains(r#"href="/login""#) && page.contains(r#"href="/signup""#), "{page}");

    let (_, member) = app.signed_in("rita@example.com", Role::Reporter).await;
    let response = member.get(app.url("/")).header("accept", "text/html").send().await.unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(response.headers()["location"], "/issues");
}

async fn an_unknown_page_is_a_404_with_a_page(db: TestDb) {
    let app = spawn_app(db).await;

    let response = app.client.get(app.url("/definitely/not/here")).send().await.unwrap();

    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
