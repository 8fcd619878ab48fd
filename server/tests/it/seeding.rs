//! The seeding commands of the real binary, on both databases: `seed-demo` (what `cargo xtask
//! seed-demo` and the end-to-end tests start from) and `seed-bench` (the benchmark's data).
use crate::common::{TestDb, server_binary};
use app::server::entities::{comments, issue_events, issues};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::{io::Write as _, process::Stdio};

on_both_databases!(the_demo_data_has_its_history_and_is_seeded_once, the_benchmark_data_matches_its_manifest);

fn run(db: &TestDb, data: &std::path::Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = server_binary()
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("DATA_DIR", data)
        .env("LOG_LEVEL", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

async fn the_demo_data_has_its_history_and_is_seeded_once(db: TestDb) {
    let data = tempfile::tempdir().unwrap();

    let (ok, first, err) = run(&db, data.path(), &["seed-demo"], "");
    assert!(ok, "{err}");
    let (ok, second, err) = run(&db, data.path(), &["seed-demo"], "");
    assert!(ok, "{err}");

    assert_eq!(first.trim(), "inserted 5 demo issues");
    assert_eq!(second.trim(), "inserted 0 demo issues", "a database with issues is left alone");
    let conn = app::server::db::connect(&db.url).await.unwrap();
    let all = issues::Entity::find().all(&conn).await.unwrap();
    assert_eq!(all.len(), 5);
    for issue in all {
        let filed = issue_events::Entity::find().filter(issue_events::Column::IssueId.eq(issue.id)).filter(issue_events::Column::Kind.eq("created")).count(&conn).await.unwrap();
        assert_eq!(filed, 1, "{} starts its timeline with its filing", issue.title);
    }
}

async fn the_benchmark_data_matches_its_manifest(db: TestDb) {
    let data = tempfile::tempdir().unwrap();

    let (ok, out, err) = run(&db, data.path(), &["seed-bench", "--issues", "60"], "a bench password\n");

    assert!(ok, "{err}");
    let manifest: Value = serde_json::from_str(out.lines().rev().find(|l| l.starts_with('{')).expect("a manifest line")).unwrap();
    let conn = app::server::db::connect(&db.url).await.unwrap();
    assert_eq!(manifest["issues"], 60);
    assert_eq!(issues::Entity::find().count(&conn).await.unwrap(), 60);
    assert_eq!(manifest["comments"].as_u64().unwrap(), comments::Entity::find().count(&conn).await.unwrap());
    assert_eq!(manifest["issue_events"].as_u64().unwrap(), issue_events::Entity::find().count(&conn).await.unwrap());
    assert!(manifest["maintainer"].as_str().unwrap().contains('@'), "{manifest}");
    let (ok, _, err) = run(&db, data.path(), &["seed-bench", "--issues", "60"], "a bench password\n");
    assert!(!ok && err.contains("without issues"), "a second run refuses a database that has issues: {err}");
}
