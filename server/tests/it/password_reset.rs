//! Password reset by email, against a real SMTP server: the mail and its link, the new
//! password, and every refusal (used, expired, void after a change, unknown address, too many).
use crate::{
    common::{PASSWORD, TestApp, TestDb, call, insert_user, new_client, spawn_app_with},
    mail::app_sending_to,
    smtp_sink::SmtpSink,
};
use app::{
    auth::api::{ChangePassword, LogIn, RequestPasswordReset, ResetPassword, SetUserActive},
    domain::Role,
    server::entities::{audit_log, mail_outbox, password_resets},
};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use std::time::Duration;

on_both_databases!(
    a_reset_link_arrives_by_mail_and_sets_a_new_password_once,
    the_pages_server_functions_reset_a_password_too,
    an_unknown_address_gets_the_same_answer_and_no_mail,
    an_expired_link_is_refused,
    a_link_is_void_once_the_password_changes,
    a_link_is_void_once_the_account_is_deactivated,
    asking_is_limited_per_address_whether_or_not_it_has_an_account,
    with_email_off_reset_by_email_is_refused,
);

const NEW_PASSWORD: &str = "a brand new password";

async fn ask(app: &TestApp, email: &str) -> reqwest::Response {
    new_client().post(app.url("/api/v1/auth/password-reset")).json(&json!({ "email": email })).send().await.unwrap()
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    new_client().post(app.url("/api/v1/auth/password-reset/confirm")).json(&json!({ "token": token, "password": password })).send().await.unwrap()
}

/// The token in the newest reset mail `sink` received, after checking the link's address.
async fn token_from_mail(app: &TestApp, sink: &SmtpSink, count: usize) -> String {
    let received = sink.wait_for(count, Duration::from_secs(20)).await;
    assert_eq!(received.len(), count, "reset mails received");
    let mail = received.last().unwrap();
    let prefix = format!("{}/reset-password?token=", app.url(""));
    let start = mail.text.find(&prefix).unwrap_or_else(|| panic!("no link on the public address in {}", mail.text)) + prefix.len();
    let token: String = mail.text[start..].chars().take_while(char::is_ascii_alphanumeric).collect();
    assert!(mail.html.contains(&format!("{prefix}{token}")), "the HTML has the same link: {}", mail.html);
    token
}

async fn signs_in(app: &TestApp, email: &str, password: &str) -> bool {
    call(&new_client(), app, LogIn::PATH, &[("email", email), ("password", password)]).await.status() == 200
}

async fn audited(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find().filter(audit_log::Column::Action.eq(action)).count(app.db()).await.unwrap()
}

async fn a_reset_link_arrives_by_mail_and_sets_a_new_password_once(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    let (_, laptop) = app.signed_in("rita@example.com", Role::Reporter).await;

    let asked = ask(&app, "Rita@Example.com").await;
    assert_eq!(asked.status(), 202);
    let token = token_from_mail(&app, &sink, 1).await;
    assert_eq!(sink.received()[0].envelope_to, ["rita@example.com"]);
    assert_eq!(sink.received()[0].subject, "Reset your password");
    let stored = password_resets::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_ne!(stored.token_hash, token, "only the token's hash is kept");

    assert_eq!(confirm(&app, &token, NEW_PASSWORD).await.status(), 204);

    assert!(signs_in(&app, "rita@example.com", NEW_PASSWORD).await);
    assert!(!signs_in(&app, "rita@example.com", PASSWORD).await, "the old password is gone");
    assert_eq!(laptop.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401, "every session ended");
    let again = confirm(&app, &token, "yet another password").await;
    assert_eq!(again.status(), 422, "the link works once");
    assert!(again.text().await.unwrap().contains("token"));
    assert_eq!((audited(&app, "password_reset_requested").await, audited(&app, "password_reset").await), (1, 1));
}

