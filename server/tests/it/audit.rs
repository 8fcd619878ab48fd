//! The audit log: what is recorded, who may read it, the exports, and the hash chain's check
//! (including a tampered and a removed entry), on both databases.
use crate::common::{TestApp, TestDb, call, insert_issue, insert_user, spawn_app};
use app::{
    audit::{api::{ListAudit, VerifyAudit}, model::AuditPage},
    auth::api::{ChangeRole, LogIn},
    domain::{Role, Severity, Status},
    issues::api::DeleteIssue,
    server::entities::audit_log,
};
use chrono::Utc;
use leptos::server_fn::ServerFn;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::Value;

on_both_databases!(
    security_events_are_recorded_in_order,
    only_admins_read_and_export_the_log,
    the_chain_check_finds_a_tampered_or_missing_entry,
);

async fn actions(app: &TestApp) -> Vec<String> {
    let rows = audit_log::Entity::find().all(app.db()).await.unwrap();
    let mut rows: Vec<_> = rows.into_iter().map(|r| (r.seq, r.action)).collect();
    rows.sort();
    rows.into_iter().map(|(_, a)| a).collect()
}

async fn verify(client: &reqwest::Client, app: &TestApp) -> Value {
    let response = call(client, app, VerifyAudit::PATH, &[]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn security_events_are_recorded_in_order(db: TestDb) {
    let app = spawn_app(db).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let issue = insert_issue(app.db(), &rita, "Gone soon", Severity::Low, Status::Open, Utc::now()).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let anonymous = crate::common::new_client();

    let failed = call(&anonymous, &app, LogIn::PATH, &[("email", "rita@example.com"), ("password", "wrong password")]).await;
    assert_eq!(failed.status(), 401);
    assert_eq!(call(&admin, &app, ChangeRole::PATH, &[("user_id", &rita.id.to_string()), ("role", "MAINTAINER")]).await.status(), 200);
    assert_eq!(call(&admin, &app, DeleteIssue::PATH, &[("issue_id", &issue.id.to_string())]).await.status(), 200);

    assert_eq!(actions(&app).await, ["login", "login_failed", "role_changed", "issue_deleted"]);
    let role_change = audit_log::Entity::find_by_id(3).one(app.db()).await.unwrap().unwrap();
    assert_eq!(role_change.actor_email.as_deref(), Some("ada@example.com"));
    assert_eq!(role_change.target, Some(format!("user {} (rita@example.com)", rita.id)));
    let details: Value = serde_json::from_str(&role_change.details).unwrap();
    assert_eq!((details["from"].as_str(), details["to"].as_str()), (Some("REPORTER"), Some("MAINTAINER")));
    let failed_entry = audit_log::Entity::find_by_id(2).one(app.db()).await.unwrap().unwrap();
    assert_eq!((failed_entry.actor_id, failed_entry.actor_email.as_deref()), (None, Some("rita@example.com")));
    assert!(!failed_entry.details.contains("wrong password"), "no secret reaches the log");
    assert_eq!(verify(&admin, &app).await["first_broken"], Value::Null);
}

async fn only_admins_read_and_export_the_log(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;

    for path in [ListAudit::PATH, VerifyAudit::PATH] {
        let form: &[(&str, &str)] = if path == ListAudit::PATH { &[("filter[action]", "login")] } else { &[] };
        assert_eq!(call(&maintainer, &app, path, form).await.status(), 403, "{path}");
    }
    for export in ["/admin/audit/export.csv", "/admin/audit/export.json"] {
        assert_eq!(maintainer.get(app.url(export)).send().await.unwrap().status(), 403, "{export}");
    }

    let page: AuditPage = call(&admin, &app, ListAudit::PATH, &[("filter[actor]", "ADA@"), ("filter[action]", "login")]).await.json().await.unwrap();
    assert_eq!(page.entries.len(), 1);
    assert_eq!(page.entries[0].actor_email.as_deref(), Some("ada@example.com"));
    // No filter at all (the page reached from the menu) sends no fields, and is the whole log.
    let unfiltered = call(&admin, &app, ListAudit::PATH, &[]).await;
    assert_eq!(unfiltered.status(), 200);
    assert!(unfiltered.json::<AuditPage>().await.unwrap().entries.len() >= 2, "both sign-ins");
    let none: AuditPage = call(&admin, &app, ListAudit::PATH, &[("filter[actor]", "%"), ("filter[action]", "login")]).await.json().await.unwrap();
    assert!(none.entries.is_empty(), "a % in the actor filter is a literal");

    let csv = admin.get(app.url("/admin/audit/export.csv?action=login")).send().await.unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"audit-log-"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "seq,at,actor,action,target,details,ip,hash");
    assert_eq!(lines.len(), 3, "a header and the two sign-ins: {text}");
    let json: Value = admin.get(app.url("/admin/audit/export.json?actor=mo%40")).send().await.unwrap().json().await.unwrap();
    let mut actions: Vec<&str> = json.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.sort_unstable();
    assert_eq!(actions, ["access_refused"; 4].into_iter().chain(["login"]).collect::<Vec<_>>(), "the sign-in and the four refusals");
}

async fn the_chain_check_finds_a_tampered_or_missing_entry(db: TestDb) {
    let app = spawn_app(db).await;
    for n in 0..4 {
        app.signed_in(&format!("user{n}@example.com"), Role::Reporter).await;
    }
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let report = verify(&admin, &app).await;
    assert_eq!((report["entries"].as_u64(), &report["first_broken"]), (Some(5), &Value::Null));

    // Someone with database access rewrites who signed in as entry 2.
    app.db().execute_unprepared("UPDATE audit_log SET actor_email = 'someone@else.example' WHERE seq = 2").await.unwrap();
    let report = verify(&admin, &app).await;
    assert_eq!(report["first_broken"][0], 2);
    assert_eq!(report["first_broken"][1], "its contents do not match its hash");

    // ...or recomputes nothing and deletes entry 2 instead: the gap is found just the same.
    app.db().execute_unprepared("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
    let report = verify(&admin, &app).await;
    assert_eq!((report["first_broken"][0].as_i64(), report["first_broken"][1].as_str()), (Some(2), Some("entry 2 is missing")));
    assert_eq!(audit_log::Entity::find().count(app.db()).await.unwrap(), 4, "the check reads, it never repairs");
}

/// `server audit verify` on the real binary: 0 on an intact chain, 1 naming the broken entry.
#[test]
fn the_command_line_check_exits_non_zero_on_a_broken_chain() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = crate::common::server_binary()
            .args(args)
            .env("DATA_DIR", data.path())
            .env("LOG_LEVEL", "off")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let created = run(&["admin", "create", "--email", "ada@example.com", "--password-stdin"], "a long admin password\n");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));

    let intact = run(&["audit", "verify"], "");
    assert!(intact.status.success());
    assert_eq!(String::from_utf8_lossy(&intact.stdout).trim(), "audit log intact: 1 entries verified");

    assert!(tamper_with_first_entry(&data.path().join("tracker.db")));
    let broken = run(&["audit", "verify"], "");
    assert!(!broken.status.success());
    assert_eq!(String::from_utf8_lossy(&broken.stderr).trim(), "error: audit log broken at entry 1: its contents do not match its hash (0 entries before it hold)");
}

/// Changes the first entry's target behind the application's back.
fn tamper_with_first_entry(path: &std::path::Path) -> bool {
    let url = format!("sqlite://{}", path.display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = sea_orm::Database::connect(&url).await.unwrap();
        db.execute_unprepared("UPDATE audit_log SET target = 'user 99' WHERE seq = 1").await.unwrap().rows_affected() == 1
    })
}
