//! Tags: the tag list, tags on filing, tag changes on issues, and deleting a tag, on both databases.
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use app::{
    domain::{Role, Severity, Status, TagColour},
    issues::api::{CreateIssue, SetIssueTags},
    server::entities::{issue_events, issue_tags, issues, tags},
    tags::api::{CreateTag, DeleteTag, ListTagUsage, ListTags, UpdateTag},
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde_json::Value;

on_both_databases!(
    maintainers_keep_the_tag_list_and_names_are_unique_in_any_case,
    each_bad_tag_field_is_named_and_nothing_is_written,
    reporters_read_the_tag_list_but_cannot_change_it,
    a_reporter_files_an_issue_with_tags_and_both_land_with_their_history,
    an_unknown_tag_on_filing_is_422_and_nothing_is_written,
    a_maintainer_replaces_an_issues_tags_at_its_version,
    reporters_cannot_tag_and_learn_nothing_about_other_issues,
    deleting_a_tag_takes_it_off_every_issue_with_history,
);

pub async fn insert_tag(app: &TestApp, name: &str, colour: TagColour) -> tags::Model {
    tags::ActiveModel { name: Set(name.to_owned()), name_key: Set(name.to_lowercase()), colour: Set(colour), created_at: Set(Utc::now()), ..Default::default() }
        .insert(app.db())
        .await
        .unwrap()
}

async fn tag_ids_of(app: &TestApp, issue_id: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = issue_tags::Entity::find()
        .filter(issue_tags::Column::IssueId.eq(issue_id))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.tag_id)
        .collect();
    ids.sort();
    ids
}

async fn tag_events(app: &TestApp, issue_id: i64) -> Vec<(Option<String>, Option<String>)> {
    issue_events::Entity::find()
        .filter(issue_events::Column::IssueId.eq(issue_id))
        .filter(issue_events::Column::Kind.eq("tags"))
        .order_by_asc(issue_events::Column::Id)
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.from_value, e.to_value))
        .collect()
}

async fn maintainers_keep_the_tag_list_and_names_are_unique_in_any_case(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let created = call(&client, &app, CreateTag::PATH, &[("name", "  Needs info "), ("colour", "amber")]).await;
    assert_eq!(created.status(), 200);
    let tag: Value = created.json().await.unwrap();
    assert_eq!((tag["name"].as_str(), tag["colour"].as_str()), (Some("Needs info"), Some("AMBER")));

    let duplicate = call(&client, &app, CreateTag::PATH, &[("name", "NEEDS INFO"), ("colour", "RED")]).await;
    assert_eq!(duplicate.status(), 409);
    assert!(duplicate.text().await.unwrap().contains("already exists"));

    let id = tag["id"].as_i64().unwrap().to_string();
    let renamed = call(&client, &app, UpdateTag::PATH, &[("tag_id", &id), ("name", "needs-info"), ("colour", "SKY")]).await;
    assert_eq!(renamed.status(), 200);
    let row = tags::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((row.name.as_str(), row.name_key.as_str(), row.colour), ("needs-info", "needs-info", TagColour::Sky));

    let usage: Value = call(&client, &app, ListTagUsage::PATH, &[]).await.json().await.unwrap();
    assert_eq!(usage[0]["issues"], 0);
    let missing = call(&client, &app, UpdateTag::PATH, &[("tag_id", "999"), ("name", "x"), ("colour", "RED")]).await;
    assert_eq!(missing.status(), 404);
}

async fn each_bad_tag_field_is_named_and_nothing_is_written(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let long = "x".repeat(33);
    let cases: &[(&str, &str, &[(&str, &str)])] = &[
        ("", "RED", &[("name", "a name is required")]),
        ("   ", "RED", &[("name", "a name is required")]),
        (&long, "RED", &[("name", "use at most 32 characters")]),
        ("a,b", "RED", &[("name", "a name cannot contain commas or control characters")]),
        ("tab\there", "RED", &[("name", "a name cannot contain commas or control characters")]),
        ("fine", "purple", &[("colour", "unknown TagColour; expected one of GRAY, RED, ORANGE, AMBER, GREEN, TEAL, SKY, BLUE, VIOLET, PINK")]),
        ("", "", &[("name", "a name is required"), ("colour", "unknown TagColour; expected one of GRAY, RED, ORANGE, AMBER, GREEN, TEAL, SKY, BLUE, VIOLET, PINK")]),
    ];
    for (name, colour, expected) in cases {
        let response = call(&client, &app, CreateTag::PATH, &[("name", name), ("colour", colour)]).await;
        assert_eq!(response.status(), 422, "{name:?} {colour:?}");
        let body: Value = response.json().await.unwrap();
        let fields: Vec<(&str, &str)> =
            body["Validation"].as_array().unwrap().iter().map(|f| (f["field"].as_str().unwrap(), f["message"].as_str().unwrap())).collect();
        assert_eq!(&fields, expected, "{name:?} {colour:?}");
    }
    assert_eq!(tags::Entity::find().count(app.db()).await.unwrap(), 0);
}

