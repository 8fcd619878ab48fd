//! Who may do what to an issue, cell by cell, and every workflow transition, on both databases.
use crate::{
    common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app},
    tagging::insert_tag,
};
use app::{
    domain::{Role, Severity, Status, TagColour},
    issues::api::{ChangeSeverity, DeleteIssue, GetIssue, RestoreIssue, SetIssueTags, TransitionIssue, UpdateIssue},
    server::entities::{issue_events, issues},
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};

on_both_databases!(the_role_and_action_matrix_holds_cell_by_cell, every_workflow_transition_is_allowed_or_refused_as_defined);

/// Who asks: a reporter about their own issue, a reporter about someone else's, a maintainer, an admin.
const ACTORS: [&str; 4] = ["own reporter", "other reporter", "maintainer", "admin"];

/// The status each actor gets for each action, in the order of [`ACTORS`]. A reporter who
/// guesses another reporter's issue id always gets 404: nothing tells them it exists.
const MATRIX: &[(&str, [u16; 4])] = &[
    ("view", [200, 404, 200, 200]),
    ("edit title and description", [200, 404, 403, 200]),
    ("change status", [403, 404, 200, 200]),
    ("change severity", [403, 404, 200, 200]),
    ("set tags", [403, 404, 200, 200]),
    ("delete", [403, 404, 403, 200]),
    ("restore", [403, 404, 403, 200]),
];

async fn attempt(app: &TestApp, client: &reqwest::Client, action: &str, issue_id: i64, tag_id: i64) -> reqwest::Response {
    let (id, tag) = (issue_id.to_string(), tag_id.to_string());
    let (path, form): (&str, Vec<(&str, &str)>) = match action {
        "view" => (GetIssue::PATH, vec![("issue_id", &id)]),
        "edit title and description" => (UpdateIssue::PATH, vec![("issue_id", &id), ("version", "1"), ("title", "Edited"), ("description", "new")]),
        "change status" => (TransitionIssue::PATH, vec![("issue_id", &id), ("version", "1"), ("status", "TRIAGED")]),
        "change severity" => (ChangeSeverity::PATH, vec![("issue_id", &id), ("version", "1"), ("severity", "CRITICAL")]),
        "set tags" => (SetIssueTags::PATH, vec![("issue_id", &id), ("version", "1"), ("tags[]", &tag)]),
        "delete" => (DeleteIssue::PATH, vec![("issue_id", &id)]),
        "restore" => (RestoreIssue::PATH, vec![("issue_id", &id)]),
        other => unreachable!("{other}"),
    };
    call(client, app, path, &form).await
}

async fn the_role_and_action_matrix_holds_cell_by_cell(db: TestDb) {
    let app = spawn_app(db).await;
    let (rita, rita_client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, otto_client) = app.signed_in("otto@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let clients = [&rita_client, &otto_client, &maintainer, &admin];
    let tag = insert_tag(&app, "bug", TagColour::Red).await;
    let mut wrong = Vec::new();

    for (action, expected) in MATRIX {
        for (actor, (client, want)) in ACTORS.iter().zip(clients.iter().zip(expected)) {
            // A fresh issue of Rita's per cell, so no cell sees another's change.
            let title = format!("Secret {action} {actor}");
            let issue = insert_issue(app.db(), &rita, &title, Severity::Low, Status::Open, Utc::now()).await;
            if *action == "restore" {
                issues::Entity::update_many()
                    .col_expr(issues::Column::DeletedAt, Expr::value(Some(Utc::now())))
                    .filter(issues::Column::Id.eq(issue.id))
                    .exec(app.db())
                    .await
                    .unwrap();
            }

            let response = attempt(&app, client, action, issue.id, tag.id).await;

            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            if status != *want {
                wrong.push(format!("{actor} / {action}: {status}, expected {want}: {body}"));
            }
            if status >= 400 {
                let row = issues::Entity::find_by_id(issue.id).one(app.db()).await.unwrap().unwrap();
                let events = issue_events::Entity::find().filter(issue_events::Column::IssueId.eq(issue.id)).count(app.db()).await.unwrap();
                if row.version != 1 || events != 0 {
                    wrong.push(format!("{actor} / {action}: refused, yet the issue changed"));
                }
                if body.contains(&title) {
                    wrong.push(format!("{actor} / {action}: the refusal reveals the issue"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

async fn every_workflow_transition_is_allowed_or_refused_as_defined(db: TestDb) {
    let app = spawn_app(db).await;
    let reporter = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let (_, client) = app.signed_in("mo@example.com", Role::Maintainer).await;
    // Forward or back one stage, and reopening a done issue; nothing else, not even staying put.
    let allowed = [
        (Status::Open, Status::Triaged),
        (Status::Triaged, Status::Open),
        (Status::Triaged, Status::InProgress),
        (Status::InProgress, Status::Triaged),
        (Status::InProgress, Status::Done),
        (Status::Done, Status::InProgress),
        (Status::Done, Status::Open),
    ];
    let mut wrong = Vec::new();

    for from in Status::ALL {
        for to in Status::ALL {
            let issue = insert_issue(app.db(), &reporter, "Moving", Severity::Low, *from, Utc::now()).await;
            let form = [("issue_id", issue.id.to_string()), ("version", "1".to_owned()), ("status", to.as_str().to_owned())];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();

            let response = call(&client, &app, TransitionIssue::PATH, &form).await;

            let status = response.status().as_u16();
            let stored = issues::Entity::find_by_id(issue.id).one(app.db()).await.unwrap().unwrap().status;
            let expected = if allowed.contains(&(*from, *to)) { (200, *to) } else { (422, *from) };
            if (status, stored) != expected {
                wrong.push(format!("{from} -> {to}: {status} and {stored}, expected {expected:?}"));
            }
            if status == 422 {
                let body: serde_json::Value = response.json().await.unwrap();
                let message = format!("an issue cannot move from {} to {}", from.label(), to.label());
                if body["Validation"][0]["field"] != "status" || body["Validation"][0]["message"] != message.as_str() {
                    wrong.push(format!("{from} -> {to}: the refusal does not name the transition: {body}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
