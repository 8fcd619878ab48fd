//! Mail that survives faults: a mail server that is down, a server killed mid-send, and two
//! instances sharing one PostgreSQL database. Every message arrives, and arrives once.
use crate::{
    common::{TestDb, call},
    notifications::file,
    mail::{app_sending_to, mail_settings, mail_to, queue},
    smtp_sink::{Received, SmtpSink},
};
use app::{
    auth::api::ChangeRole,
    domain::{MailStatus, Role},
    server::{
        entities::mail_outbox,
        mail::{MailSettings, MailTiming, OutgoingMail, SmtpUrl, enqueue, parse_sender},
    },
};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::{collections::HashSet, process::Stdio, time::Duration};

on_both_databases!(
    mail_due_while_the_mail_server_is_down_is_delivered_once_when_it_is_back,
    mail_claimed_by_a_killed_server_is_sent_after_restart,
    mail_about_an_issue_its_reader_may_no_longer_see_is_withheld_when_it_would_go,
);

mod two_instances {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::two_instances_on_one_database_never_send_a_message_twice(crate::common::TestDb::postgres().await).await
    }
}

/// Asserts that `received` is exactly `count` messages, each Message-ID once.
fn assert_each_once(received: &[Received], count: usize) {
    let ids: HashSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), count, "distinct messages");
    assert_eq!(received.len(), count, "no message sent twice");
}

async fn mail_due_while_the_mail_server_is_down_is_delivered_once_when_it_is_back(db: TestDb) {
    let mut sink = SmtpSink::down();
    let app = app_sending_to(db, &sink.url()).await;
    queue(&app, (0..100).map(|n| mail_to(&format!("user{n}@example.com"), n))).await;
    // While the server is down the sender tries it now and then, not once per queued mail: in
    // two seconds of retries 200 ms apart, a handful of attempts, all failed and counted.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let attempted = || async {
        let rows = mail_outbox::Entity::find().all(app.db()).await.unwrap();
        rows.iter().map(|row| i64::from(row.attempts)).sum::<i64>()
    };
    while attempted().await == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the sender never tried the mail server");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let attempts = attempted().await;
    assert!((2..=15).contains(&attempts), "{attempts} attempts in two seconds while the mail server was down");
    let queued = mail_outbox::Entity::find().filter(mail_outbox::Column::Status.eq(MailStatus::Queued)).count(app.db()).await.unwrap();
    assert_eq!(queued, 100, "nothing is given up or lost while the server is down");

    sink.run(false).await;

    let received = sink.wait_for(100, Duration::from_secs(60)).await;
    // Long enough for a duplicate to show up, were one on its way.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_each_once(&sink.received(), 100);
    assert_eq!(received.len(), 100);
    let sent = mail_outbox::Entity::find().filter(mail_outbox::Column::Status.eq(MailStatus::Sent)).count(app.db()).await.unwrap();
    assert_eq!(sent, 100);
}

