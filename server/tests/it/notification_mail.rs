//! Notifications by mail, against a real SMTP server: who gets a mail and who does not (never
//! the actor, never someone who may not see the issue), what it says (the change in the UI's
//! words, the reason, the link to the change, both bodies), the one-click unsubscribe that
//! works and cannot be edited, and the daily digest that groups a day per issue.
use crate::{
    common::{TestApp, TestDb, call},
    mail::app_sending_to,
    notifications::{comment, file, version},
    smtp_sink::{Received, SmtpSink},
};
use app::{
    auth::api::ChangeRole,
    domain::{Delivery, MailStatus, NotificationKind, Role},
    issues::api::{AssignIssue, TransitionIssue},
    notifications::api::SetNotificationDelivery,
    server::entities::{mail_outbox, notifications},
};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::time::Duration;

on_both_databases!(
    a_status_change_mails_the_watchers_but_not_the_actor,
    an_assignment_and_a_mention_say_why_and_unsubscribe_in_one_click,
    nobody_is_mailed_about_an_issue_they_may_not_see,
    the_daily_digest_groups_the_day_per_issue,
    a_changes_mail_is_queued_in_its_own_transaction_and_written_when_sent,
);

const WAIT: Duration = Duration::from_secs(20);

async fn transition(app: &TestApp, client: &reqwest::Client, issue: i64, status: &str) {
    let response = call(client, app, TransitionIssue::PATH, &[("issue_id", &issue.to_string()), ("status", status), ("version", &version(app, issue).await)]).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

/// Waits until nothing is left to send: no notification due by mail and no queued mail.
async fn settled(app: &TestApp) {
    for _ in 0..200 {
        let due = notifications::Entity::find().filter(notifications::Column::EmailDue.eq(true)).count(app.db()).await.unwrap();
        let queued = mail_outbox::Entity::find().filter(mail_outbox::Column::Status.eq(MailStatus::Queued)).count(app.db()).await.unwrap();
        if due == 0 && queued == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("mail still due after 20 s");
}

fn to(mail: &Received) -> &str {
    mail.envelope_to[0].as_str()
}

async fn a_status_change_mails_the_watchers_but_not_the_actor(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let issue = file(&app, &reporter, "Crash on save", "It crashes").await;
    // Mo comments, so Mo watches too; Mo's own status change still mails Mo nothing.
    comment(&app, &maintainer, issue, "Looking").await;
    transition(&app, &maintainer, issue, "TRIAGED").await;
    transition(&app, &maintainer, issue, "IN_PROGRESS").await;

    sink.wait_for(2, WAIT).await;
    settled(&app).await;
    let received = sink.received();
    assert_eq!(received.len(), 2, "two status mails, no comment mail (comments go to the digest): {:?}", received.iter().map(|m| &m.subject).collect::<Vec<_>>());
    assert!(received.iter().all(|m| to(m) == "rita@example.com"), "only the reporter, never the actor");
    let mail = received.iter().find(|m| m.subject.contains("In progress")).expect("the status in the UI's words");
    assert_eq!(mail.subject, format!("#{issue} Crash on save: Mo changed the status to In progress"));
    assert!(!mail.subject.contains("IN_PROGRESS"));
    let base = app.url("");
    let base = base.trim_end_matches('/');
    assert!(mail.text.contains(&format!("{base}/issues/{issue}#event-")), "the text links to the change: {}", mail.text);
    assert!(mail.text.contains("you are watching"), "{}", mail.text);
    assert!(mail.html.contains(&format!("href=\"{base}/issues/{issue}#event-")), "{}", mail.html);
    assert!(mail.html.contains("you are watching"));
    assert!(!mail.html.to_lowercase().contains("<img"), "no remote images");
    assert!(mail.list_unsubscribe.as_deref().is_some_and(|h| h.contains("/api/v1/unsubscribe?token=")), "{:?}", mail.list_unsubscribe);
    assert_eq!(mail.list_unsubscribe_post.as_deref(), Some("List-Unsubscribe=One-Click"));
    assert_ne!(received[0].message_id, received[1].message_id);
}

async fn an_assignment_and_a_mention_say_why_and_unsubscribe_in_one_click(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (mo, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (max, max_client) = app.signed_in("max@example.com", Role::Maintainer).await;
    let issue = file(&app, &reporter, "Export fails", "CSV export fails").await;
    let assigned = call(&max_client, &app, AssignIssue::PATH, &[("issue_id", &issue.to_string()), ("version", &version(&app, issue).await), ("assignee_id", &mo.id.to_string())]).await;
    assert_eq!(assigned.status(), 200, "{}", assigned.text().await.unwrap());
    comment(&app, &maintainer, issue, "@max can you look at the encoding?").await;

    let received = sink.wait_for(2, WAIT).await;
    let to_mo = received.iter().find(|m| to(m) == "mo@example.com").expect("the new assignee is mailed");
    assert!(to_mo.subject.ends_with("Max assigned the issue to you"), "{}", to_mo.subject);
    assert!(to_mo.text.contains("you are assigned"), "{}", to_mo.text);
    let to_max = received.iter().find(|m| to(m) == "max@example.com").expect("the person mentioned is mailed");
    assert!(to_max.subject.ends_with("Mo mentioned you"), "{}", to_max.subject);
    assert!(to_max.text.contains("you were mentioned"), "{}", to_max.text);
    assert!(to_max.text.contains("#comment-"), "the link opens the comment: {}", to_max.text);

    // The one-click header works as a mail client uses it: a POST, no session.
    let header = to_max.list_unsubscribe.clone().expect("List-Unsubscribe");
    let one_click = header.trim_start_matches('<').trim_end_matches('>').to_owned();
    let tampered = one_click.replacen("token=", "token=x", 1);
    let form = "List-Unsubscribe=One-Click";
    let refused = reqwest::Client::new().post(&tampered).header("content-type", "application/x-www-form-urlencoded").body(form).send().await.unwrap();
    assert_eq!(refused.status(), 422, "an edited link changes nothing");
    let done = reqwest::Client::new().post(&one_click).header("content-type", "application/x-www-form-urlencoded").body(form).send().await.unwrap();
    assert_eq!(done.status(), 200, "{}", done.text().await.unwrap());
    let kinds = app::notifications::service::deliveries(app.db(), max.id).await.unwrap();
    let mention = kinds.iter().find(|k| k.kind == NotificationKind::Mention).unwrap();
    assert_eq!(mention.delivery, Delivery::InApp, "mentions now stay in the app");
    assert!(kinds.iter().any(|k| k.kind == NotificationKind::Assigned && k.delivery == Delivery::Email), "only that kind changed");

    settled(&app).await;
    let before = sink.received().len();
    comment(&app, &maintainer, issue, "@max again").await;
    settled(&app).await;
    assert_eq!(sink.received().len(), before, "no more mention mail after unsubscribing");
}

async fn nobody_is_mailed_about_an_issue_they_may_not_see(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, _) = app.signed_in("rex@example.com", Role::Reporter).await;
    let (max, max_client) = app.signed_in("max@example.com", Role::Maintainer).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (_, admin) = app.signed_in("ada@example.com", Role::Admin).await;
    let issue = file(&app, &reporter, "Private trouble", "").await;
    // Max watches by commenting, then loses the role that let him see Rita's issue.
    comment(&app, &max_client, issue, "Watching this").await;
    let demoted = call(&admin, &app, ChangeRole::PATH, &[("user_id", &max.id.to_string()), ("role", "REPORTER")]).await;
    assert_eq!(demoted.status(), 200, "{}", demoted.text().await.unwrap());
    // Rex, another reporter, is mentioned: he may not see the issue, so he hears nothing.
    comment(&app, &maintainer, issue, "@rex @max have you seen this?").await;
    transition(&app, &maintainer, issue, "TRIAGED").await;

    sink.wait_for(1, WAIT).await;
    settled(&app).await;
    let received = sink.received();
    let recipients: Vec<&str> = received.iter().map(to).collect();
    assert_eq!(recipients, ["rita@example.com"], "only the reporter; not Max (demoted) nor Rex (never could see it)");
}

async fn the_daily_digest_groups_the_day_per_issue(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    let (rita, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (_, maintainer) = app.signed_in("mo@example.com", Role::Maintainer).await;
    // Severity and comments go to the digest unless chosen otherwise; status too, when chosen.
    let set = call(&reporter, &app, SetNotificationDelivery::PATH, &[("kind", "STATUS"), ("delivery", "DIGEST")]).await;
    assert_eq!(set.status(), 200);
    let first = file(&app, &reporter, "First trouble", "").await;
    let second = file(&app, &reporter, "Second trouble", "").await;
    comment(&app, &maintainer, first, "One").await;
    comment(&app, &maintainer, first, "Two").await;
    transition(&app, &maintainer, second, "TRIAGED").await;
    settled(&app).await;
    assert!(sink.received().is_empty(), "nothing is mailed at once");

    let digests = app::notifications::mailer::mail_digests(&app.state, chrono::Utc::now() + chrono::Duration::seconds(1)).await.unwrap();
    assert_eq!(digests, 1, "one digest for Rita");
    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    let digest = &received[0];
    assert_eq!(to(digest), rita.email);
    assert_eq!(digest.subject, "Your daily digest: 3 notifications about 2 issues");
    let at_first = digest.text.find(&format!("#{first} First trouble")).expect("the first issue");
    let at_second = digest.text.find(&format!("#{second} Second trouble")).expect("the second issue");
    assert_eq!(digest.text.matches("Mo commented").count(), 2, "{}", digest.text);
    assert!(digest.text.contains("Mo changed the status to Triaged"), "{}", digest.text);
    assert!(at_first < at_second);
    assert!(digest.html.contains("<h3>"), "grouped per issue in the HTML too");
    assert!(digest.text.contains("/settings/notifications"));

    // The day is mailed once: a second pass finds nothing.
    let again = app::notifications::mailer::mail_digests(&app.state, chrono::Utc::now() + chrono::Duration::seconds(1)).await.unwrap();
    assert_eq!(again, 0);
}

/// The mail a change is due is in the outbox when the change's answer arrives (the same
/// transaction wrote both), as a short row whose bodies the sender writes; a change refused
/// queues nothing; and once the mail server is up the mail goes out whole.
async fn a_changes_mail_is_queued_in_its_own_transaction_and_written_when_sent(db: TestDb) {
    let mut sink = SmtpSink::down();
    let app = app_sending_to(db, &sink.url()).await;
    let (_, reporter) = app.signed_in("rita@example.com", Role::Reporter).await;
    let (mo, _) = app.signed_in("mo@example.com", Role::Maintainer).await;
    let (_, max_client) = app.signed_in("max@example.com", Role::Maintainer).await;
    let issue = file(&app, &reporter, "Export fails", "").await;
    let stale = version(&app, issue).await;
    let assigned = call(&max_client, &app, AssignIssue::PATH, &[("issue_id", &issue.to_string()), ("version", &stale), ("assignee_id", &mo.id.to_string())]).await;
    assert_eq!(assigned.status(), 200, "{}", assigned.text().await.unwrap());
    let queued = mail_outbox::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(queued.len(), 1, "queued with the assignment, before any mailer ran: {queued:?}");
    let row = &queued[0];
    assert_eq!((row.to_address.as_str(), row.user_id, row.issue_id, row.status), ("mo@example.com", Some(mo.id), Some(issue), MailStatus::Queued));
    assert_eq!(row.subject, format!("#{issue} Export fails: Max assigned the issue to you"));
    assert!(row.text_body.is_empty() && row.html_body.is_empty() && row.notice.is_some(), "the bodies wait for the sender: {row:?}");
    let due = notifications::Entity::find().filter(notifications::Column::EmailDue.eq(true)).count(app.db()).await.unwrap();
    assert_eq!(due, 0, "nothing is left for the mailer to queue");

    // Refused (the version is stale): no notification, no mail.
    let refused = call(&max_client, &app, TransitionIssue::PATH, &[("issue_id", &issue.to_string()), ("status", "TRIAGED"), ("version", &stale)]).await;
    assert_eq!(refused.status(), 409, "{}", refused.text().await.unwrap());
    assert_eq!(mail_outbox::Entity::find().count(app.db()).await.unwrap(), 1, "a refused change queues nothing");

    sink.run(false).await;
    let received = sink.wait_for(1, WAIT).await;
    let mail = &received[0];
    assert_eq!(to(mail), "mo@example.com");
    assert_eq!(mail.subject, format!("#{issue} Export fails: Max assigned the issue to you"));
    assert!(mail.text.contains("Max assigned the issue to you on #") && mail.text.contains("you are assigned"), "{mail:?}");
    assert!(mail.html.contains(&format!("/issues/{issue}#event-")), "{}", mail.html);
    assert!(mail.list_unsubscribe.as_deref().is_some_and(|h| h.contains("/api/v1/unsubscribe?token=")), "{:?}", mail.list_unsubscribe);
    settled(&app).await;
}
