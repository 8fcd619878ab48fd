//! Cases from the security list that other tests did not pin down: a refused cross-site write
//! leaves the database as it was (read before any allowed write), and a forged
//! `X-Forwarded-For` does not buy a new rate-limit budget unless forwarding is trusted.
use crate::common::{TestDb, call, new_client, spawn_app, spawn_app_with};
use app::{
    domain::Role,
    issues::api::CreateIssue,
    server::entities::{issue_events, issues},
};
use leptos::server_fn::ServerFn;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

on_both_databases!(
    a_refused_cross_site_write_changes_nothing,
    a_forged_forwarded_address_shares_the_real_one_s_budget,
    a_trusted_forwarded_address_has_a_budget_of_its_own,
);

const LIMITS: [(&str, &str); 2] = [("API_RATE_PER_MINUTE", "60"), ("API_RATE_BURST", "2")];

/// Four anonymous API calls, each claiming another forwarded address: their statuses.
async fn four_from_different_forwarded_addresses(app: &crate::common::TestApp) -> Vec<u16> {
    let anonymous = new_client();
    let mut statuses = Vec::new();
    for n in 0..4 {
        let answer = anonymous.get(app.url("/api/v1/tags")).header("x-forwarded-for", format!("203.0.113.{n}")).send().await.unwrap();
        statuses.push(answer.status().as_u16());
    }
    statuses
}

async fn rows(app: &crate::common::TestApp) -> (u64, u64) {
    (issues::Entity::find().count(app.db()).await.unwrap(), issue_events::Entity::find().count(app.db()).await.unwrap())
}

async fn a_refused_cross_site_write_changes_nothing(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, browser) = app.signed_in("rita@example.com", Role::Reporter).await;
    let form = [("title", "Forged"), ("description", ""), ("severity", "LOW")];

    // The session cookie rides along, as it would from another site's form.
    let page_write = browser.post(app.url(CreateIssue::PATH)).header("origin", "https://evil.example").header("sec-fetch-site", "cross-site").form(&form).send().await.unwrap();
    assert_eq!(page_write.status(), 403);
    let api_write = browser
        .post(app.url("/api/v1/issues"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "title": "Forged", "severity": "LOW" }))
        .send()
        .await
        .unwrap();
    assert_eq!(api_write.status(), 403);
    assert_eq!(rows(&app).await, (0, 0), "nothing written by the refused requests");

    // The same write from the site itself lands, so the refusal was the origin's.
    assert_eq!(call(&browser, &app, CreateIssue::PATH, &form).await.status(), 200);
    assert_eq!(rows(&app).await, (1, 1));
}

async fn a_forged_forwarded_address_shares_the_real_one_s_budget(db: TestDb) {
    let app = spawn_app_with(db, &LIMITS).await;
    assert_eq!(four_from_different_forwarded_addresses(&app).await, [401, 401, 429, 429], "untrusted X-Forwarded-For is ignored");
}

/// The counterpart: behind a proxy that sets it (and trusted), each address has its own budget.
async fn a_trusted_forwarded_address_has_a_budget_of_its_own(db: TestDb) {
    let app = spawn_app_with(db, &[LIMITS[0], LIMITS[1], ("TRUST_FORWARDED_FOR", "true")]).await;
    assert_eq!(four_from_different_forwarded_addresses(&app).await, [401, 401, 401, 401]);
}
