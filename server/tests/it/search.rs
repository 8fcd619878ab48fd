//! The list's filters, full-text search and keyset pages, on both databases.
use crate::{
    common::{TestApp, TestDb, insert_issue, insert_user, spawn_app},
    tagging::insert_tag,
};
use app::{
    domain::{Role, Severity, Status, TagColour},
    issues::{api::ListIssues, model::IssuePage},
    server::entities::{issue_tags, issues},
};
use chrono::{Duration, Utc};
use leptos::server_fn::ServerFn;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};

on_both_databases!(
    the_tag_and_reporter_filters_narrow_the_list,
    search_finds_words_in_titles_and_descriptions,
    hostile_searches_are_answered_never_failed,
    search_keeps_to_what_the_viewer_may_see,
    the_severity_sort_puts_the_most_severe_first,
    pages_walk_the_whole_list_both_ways_without_gaps_or_repeats,
);

/// The list as `client` sees it for `filter` (pairs such as `("q", "crash")`).
pub async fn list(client: &reqwest::Client, app: &TestApp, filter: &[(&str, &str)]) -> IssuePage {
    let mut form: Vec<(String, &str)> = filter.iter().map(|(k, v)| (format!("filter[{k}]"), *v)).collect();
    if form.is_empty() {
        form.push(("filter[sort]".to_owned(), "newest"));
    }
    let response = client.post(app.url(ListIssues::PATH)).form(&form).send().await.expect("request");
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "{filter:?}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{filter:?}: {e}: {body}"))
}

fn titles(page: &IssuePage) -> Vec<&str> {
    page.items.iter().map(|i| i.title.as_str()).collect()
}

async fn describe(app: &TestApp, issue: &issues::Model, description: &str) {
    let mut active: issues::ActiveModel = issue.clone().into();
    active.description = Set(description.to_owned());
    active.update(app.db()).await.unwrap();
}

async fn the_tag_and_reporter_filters_narrow_the_list(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let now = Utc::now();
    let a = insert_issue(app.db(), &rita, "Rita's bug", Severity::High, Status::Open, now - Duration::minutes(3)).await;
    insert_issue(app.db(), &rita, "Rita's idea", Severity::Low, Status::Open, now - Duration::minutes(2)).await;
    let c = insert_issue(app.db(), &otto, "Otto's bug", Severity::High, Status::Open, now - Duration::minutes(1)).await;
    let bug = insert_tag(&app, "Bug", TagColour::Red).await;
    for issue in [&a, &c] {
        issue_tags::ActiveModel { issue_id: Set(issue.id), tag_id: Set(bug.id) }.insert(app.db()).await.unwrap();
    }
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let tagged = list(&client, &app, &[("tag", "bug")]).await;
    assert_eq!((titles(&tagged), tagged.total), (vec!["Otto's bug", "Rita's bug"], 2));
    assert_eq!(tagged.items[0].tags[0].name, "Bug");
    let ritas = list(&client, &app, &[("reporter", "Rita@Example.com")]).await;
    assert_eq!((titles(&ritas), ritas.total), (vec!["Rita's idea", "Rita's bug"], 2));
    let both = list(&client, &app, &[("reporter", "rita@example.com"), ("tag", "BUG"), ("severity", "HIGH")]).await;
    assert_eq!(titles(&both), ["Rita's bug"]);
    assert_eq!(list(&client, &app, &[("tag", "no such tag")]).await.total, 0);
    assert_eq!(list(&client, &app, &[("reporter", "nobody@example.com")]).await.total, 0);
}

