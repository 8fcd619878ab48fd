//! The query language in the search box and the API's `q`: each key narrows the list as
//! documented, keys combine with words, and a query that cannot be read is a 422 naming `q`, the
//! column and what was expected there. Both databases.
use crate::{
    api::{Api, api},
    common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app},
    tagging::insert_tag,
};
use app::{
    domain::{Role, Severity, Status, TagColour},
    issues::api::{ListIssues, QueryPeople},
    server::entities::{issue_tags, issues, users},
};
use chrono::{Duration, TimeZone, Utc};
use leptos::server_fn::ServerFn;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};
use serde_json::Value;

on_both_databases!(
    each_key_narrows_the_list_as_documented,
    a_query_that_cannot_be_read_says_where_and_why,
    a_reporter_s_query_never_widens_what_they_see,
    the_box_suggests_people_each_may_name,
);

/// The titles the API lists for `q`, in the list's order.
async fn titles(api: &Api<'_>, q: &str) -> Vec<String> {
    let path = format!("/api/v1/issues?q={}", app::issues::model::encode(q));
    let response = api.get(&path).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{q}: {body}");
    body["items"].as_array().unwrap().iter().map(|item| item["title"].as_str().unwrap().to_owned()).collect()
}

pub(crate) async fn user(app: &TestApp, email: &str) -> users::Model {
    users::Entity::find().filter(users::Column::Email.eq(email)).one(app.db()).await.unwrap().unwrap()
}

async fn each_key_narrows_the_list_as_documented(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let mo_user = user(&app, "mo@example.com").await;
    let max = insert_user(app.db(), "max@example.com", Role::Maintainer).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let now = Utc::now();
    let day = |d: u32| Utc.with_ymd_and_hms(2026, 11, d, 12, 0, 0).unwrap();
    // Filed on three days in November and today; updated as filed unless said.
    let crash = insert_issue(app.db(), &rita, "Editor crash on save", Severity::Critical, Status::Open, day(1)).await;
    let slow = insert_issue(app.db(), &rita, "Slow dashboard", Severity::High, Status::Triaged, day(2)).await;
    let typo = insert_issue(app.db(), &otto, "Typo in footer", Severity::Low, Status::Done, day(3)).await;
    let fresh = insert_issue(app.db(), &otto, "Fresh crash in export", Severity::Medium, Status::InProgress, now - Duration::hours(1)).await;
    // The dashboard was touched two days ago; the crash is Mo's, the export Max's.
    for (issue, assignee, updated) in [(&crash, Some(mo_user.id), crash.updated_at), (&slow, None, now - Duration::days(2)), (&fresh, Some(max.id), fresh.updated_at)] {
        issues::Entity::update_many()
            .col_expr(issues::Column::AssigneeId, Expr::value(assignee))
            .col_expr(issues::Column::UpdatedAt, Expr::value(updated))
            .filter(issues::Column::Id.eq(issue.id))
            .exec(app.db())
            .await
            .unwrap();
    }
    let ui = insert_tag(&app, "UI", TagColour::Blue).await;
    let docs = insert_tag(&app, "Docs", TagColour::Green).await;
    for (issue, tag) in [(&crash, &ui), (&slow, &ui), (&typo, &docs), (&slow, &docs)] {
        issue_tags::ActiveModel { issue_id: Set(issue.id), tag_id: Set(tag.id) }.insert(app.db()).await.unwrap();
    }

    let cases: &[(&str, &[&str])] = &[
        ("is:open", &["Fresh crash in export", "Slow dashboard", "Editor crash on save"]),
        ("is:closed", &["Typo in footer"]),
        ("status:in_progress", &["Fresh crash in export"]),
        ("-status:open is:open", &["Fresh crash in export", "Slow dashboard"]),
        ("severity:>=high", &["Slow dashboard", "Editor crash on save"]),
        ("severity:<medium", &["Typo in footer"]),
        ("SEVERITY:Critical", &["Editor crash on save"]),
        ("tag:ui", &["Slow dashboard", "Editor crash on save"]),
        ("tag:ui -tag:docs", &["Editor crash on save"]),
        ("assignee:me", &["Editor crash on save"]),
        ("assignee:none", &["Typo in footer", "Slow dashboard"]),
        (&*format!("assignee:{}", max.handle), &["Fresh crash in export"]),
        ("-assignee:me", &["Fresh crash in export", "Typo in footer", "Slow dashboard"]),
        ("reporter:otto@example.com", &["Fresh crash in export", "Typo in footer"]),
        (&*format!("reporter:@{}", rita.handle), &["Slow dashboard", "Editor crash on save"]),
        ("created:2026-11-02", &["Slow dashboard"]),
        ("created:>2026-11-01 created:<=2026-11-03", &["Typo in footer", "Slow dashboard"]),
        ("created:<1d", &["Fresh crash in export"]),
        ("updated:<7d", &["Fresh crash in export", "Slow dashboard"]),
        ("updated:>7d", &["Typo in footer", "Editor crash on save"]),
        ("crash", &["Fresh crash in export", "Editor crash on save"]),
        ("crash is:open -export", &["Editor crash on save"]),
        ("\"crash on\" severity:critical", &["Editor crash on save"]),
        ("is:open sort:severity", &["Editor crash on save", "Slow dashboard", "Fresh crash in export"]),
        ("sort:updated", &["Fresh crash in export", "Slow dashboard", "Typo in footer", "Editor crash on save"]),
    ];
    for (q, expected) in cases {
        assert_eq!(titles(&mo, q).await, *expected, "q={q}");
    }
}