async fn reporters_read_the_tag_list_but_cannot_change_it(db: TestDb) {
    let app = spawn_app(db).await;
    let tag = insert_tag(&app, "bug", TagColour::Red).await;
    let (_, client) = app.signed_in("rita@example.com", Role::Reporter).await;

    let list: Value = call(&client, &app, ListTags::PATH, &[]).await.json().await.unwrap();
    assert_eq!(list[0]["name"], "bug");
    let id = tag.id.to_string();
    for (path, form) in [
        (CreateTag::PATH, vec![("name", "mine"), ("colour", "RED")]),
        (UpdateTag::PATH, vec![("tag_id", id.as_str()), ("name", "renamed"), ("colour", "RED")]),
        (DeleteTag::PATH, vec![("tag_id", id.as_str())]),
        (ListTagUsage::PATH, vec![]),
    ] {
        assert_eq!(call(&client, &app, path, &form).await.status(), 403, "{path}");
    }
    let anonymous = crate::common::new_client();
    assert_eq!(call(&anonymous, &app, ListTags::PATH, &[]).await.status(), 401);
    assert_eq!(tags::Entity::find().one(app.db()).await.unwrap().unwrap().name, "bug");
}

async fn a_reporter_files_an_issue_with_tags_and_both_land_with_their_history(db: TestDb) {
    let app = spawn_app(db).await;
    let bug = insert_tag(&app, "bug", TagColour::Red).await;
    let ui = insert_tag(&app, "UI", TagColour::Violet).await;
    let (_, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (bug_id, ui_id) = (bug.id.to_string(), ui.id.to_string());

    let response = call(
        &client,
        &app,
        CreateIssue::PATH,
        &[("title", "Crash"), ("description", ""), ("severity", "HIGH"), ("tags[]", &ui_id), ("tags[]", &bug_id), ("tags[]", &bug_id)],
    )
    .await;

    assert!(response.status().is_success() || response.status().is_redirection(), "{}", response.status());
    let issue = issues::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!(tag_ids_of(&app, issue.id).await, {
        let mut ids = vec![bug.id, ui.id];
        ids.sort();
        ids
    });
    assert_eq!(tag_events(&app, issue.id).await, [(None, Some("bug, UI".to_owned()))]);
}

async fn an_unknown_tag_on_filing_is_422_and_nothing_is_written(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, client) = app.signed_in("rita@example.com", Role::Reporter).await;

    let response = call(&client, &app, CreateIssue::PATH, &[("title", ""), ("description", ""), ("severity", "LOW"), ("tags[]", "4242")]).await;

    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["Validation"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "tags"]);
    assert_eq!(body["Validation"][1]["message"], "there is no tag #4242");
    assert_eq!(issues::Entity::find().count(app.db()).await.unwrap(), 0);
    assert_eq!(issue_tags::Entity::find().count(app.db()).await.unwrap(), 0);
}