async fn search_finds_words_in_titles_and_descriptions(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let now = Utc::now();
    let crash = insert_issue(app.db(), &rita, "Editor crashes on save", Severity::High, Status::Open, now - Duration::minutes(3)).await;
    let slow = insert_issue(app.db(), &rita, "Slow dashboard", Severity::Low, Status::Open, now - Duration::minutes(2)).await;
    describe(&app, &slow, "The chart takes ten seconds; the editor is fine.").await;
    insert_issue(app.db(), &rita, "Typo in footer", Severity::Low, Status::Open, now - Duration::minutes(1)).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let stemmed = list(&client, &app, &[("q", "crashing")]).await;
    assert_eq!((titles(&stemmed), stemmed.total), (vec!["Editor crashes on save"], 1));
    assert_eq!(titles(&list(&client, &app, &[("q", "editor")]).await), ["Slow dashboard", "Editor crashes on save"]);
    assert_eq!(titles(&list(&client, &app, &[("q", "editor -chart")]).await), ["Editor crashes on save"]);
    assert_eq!(titles(&list(&client, &app, &[("q", "\"ten seconds\"")]).await), ["Slow dashboard"]);
    assert_eq!(titles(&list(&client, &app, &[("q", "\"seconds ten\"")]).await), Vec::<&str>::new());
    assert_eq!(titles(&list(&client, &app, &[("q", "typo or crash")]).await), ["Typo in footer", "Editor crashes on save"]);
    assert_eq!(titles(&list(&client, &app, &[("q", "CRASH"), ("severity", "LOW")]).await), Vec::<&str>::new());

    // An edit is searchable at once.
    describe(&app, &crash, "Happens with large files").await;
    assert_eq!(titles(&list(&client, &app, &[("q", "large files")]).await), ["Editor crashes on save"]);
}

async fn hostile_searches_are_answered_never_failed(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    insert_issue(app.db(), &rita, "100% CPU on_idle", Severity::High, Status::Open, Utc::now()).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let long = "crash ".repeat(2_000);
    let hostile = [
        "\"", "\"\"\"", "unbalanced \"quote", "'", "' OR 1=1 --", "%", "_", "%_", "100%", "\\", "*", "a*", "(", ")))", "a AND", "OR",
        "NOT", "-", "--", "-\"\"", "NEAR(a b, 2)", "title:crash", "^start", "{col1 col2}: x", "a & b | !c", "a <-> b", "a:*", "!!", "::",
        "\u{0}", "crash\u{0}save", "\u{202e}evil", "🔥🔥", "ß", "$1", "?", "; DROP TABLE issues;", long.as_str(),
    ];
    for search in hostile {
        // A well-formed page, or a query the box cannot read (an unknown `key:`, a quote left
        // open): 422 naming the search and the column. Never a failure.
        let form = [("filter[q]", search), ("filter[sort]", "newest")];
        let response = client.post(app.url(ListIssues::PATH)).form(&form).send().await.expect("request");
        let status = response.status();
        let body = response.text().await.unwrap();
        match status.as_u16() {
            200 => assert!(serde_json::from_str::<IssuePage>(&body).is_ok(), "{search:?}: {body}"),
            422 => assert!(body.contains("\"q\"") && body.contains("at column "), "{search:?}: {body}"),
            _ => panic!("{search:?}: {status} {body}"),
        }
    }
    assert_eq!(list(&client, &app, &[("q", "\"title:crash\"")]).await.total, 0, "a quoted key is searched for, not read");
    assert_eq!(titles(&list(&client, &app, &[("q", "100%")]).await), ["100% CPU on_idle"]);
    assert_eq!(list(&client, &app, &[("q", long.as_str())]).await.total, 0);
    assert_eq!(list(&client, &app, &[]).await.total, 1, "the issue survived");
}