async fn a_query_that_cannot_be_read_says_where_and_why(db: TestDb) {
    let app = spawn_app(db).await;
    let mo = api(&app, "mo@example.com", Role::Maintainer).await;
    let cases = [
        ("crash colour:red", "at column 7: \"colour:\" is not a key"),
        ("severity:urgent", "at column 10: a severity: low, medium, high or critical"),
        ("is:open updated:<yesterday", "at column 18: a date (2026-11-01) or an age (7d, 2w)"),
        ("tag:>ui", "at column 1: tag: takes no comparison"),
        ("say \"hello", "at column 5: a closing quote"),
        ("sort:random", "at column 6: newest, updated or severity after sort:"),
    ];
    for (q, message) in cases {
        let response = mo.get(&format!("/api/v1/issues?q={}", app::issues::model::encode(q))).await;
        assert_eq!(response.status(), 422, "{q}");
        let body: Value = response.json().await.unwrap();
        let field = body["error"]["fields"].as_array().and_then(|fields| fields.iter().find(|f| f["field"] == "q")).unwrap_or_else(|| panic!("{q}: {body}"));
        assert!(field["message"].as_str().unwrap().starts_with(message), "{q}: {body}");
    }
    // The page's server function answers the same way.
    let (_, client) = app.signed_in("ana@example.com", Role::Maintainer).await;
    let response = call(&client, &app, ListIssues::PATH, &[("filter[q]", "severity:urgent"), ("filter[sort]", "newest")]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("at column 10"));
}

async fn a_reporter_s_query_never_widens_what_they_see(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = api(&app, "rita@example.com", Role::Reporter).await;
    let rita_user = user(&app, "rita@example.com").await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let now = Utc::now();
    insert_issue(app.db(), &rita_user, "Rita's crash", Severity::High, Status::Open, now).await;
    insert_issue(app.db(), &otto, "Otto's crash", Severity::High, Status::Open, now).await;
    for q in ["crash", "reporter:otto@example.com", "-reporter:rita@example.com", "severity:high", "is:open", "-tag:nothing"] {
        let seen = titles(&rita, q).await;
        assert!(!seen.iter().any(|t| t.starts_with("Otto")), "q={q}: {seen:?}");
    }
    assert_eq!(titles(&rita, "severity:high").await, ["Rita's crash"]);
}

/// Suggestions after `assignee:` name those who can be assigned; after `reporter:`, anyone to a
/// maintainer and only oneself to a reporter (who sees only their own issues); no addresses.
async fn the_box_suggests_people_each_may_name(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, rita) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, mo) = app.signed_in("mo@example.com", Role::Maintainer).await;
    insert_user(app.db(), "ada@example.com", Role::Admin).await;
    insert_user(app.db(), "raj@example.com", Role::Reporter).await;
    let handles = async |client: &reqwest::Client, key: &str, typed: &str| -> Vec<String> {
        let response = call(client, &app, QueryPeople::PATH, &[("key", key), ("typed", typed)]).await;
        assert_eq!(response.status(), 200, "{key}:{typed}");
        let body: Value = response.json().await.unwrap();
        assert!(!body.to_string().contains("example.com"), "{body}");
        body.as_array().unwrap().iter().map(|p| p["handle"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(handles(&mo, "assignee", "").await, ["ada", "mo"]);
    assert_eq!(handles(&mo, "reporter", "r").await, ["raj", "rita"]);
    assert_eq!(handles(&mo, "reporter", "@RA").await, ["raj"]);
    assert_eq!(handles(&rita, "reporter", "").await, ["rita"]);
    assert_eq!(handles(&rita, "reporter", "raj").await, Vec::<String>::new());
    assert_eq!(handles(&rita, "assignee", "a").await, ["ada"]);
    let bad = call(&mo, &app, QueryPeople::PATH, &[("key", "email"), ("typed", "a")]).await;
    assert_eq!(bad.status(), 422);
}
