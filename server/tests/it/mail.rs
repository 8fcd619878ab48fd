//! Email through the outbox, against a real SMTP server: what arrives, with which headers, and
//! what happens with email off or a mail that cannot be delivered for a day.
use crate::{
    common::{TestApp, TestDb, spawn_app_with},
    smtp_sink::SmtpSink,
};
use app::{
    domain::{MailPurpose, MailStatus, Role},
    server::{
        entities::mail_outbox,
        mail::{OutgoingMail, enqueue},
    },
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::time::Duration;

on_both_databases!(
    a_queued_mail_arrives_with_its_recipient_message_id_and_both_bodies,
    a_mail_with_an_unsubscribe_link_carries_the_one_click_headers,
    a_title_with_line_breaks_becomes_a_one_line_subject,
    with_email_off_nothing_is_queued,
    a_mail_undelivered_for_a_day_is_failed_and_shown_to_admins_only,
);

/// The settings that send mail to `sink`, retrying quickly.
pub fn mail_settings(smtp_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SMTP_URL", smtp_url.to_owned()),
        ("MAIL_FROM", "Tracker <tracker@example.com>".to_owned()),
        ("MAIL_POLL_MS", "100".to_owned()),
        ("MAIL_RETRY_MS", "200".to_owned()),
    ]
}

/// The app, sending its mail to `sink`.
pub async fn app_sending_to(db: TestDb, smtp_url: &str) -> TestApp {
    let settings = mail_settings(smtp_url);
    let borrowed: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    spawn_app_with(db, &borrowed).await
}

/// A notification mail to `to`, numbered so each is told apart.
pub fn mail_to(to: &str, n: usize) -> OutgoingMail {
    OutgoingMail {
        user_id: None,
        issue_id: None,
        to: to.to_owned(),
        subject: format!("Issue #{n} changed"),
        text: format!("Plain text of mail {n}"),
        html: format!("<p>HTML of mail {n}</p>"),
        unsubscribe: None,
        purpose: MailPurpose::Notification,
        notice: None,
    }
}

/// Queues `mails` in one transaction and wakes the sender, as a feature does.
pub async fn queue(app: &TestApp, mails: impl IntoIterator<Item = OutgoingMail>) {
    let txn = app::server::db::begin_write(app.db()).await.unwrap();
    for mail in mails {
        enqueue(&txn, &app.state.settings.mail, mail).await.unwrap();
    }
    txn.commit().await.unwrap();
    app.state.settings.mail.wake();
}

async fn rows_in(app: &TestApp, status: MailStatus) -> u64 {
    mail_outbox::Entity::find().filter(mail_outbox::Column::Status.eq(status)).count(app.db()).await.unwrap()
}

async fn a_queued_mail_arrives_with_its_recipient_message_id_and_both_bodies(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;

    queue(&app, [mail_to("rita@example.com", 1)]).await;

    let received = sink.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    let row = mail_outbox::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!(mail.envelope_to, ["rita@example.com"]);
    assert_eq!(mail.envelope_from, "tracker@example.com");
    assert_eq!(mail.message_id, row.message_id, "the row's stable Message-ID is the one sent");
    assert!(row.message_id.starts_with("<outbox-") && row.message_id.ends_with("@127.0.0.1>"), "{}", row.message_id);
    assert_eq!(mail.subject, "Issue #1 changed");
    assert_eq!(mail.text.trim(), "Plain text of mail 1");
    assert_eq!(mail.html.trim(), "<p>HTML of mail 1</p>");
    assert!(mail.raw.contains("multipart/alternative"), "{}", mail.raw);
    assert_eq!(mail.list_unsubscribe, None, "no unsubscribe header without a link");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let row = mail_outbox::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((row.status, row.attempts, row.locked_until), (MailStatus::Sent, 1, None));
    assert!(row.sent_at.is_some());
}

async fn a_mail_with_an_unsubscribe_link_carries_the_one_click_headers(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    let link = "https://tracker.example/notifications/unsubscribe?token=abc";

    queue(&app, [OutgoingMail { unsubscribe: Some(link.to_owned()), ..mail_to("rita@example.com", 1) }]).await;

    let received = sink.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received[0].list_unsubscribe.as_deref(), Some(format!("<{link}>").as_str()));
    assert_eq!(received[0].list_unsubscribe_post.as_deref(), Some("List-Unsubscribe=One-Click"));
}

async fn a_title_with_line_breaks_becomes_a_one_line_subject(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;

    queue(&app, [OutgoingMail { subject: "Crash on save\r\nBcc: everyone@example.com\n\tplease".to_owned(), ..mail_to("rita@example.com", 1) }]).await;

    let received = sink.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received[0].subject, "Crash on save Bcc: everyone@example.com please");
    assert_eq!(received[0].envelope_to, ["rita@example.com"], "nothing in the title adds a recipient");
    assert!(!received[0].raw.lines().any(|line| line.starts_with("Bcc:")), "{}", received[0].raw);
}

async fn with_email_off_nothing_is_queued(db: TestDb) {
    let app = spawn_app_with(db, &[]).await;
    assert!(!app.state.settings.mail.enabled());

    queue(&app, [mail_to("rita@example.com", 1)]).await;

    assert_eq!(mail_outbox::Entity::find().count(app.db()).await.unwrap(), 0);
}

async fn a_mail_undelivered_for_a_day_is_failed_and_shown_to_admins_only(db: TestDb) {
    let sink = SmtpSink::down();
    let app = app_sending_to(db, &sink.url()).await;
    let (_, admin) = app.signed_in("admin@example.com", Role::Admin).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    queue(&app, [mail_to("gone@example.com", 1)]).await;
    // Queued a day and a minute ago, and never delivered since.
    let day_ago = chrono::Utc::now() - chrono::Duration::minutes(24 * 60 + 1);
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::CreatedAt, sea_orm::sea_query::Expr::value(day_ago))
        .exec(app.db())
        .await
        .unwrap();
    app.state.settings.mail.wake();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while rows_in(&app, MailStatus::Failed).await == 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let row = mail_outbox::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!(row.status, MailStatus::Failed);
    assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()), "the error is kept");
    let listed: serde_json::Value = admin.get(app.url("/api/v1/admin/mail?status=failed")).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["to"], "gone@example.com");
    assert_eq!(listed[0]["status"], "FAILED");
    assert_eq!(reporter.get(app.url("/api/v1/admin/mail?status=failed")).send().await.unwrap().status(), 403);
    let bad = admin.get(app.url("/api/v1/admin/mail?status=lost")).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("status"));
    let page = admin.get(app.url("/admin/audit")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Undelivered mail") && page.contains("gone@example.com"), "the admin page lists it");
    let metrics = admin.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.lines().any(|l| l == "mail_outbox_failed 1"), "{metrics}");
    assert!(metrics.lines().any(|l| l == "mail_outbox_queued 0"), "{metrics}");
}