async fn two_instances_on_one_database_never_send_a_message_twice(db: TestDb) {
    let sink = SmtpSink::start().await;
    let second_db = db.shared();
    let first = app_sending_to(db, &sink.url()).await;
    let second = app_sending_to(second_db, &sink.url()).await;

    queue(&first, (0..200).map(|n| mail_to(&format!("user{n}@example.com"), n))).await;
    second.state.settings.mail.wake();

    sink.wait_for(200, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_each_once(&sink.received(), 200);
}

async fn mail_about_an_issue_its_reader_may_no_longer_see_is_withheld_when_it_would_go(db: TestDb) {
    let mut sink = SmtpSink::down();
    let app = app_sending_to(db, &sink.url()).await;
    let (max, _) = app.signed_in("max@example.com", Role::Maintainer).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let issue = file(&app, &reporter, "Private trouble", "").await;
    // Two mails to Max: one about Rita's issue, one about nothing in particular.
    queue(&app, [OutgoingMail { user_id: Some(max.id), issue_id: Some(issue), ..mail_to("max@example.com", 1) }, OutgoingMail { user_id: Some(max.id), ..mail_to("max@example.com", 2) }]).await;
    // Both are tried while Max may still see the issue, and wait for the mail server...
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while mail_outbox::Entity::find().filter(mail_outbox::Column::Attempts.gt(0)).count(app.db()).await.unwrap() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "the sender never tried the mail server");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // ...meanwhile Max loses the role that let him see it.
    let demoted = call(&admin, &app, ChangeRole::PATH, &[("user_id", &max.id.to_string()), ("role", "REPORTER")]).await;
    assert_eq!(demoted.status(), 200, "{}", demoted.text().await.unwrap());
    // The next retry checks again and withholds it (waited for, so no attempt already under way
    // when Max was demoted can race the mail server coming back).
    let about_the_issue = || mail_outbox::Entity::find().filter(mail_outbox::Column::IssueId.is_not_null()).count(app.db());
    while about_the_issue().await.unwrap() > 0 {
        assert!(tokio::time::Instant::now() < deadline, "the mail about the issue was never withheld");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    sink.run(false).await;
    sink.wait_for(1, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let subjects: Vec<String> = sink.received().iter().map(|mail| mail.subject.clone()).collect();
    assert_eq!(subjects, ["Issue #2 changed"], "the mail about the issue Max may no longer see is not sent");
    let left: Vec<Option<i64>> = mail_outbox::Entity::find().all(app.db()).await.unwrap().into_iter().map(|row| row.issue_id).collect();
    assert_eq!(left, [None], "the withheld mail is gone from the outbox, not left queued or counted failed");
}

/// Runs `server serve` on `db_url` sending to `smtp_url`, with claims that lapse after 2 s.
fn serve(db_url: &str, smtp_url: &str, data: &std::path::Path) -> std::process::Child {
    let mut command = crate::common::server_binary();
    command.arg("serve").env("DATABASE_URL", db_url).env("DATA_DIR", data).env("BIND_ADDR", "127.0.0.1:0").env("LOG_LEVEL", "warn");
    for (key, value) in mail_settings(smtp_url) {
        command.env(key, value);
    }
    command.env("MAIL_LOCK_SECS", "2").stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("server binary runs")
}

async fn mail_claimed_by_a_killed_server_is_sent_after_restart(db: TestDb) {
    let data = tempfile::tempdir().unwrap();
    let mut stalled = SmtpSink::down();
    stalled.run(true).await;
    let migrated = crate::common::server_binary().arg("migrate").env("DATABASE_URL", &db.url).env("DATA_DIR", data.path()).env("LOG_LEVEL", "off").output().unwrap();
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    let conn = app::server::db::connect(&db.url).await.unwrap();
    let settings = MailSettings::new(Some(SmtpUrl::parse(&stalled.url()).unwrap()), Some(parse_sender("tracker@example.com").unwrap()), "http://127.0.0.1".to_owned(), MailTiming::default());
    for n in 0..5 {
        enqueue(&conn, &settings, mail_to(&format!("user{n}@example.com"), n)).await.unwrap();
    }
    let mut first = serve(&db.url, &stalled.url(), data.path());
    // The server claims the mail and stalls sending the first one...
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while mail_outbox::Entity::find().filter(mail_outbox::Column::LockedUntil.is_not_null()).count(&conn).await.unwrap() < 5 {
        assert!(tokio::time::Instant::now() < deadline, "the server never claimed the mail");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // ...and is killed there (SIGKILL: no chance to give anything back).
    first.kill().unwrap();
    first.wait().unwrap();
    stalled.stop();
    assert_eq!(mail_outbox::Entity::find().filter(mail_outbox::Column::Status.eq(MailStatus::Sent)).count(&conn).await.unwrap(), 0);
    let sink = SmtpSink::start().await;
    let mut second = serve(&db.url, &sink.url(), data.path());

    let received = sink.wait_for(5, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(received.len(), 5, "every claimed mail is sent once the claim lapses");
    assert_each_once(&sink.received(), 5);
}
