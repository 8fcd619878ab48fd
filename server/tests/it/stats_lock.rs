//! One statistics run at a time: within one instance through the app state's lock, across
//! instances sharing a database through the database (PostgreSQL's advisory lock, SQLite's
//! write lock). A second manual run hears "already running"; a scheduled one steps aside.
use crate::common::{PASSWORD, TestApp, TestDb, call, insert_issue, insert_user, new_client, spawn_app};
use app::{
    auth::api::LogIn,
    domain::{Role, Severity, Status},
    error::AppError,
    server::entities::stats_runs,
    stats::{
        api::RunStats,
        service::{ADVISORY_LOCK_KEY, ALREADY_RUNNING, Trigger, run},
    },
};
use chrono::{TimeDelta, Utc};
use leptos::server_fn::ServerFn;
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, EntityTrait, PaginatorTrait, Set, Statement};

on_both_databases!(
    two_instances_pressing_recompute_at_once_run_it_once,
    a_run_under_way_in_this_instance_turns_others_away,
    a_run_another_instance_finished_while_this_one_waited_counts_as_this_one,
);

fn manual() -> Trigger {
    Trigger::Manual { actor_id: None }
}

async fn runs(app: &TestApp) -> u64 {
    stats_runs::Entity::find().count(app.db()).await.unwrap()
}

/// Two years of history, so that a run takes a moment.
async fn some_history(app: &TestApp) {
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    for n in 0..5 {
        insert_issue(app.db(), &rita, &format!("Old {n}"), Severity::High, Status::Open, Utc::now() - TimeDelta::days(700 - n)).await;
    }
}

async fn two_instances_pressing_recompute_at_once_run_it_once(db: TestDb) {
    let second = db.shared();
    let a = spawn_app(db).await;
    let b = spawn_app(second).await;
    some_history(&a).await;
    let (_, on_a) = a.signed_in("ada@example.com", Role::Admin).await;
    let on_b = new_client();
    assert_eq!(call(&on_b, &b, LogIn::PATH, &[("email", "ada@example.com"), ("password", PASSWORD)]).await.status(), 200);

    let (first, second) = tokio::join!(call(&on_a, &a, RunStats::PATH, &[]), call(&on_b, &b, RunStats::PATH, &[]));

    let mut answers = [(first.status().as_u16(), first.text().await.unwrap()), (second.status().as_u16(), second.text().await.unwrap())];
    answers.sort();
    assert_eq!([answers[0].0, answers[1].0], [200, 409], "{answers:?}");
    assert!(answers[1].1.contains("already running"), "{}", answers[1].1);
    assert_eq!(runs(&a).await, 1, "the job ran once");

    let after = call(&on_b, &b, RunStats::PATH, &[]).await;
    assert_eq!(after.status(), 200, "a run after the first one finished goes ahead");
    assert_eq!(runs(&a).await, 2);
}

async fn a_run_under_way_in_this_instance_turns_others_away(db: TestDb) {
    let app = spawn_app(db).await;
    let lock = &app.state.stats_job;
    let turn = lock.try_take().expect("nothing runs yet");

    let manual_run = run(app.db(), lock, manual(), Utc::now()).await;
    let scheduled_run = run(app.db(), lock, Trigger::Schedule { tick: 1 }, Utc::now()).await;

    assert_eq!(manual_run, Err(AppError::Conflict(ALREADY_RUNNING.to_owned())));
    assert_eq!(scheduled_run, Ok(None), "the tick leaves the work to the run under way");
    assert_eq!(runs(&app).await, 0);
    drop(turn);
    assert!(run(app.db(), lock, manual(), Utc::now()).await.unwrap().is_some(), "free again once that run ends");
    assert!(run(app.db(), lock, Trigger::Schedule { tick: 1 }, Utc::now()).await.unwrap().is_some());
    assert_eq!(runs(&app).await, 2);
}

/// Another instance is mid-run (its transaction holds the database's lock) when a manual run
/// starts here; that run ends and logs itself. This one does not run again: it hears "already
/// running", at once on PostgreSQL, once the other finished on SQLite (where it waits its turn).
async fn a_run_another_instance_finished_while_this_one_waited_counts_as_this_one(db: TestDb) {
    let url = db.url.clone();
    let app = spawn_app(db).await;
    let other = Database::connect(&url).await.unwrap();
    let backend = other.get_database_backend();
    let holder = app::server::db::begin_write(&other).await.unwrap();
    if backend == DatabaseBackend::Postgres {
        let lock = Statement::from_sql_and_values(backend, "SELECT pg_advisory_xact_lock($1)", [ADVISORY_LOCK_KEY.into()]);
        holder.execute_raw(lock).await.unwrap();
    }

    let here = {
        let (db, lock) = (app.db().clone(), app.state.stats_job.clone());
        tokio::spawn(async move { run(&db, &lock, manual(), Utc::now()).await })
    };
    // Let this run start and reach the database's lock before the other instance finishes.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let logged = stats_runs::ActiveModel { trigger: Set("manual".to_owned()), started_at: Set(Utc::now()), duration_ms: Set(1), days: Set(1), ..Default::default() };
    stats_runs::Entity::insert(logged).exec(&holder).await.unwrap();
    holder.commit().await.unwrap();

    assert_eq!(here.await.unwrap(), Err(AppError::Conflict(ALREADY_RUNNING.to_owned())));
    assert_eq!(runs(&app).await, 1, "only the other instance's run");
    assert!(run(app.db(), &app.state.stats_job, manual(), Utc::now()).await.unwrap().is_some(), "the next run goes ahead");
}