async fn a_maintainer_replaces_an_issues_tags_at_its_version(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &reporter, "Crash", Severity::High, Status::Open, Utc::now()).await;
    let bug = insert_tag(&app, "bug", TagColour::Red).await;
    let ui = insert_tag(&app, "ui", TagColour::Violet).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (id, bug_id, ui_id) = (issue.id.to_string(), bug.id.to_string(), ui.id.to_string());

    let first = call(&client, &app, SetIssueTags::PATH, &[("issue_id", &id), ("version", "1"), ("tags[]", &bug_id)]).await;
    assert_eq!(first.status(), 200);
    let body: Value = first.json().await.unwrap();
    assert_eq!((body["version"].as_i64(), body["tags"][0]["name"].as_str()), (Some(2), Some("bug")));

    let stale = call(&client, &app, SetIssueTags::PATH, &[("issue_id", &id), ("version", "1"), ("tags[]", &ui_id)]).await;
    assert_eq!(stale.status(), 409);
    assert_eq!(tag_ids_of(&app, issue.id).await, [bug.id]);

    let second = call(&client, &app, SetIssueTags::PATH, &[("issue_id", &id), ("version", "2"), ("tags[]", &ui_id)]).await;
    assert_eq!(second.status(), 200);
    let cleared = call(&client, &app, SetIssueTags::PATH, &[("issue_id", &id), ("version", "3")]).await;
    assert_eq!(cleared.status(), 200);
    assert!(tag_ids_of(&app, issue.id).await.is_empty());
    assert_eq!(
        tag_events(&app, issue.id).await,
        [(None, Some("bug".to_owned())), (Some("bug".to_owned()), Some("ui".to_owned())), (Some("ui".to_owned()), None)]
    );
    let unknown = call(&client, &app, SetIssueTags::PATH, &[("issue_id", &id), ("version", "4"), ("tags[]", "999")]).await;
    assert_eq!(unknown.status(), 422);
    assert_eq!(issues::Entity::find_by_id(issue.id).one(app.db()).await.unwrap().unwrap().version, 4);
}

async fn reporters_cannot_tag_and_learn_nothing_about_other_issues(db: TestDb) {
    let app = spawn_app(db).await;
    let other = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    let theirs = insert_issue(app.db(), &other, "Theirs", Severity::High, Status::Open, Utc::now()).await;
    let bug = insert_tag(&app, "bug", TagColour::Red).await;
    let (me, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let mine = insert_issue(app.db(), &me, "Mine", Severity::High, Status::Open, Utc::now()).await;
    let bug_id = bug.id.to_string();

    let own = call(&client, &app, SetIssueTags::PATH, &[("issue_id", &mine.id.to_string()), ("version", "1"), ("tags[]", &bug_id)]).await;
    let guessed = call(&client, &app, SetIssueTags::PATH, &[("issue_id", &theirs.id.to_string()), ("version", "1"), ("tags[]", &bug_id)]).await;

    assert_eq!(own.status(), 403);
    assert_eq!(guessed.status(), 404);
    assert!(!guessed.text().await.unwrap().contains("Theirs"));
    assert_eq!(issue_tags::Entity::find().count(app.db()).await.unwrap(), 0);
}

async fn deleting_a_tag_takes_it_off_every_issue_with_history(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let tagged = insert_issue(app.db(), &reporter, "Tagged", Severity::High, Status::Open, Utc::now()).await;
    let untouched = insert_issue(app.db(), &reporter, "Untouched", Severity::High, Status::Open, Utc::now()).await;
    let bug = insert_tag(&app, "bug", TagColour::Red).await;
    let ui = insert_tag(&app, "ui", TagColour::Violet).await;
    for (issue, tag) in [(&tagged, &bug), (&tagged, &ui), (&untouched, &ui)] {
        issue_tags::ActiveModel { issue_id: Set(issue.id), tag_id: Set(tag.id) }.insert(app.db()).await.unwrap();
    }
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;

    let response = call(&client, &app, DeleteTag::PATH, &[("tag_id", &bug.id.to_string())]).await;

    assert_eq!(response.status(), 200);
    assert_eq!(tags::Entity::find().count(app.db()).await.unwrap(), 1);
    assert_eq!(tag_ids_of(&app, tagged.id).await, [ui.id]);
    assert_eq!(tag_ids_of(&app, untouched.id).await, [ui.id]);
    assert_eq!(tag_events(&app, tagged.id).await, [(Some("bug, ui".to_owned()), Some("ui".to_owned()))]);
    assert!(tag_events(&app, untouched.id).await.is_empty());
    assert_eq!(issues::Entity::find_by_id(tagged.id).one(app.db()).await.unwrap().unwrap().version, 2);
    assert_eq!(issues::Entity::find_by_id(untouched.id).one(app.db()).await.unwrap().unwrap().version, 1);
}