async fn search_keeps_to_what_the_viewer_may_see(db: TestDb) {
    let app = spawn_app(db).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let now = Utc::now();
    insert_issue(app.db(), &otto, "Secret crash", Severity::High, Status::Open, now).await;
    let deleted = insert_issue(app.db(), &otto, "Deleted crash", Severity::High, Status::Open, now).await;
    issues::Entity::update_many()
        .col_expr(issues::Column::DeletedAt, Expr::value(Some(now)))
        .filter(issues::Column::Id.eq(deleted.id))
        .exec(app.db())
        .await
        .unwrap();
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    insert_issue(app.db(), &rita, "My crash", Severity::Low, Status::Open, now).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;

    assert_eq!(titles(&list(&reporter, &app, &[("q", "crash")]).await), ["My crash"]);
    assert_eq!(titles(&list(&reporter, &app, &[("q", "crash"), ("reporter", "otto@example.com")]).await), Vec::<&str>::new());
    assert_eq!(list(&admin, &app, &[("q", "crash")]).await.total, 2);
    assert_eq!(titles(&list(&admin, &app, &[("q", "crash"), ("deleted", "true")]).await), ["Deleted crash"]);
}

async fn the_severity_sort_puts_the_most_severe_first(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let now = Utc::now();
    for (title, severity, minutes) in [("low", Severity::Low, 5), ("critical old", Severity::Critical, 4), ("medium", Severity::Medium, 3), ("critical new", Severity::Critical, 2), ("high", Severity::High, 1)] {
        insert_issue(app.db(), &rita, title, severity, Status::Open, now - Duration::minutes(minutes)).await;
    }
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let page = list(&client, &app, &[("sort", "severity")]).await;

    assert_eq!(titles(&page), ["critical new", "critical old", "high", "medium", "low"]);
}

/// Follows `next` (or `prev`) cursors from `start` until they run out.
async fn walk(client: &reqwest::Client, app: &TestApp, sort: &str, start: IssuePage, forward: bool) -> Vec<i64> {
    let mut seen: Vec<i64> = start.items.iter().map(|i| i.id).collect();
    let mut cursor = if forward { start.next } else { start.prev };
    while let Some(at) = cursor {
        let key = if forward { "after" } else { "before" };
        let page = list(client, app, &[("sort", sort), (key, &at)]).await;
        assert!(!page.items.is_empty() && page.items.len() <= 50);
        let ids = page.items.iter().map(|i| i.id);
        if forward { seen.extend(ids) } else { seen.splice(0..0, ids); }
        cursor = if forward { page.next } else { page.prev };
    }
    seen
}

async fn pages_walk_the_whole_list_both_ways_without_gaps_or_repeats(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let base = Utc::now() - Duration::days(1);
    let mut created = Vec::new();
    for n in 0..123i64 {
        // Runs of equal timestamps, so ties must be broken by the id.
        let at = base + Duration::seconds(n / 4);
        created.push(insert_issue(app.db(), &rita, &format!("Issue {n}"), Severity::ALL[(n % 4) as usize], Status::Open, at).await);
    }
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    for sort in ["newest", "updated", "severity"] {
        let mut expected = created.clone();
        expected.sort_by_key(|i| {
            let rank = if sort == "severity" { i.severity.rank() } else { 0 };
            std::cmp::Reverse((rank, i.created_at, i.id))
        });
        let expected: Vec<i64> = expected.iter().map(|i| i.id).collect();

        let first = list(&client, &app, &[("sort", sort)]).await;
        assert_eq!((first.total, first.items.len(), first.prev.is_none()), (123, 50, true), "{sort}");
        let forward = walk(&client, &app, sort, first, true).await;
        assert_eq!(forward, expected, "{sort}: forward");

        let last_cursor = list(&client, &app, &[("sort", sort), ("after", &{
            let second_last = &created.iter().find(|i| i.id == expected[72]).unwrap();
            let at = second_last.created_at.timestamp_nanos_opt().unwrap();
            format!("{}.{at}.{}", second_last.severity.rank(), second_last.id)
        })]).await;
        assert_eq!((last_cursor.items.len(), last_cursor.next.is_none(), last_cursor.prev.is_some()), (50, true, true), "{sort}");
        let backward = walk(&client, &app, sort, last_cursor, false).await;
        assert_eq!(backward, expected, "{sort}: backward");
    }
    // A cursor that is not one starts from the top.
    assert_eq!(list(&client, &app, &[("after", "garbage")]).await.items.len(), 50);
}
