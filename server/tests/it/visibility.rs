//! Every reader of "who may see this issue" gives the same answer: the list, its search, the
//! detail, the catch-up feed, the dashboard and the live socket. Reporters see their own live
//! issues, maintainers and admins every live one, and nobody a deleted one, on both databases.
use crate::{
    common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app},
    live::{connect, next, token},
    search::list,
};
use app::{
    domain::{Role, Severity, Status},
    issues::{
        api::{TransitionIssue, ChangedSince, GetIssue},
        model::ChangedIssue,
    },
    server::entities::issues,
    stats::{api::GetDashboard, model::DashboardView},
};
use chrono::{Duration, Utc};
use leptos::server_fn::ServerFn;
use sea_orm::{ActiveModelTrait, Set};
use std::collections::BTreeSet;

on_both_databases!(
    a_reporter_sees_only_their_own_issues_in_every_reader,
    a_maintainer_sees_every_live_issue_in_every_reader,
    an_admin_sees_every_live_issue_in_every_reader,
);

/// Rita's and Otto's live issues and a deleted one of Rita's, all matching the search "zebra",
/// with Rita and Otto (reporters), Mo (maintainer) and Ada (admin).
struct World {
    app: TestApp,
    ritas: i64,
    ottos: i64,
    deleted: i64,
}

async fn world(db: TestDb) -> World {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let otto = insert_user(app.db(), "otto@example.com", Role::Reporter).await;
    insert_user(app.db(), "mo@example.com", Role::Maintainer).await;
    insert_user(app.db(), "ada@example.com", Role::Admin).await;
    let at = Utc::now() - Duration::minutes(5);
    let ritas = insert_issue(app.db(), &rita, "Zebra crossing flickers", Severity::High, Status::Open, at).await;
    let ottos = insert_issue(app.db(), &otto, "Zebra print is blurry", Severity::High, Status::Open, at).await;
    let gone = insert_issue(app.db(), &rita, "Zebra duplicate", Severity::High, Status::Open, at).await;
    let mut deleted: issues::ActiveModel = gone.clone().into();
    deleted.deleted_at = Set(Some(at));
    deleted.update(app.db()).await.unwrap();
    World { app, ritas: ritas.id, ottos: ottos.id, deleted: gone.id }
}

/// A client signed in as `email`, an existing user.
async fn client_of(app: &TestApp, email: &str) -> reqwest::Client {
    let client = crate::common::new_client();
    let signed_in = call(&client, app, app::auth::api::LogIn::PATH, &[("email", email), ("password", crate::common::PASSWORD)]).await;
    assert_eq!(signed_in.status(), 200, "sign-in of {email}");
    client
}

/// The ids of the issues `email` is shown by each reader, by the reader's name.
async fn seen_by(world: &World, email: &str) -> Vec<(&'static str, BTreeSet<i64>)> {
    let app = &world.app;
    let session = token(app, email).await;
    let client = client_of(app, email).await;
    let mut socket = connect(app, &session).await;
    let ids = |page: app::issues::model::IssuePage| page.items.iter().map(|i| i.id).collect::<BTreeSet<_>>();

    let listed = ids(list(&client, app, &[]).await);
    let searched = ids(list(&client, app, &[("q", "zebra")]).await);
    let mut detail = BTreeSet::new();
    for id in [world.ritas, world.ottos, world.deleted] {
        let response = call(&client, app, GetIssue::PATH, &[("issue_id", &id.to_string())]).await;
        match response.status().as_u16() {
            200 => drop(detail.insert(id)),
            404 => {}
            other => panic!("{email} reading issue {id}: {other}"),
        }
    }
    let since = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let changed: Vec<ChangedIssue> = call(&client, app, ChangedSince::PATH, &[("since", &since)]).await.json().await.unwrap();
    let caught_up = changed.iter().filter(|c| !c.deleted).map(|c| c.issue_id).collect();
    let dashboard: DashboardView = call(&client, app, GetDashboard::PATH, &[("days", "30")]).await.json().await.unwrap();
    let counted = dashboard.numbers.oldest.iter().map(|i| i.id).collect();
    assert_eq!(dashboard.numbers.by_status.iter().map(|(_, n)| n).sum::<i64>(), i64::try_from(detail.len()).unwrap(), "{email}: dashboard counts");

    // Someone else triages both live issues; the socket passes on only what its user may see.
    let ada = client_of(app, "ada@example.com").await;
    for id in [world.ritas, world.ottos] {
        let moved = call(&ada, app, TransitionIssue::PATH, &[("issue_id", &id.to_string()), ("status", "TRIAGED"), ("version", "1")]).await;
        assert_eq!(moved.status(), 200);
    }
    let mut heard = BTreeSet::new();
    loop {
        let notice = next(&mut socket).await;
        // A reporter watches their own issue, so its triage also tells them their inbox changed.
        if notice["type"] == "inbox" {
            continue;
        }
        let Some(id) = notice["issue_id"].as_i64() else { break };
        assert_eq!(notice["type"], "issue", "{notice}");
        heard.insert(id);
    }

    vec![("list", listed), ("search", searched), ("detail", detail), ("catch-up feed", caught_up), ("dashboard", counted), ("live socket", heard)]
}

fn assert_every_reader_shows(seen: Vec<(&'static str, BTreeSet<i64>)>, expected: &[i64]) {
    let expected: BTreeSet<i64> = expected.iter().copied().collect();
    let wrong: Vec<_> = seen.into_iter().filter(|(_, ids)| *ids != expected).collect();
    assert!(wrong.is_empty(), "expected {expected:?} everywhere, but: {wrong:?}");
}

async fn a_reporter_sees_only_their_own_issues_in_every_reader(db: TestDb) {
    let world = world(db).await;

    let seen = seen_by(&world, "rita@example.com").await;

    assert_every_reader_shows(seen, &[world.ritas]);
}

async fn a_maintainer_sees_every_live_issue_in_every_reader(db: TestDb) {
    let world = world(db).await;

    let seen = seen_by(&world, "mo@example.com").await;

    assert_every_reader_shows(seen, &[world.ritas, world.ottos]);
}

async fn an_admin_sees_every_live_issue_in_every_reader(db: TestDb) {
    let world = world(db).await;

    let seen = seen_by(&world, "ada@example.com").await;

    assert_every_reader_shows(seen, &[world.ritas, world.ottos]);
}