async fn the_pages_server_functions_reset_a_password_too(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let page = app.client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("href=\"/forgot-password\""), "the sign-in page links to the reset");

    let asked = call(&new_client(), &app, RequestPasswordReset::PATH, &[("email", "rita@example.com")]).await;
    assert_eq!(asked.status(), 200);
    let token = token_from_mail(&app, &sink, 1).await;
    let reset_page = new_client().get(app.url(&format!("/reset-password?token={token}"))).send().await.unwrap().text().await.unwrap();
    assert!(reset_page.contains(&format!("name=\"token\" value=\"{token}\"")), "the form carries the token before hydration");
    let reset = call(&new_client(), &app, ResetPassword::PATH, &[("token", &token), ("password", NEW_PASSWORD)]).await;

    assert_eq!(reset.status(), 200, "{}", reset.text().await.unwrap_or_default());
    assert!(signs_in(&app, "rita@example.com", NEW_PASSWORD).await);
}

async fn an_unknown_address_gets_the_same_answer_and_no_mail(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;

    let known = ask(&app, "rita@example.com").await;
    let unknown = ask(&app, "nobody@example.com").await;

    assert_eq!((known.status(), unknown.status()), (reqwest::StatusCode::ACCEPTED, reqwest::StatusCode::ACCEPTED));
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    sink.wait_for(1, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].envelope_to, ["rita@example.com"]);
    assert_eq!(mail_outbox::Entity::find().count(app.db()).await.unwrap(), 1);
}

async fn an_expired_link_is_refused(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    ask(&app, "rita@example.com").await;
    let token = token_from_mail(&app, &sink, 1).await;
    // Thirty minutes and a second later.
    let expired = chrono::Utc::now() - chrono::Duration::seconds(1);
    password_resets::Entity::update_many().col_expr(password_resets::Column::ExpiresAt, Expr::value(expired)).exec(app.db()).await.unwrap();

    assert_eq!(confirm(&app, &token, NEW_PASSWORD).await.status(), 422);
    assert!(signs_in(&app, "rita@example.com", PASSWORD).await, "the password is unchanged");
}

async fn a_link_is_void_once_the_password_changes(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    let (_, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    ask(&app, "rita@example.com").await;
    let token = token_from_mail(&app, &sink, 1).await;

    let changed = call(&client, &app, ChangePassword::PATH, &[("current_password", PASSWORD), ("new_password", "changed in the app")]).await;
    assert_eq!(changed.status(), 200);

    assert_eq!(confirm(&app, &token, NEW_PASSWORD).await.status(), 422);
    assert!(signs_in(&app, "rita@example.com", "changed in the app").await);
}

async fn a_link_is_void_once_the_account_is_deactivated(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let (_, admin) = app.signed_in("admin@example.com", Role::Admin).await;
    ask(&app, "rita@example.com").await;
    let token = token_from_mail(&app, &sink, 1).await;

    let deactivated = call(&admin, &app, SetUserActive::PATH, &[("user_id", &rita.id.to_string()), ("active", "false")]).await;
    assert_eq!(deactivated.status(), 200);

    assert_eq!(confirm(&app, &token, NEW_PASSWORD).await.status(), 422);
    assert_eq!(password_resets::Entity::find().count(app.db()).await.unwrap(), 0, "its links are gone");
}

async fn asking_is_limited_per_address_whether_or_not_it_has_an_account(db: TestDb) {
    let sink = SmtpSink::start().await;
    let app = app_sending_to(db, &sink.url()).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;

    for email in ["rita@example.com", "nobody@example.com"] {
        for _ in 0..5 {
            assert_eq!(ask(&app, email).await.status(), 202, "{email}");
        }
        let limited = ask(&app, email).await;
        assert_eq!(limited.status(), 429, "{email}");
        assert!(limited.headers().contains_key("retry-after"));
    }
    assert_eq!(mail_outbox::Entity::find().count(app.db()).await.unwrap(), 5, "five links for the account, none for the unknown address");
}

async fn with_email_off_reset_by_email_is_refused(db: TestDb) {
    let app = spawn_app_with(db, &[]).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;

    let asked = ask(&app, "rita@example.com").await;

    assert_eq!(asked.status(), 409);
    assert!(asked.text().await.unwrap().contains("off on this server"));
    assert_eq!(password_resets::Entity::find().count(app.db()).await.unwrap(), 0);
}
