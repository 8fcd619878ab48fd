//! Accounts, sessions and roles, through the real server functions on both databases.
use app::{
    auth::api::{ChangePassword, ChangeRole, ListMySessions, ListUsers, LogIn, LogOut, SetUserActive, SignOutOtherSessions, SignUp, WhoAmI},
    domain::Role,
    issues::api::ListIssues,
    server::entities::users,
};
use crate::common::{PASSWORD, TestApp, TestDb, call, insert_user, new_client, spawn_app, spawn_app_with};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

on_both_databases!(
    signing_up_creates_a_reporter_and_signs_them_in,
    sign_up_normalises_the_email_and_refuses_a_duplicate_with_409,
    sign_up_names_each_bad_field_and_writes_nothing,
    the_configured_admin_email_becomes_an_admin_at_sign_up,
    wrong_password_and_unknown_email_get_the_same_401,
    a_token_stops_working_after_logout,
    a_bearer_token_works_like_the_cookie,
    an_odd_cookie_header_still_carries_the_session,
    forged_and_tampered_tokens_are_refused,
    a_role_change_applies_to_the_very_next_request,
    deactivation_ends_every_session_and_blocks_sign_in,
    changing_the_password_signs_out_other_sessions,
    users_can_list_and_end_their_other_sessions,
    repeated_wrong_passwords_are_rate_limited_even_for_the_right_one,
    a_cross_site_post_is_refused_and_changes_nothing,
    only_admins_manage_users,
    admins_cannot_demote_or_deactivate_themselves,
    the_admin_command_creates_an_admin_who_can_sign_in,
    an_idle_session_lapses_and_activity_renews_it,
    failures_from_one_address_are_limited_across_accounts_and_spoofed_forwarding_does_not_help,
    behind_https_the_cookie_is_secure_host_only_and_hsts_is_sent,
    after_sign_in_only_same_site_paths_are_followed,
    the_forwarded_address_is_used_only_when_configured,
    sign_ups_from_one_address_are_rate_limited,
    no_page_or_answer_holds_the_session_id,
);

async fn after_sign_in_only_same_site_paths_are_followed(db: TestDb) {
    let app = spawn_app(db).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;

    for (next, expected) in [("/profile", "/profile"), ("//evil.example", "/issues"), ("https://evil.example/x", "/issues"), ("/\\evil.example", "/issues")] {
        let response = new_client()
            .post(app.url(LogIn::PATH))
            .header("accept", "text/html")
            .form(&[("email", "rita@example.com"), ("password", PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["location"], expected, "next={next}");
    }
}

async fn the_forwarded_address_is_used_only_when_configured(db: TestDb) {
    let trusting = spawn_app_with(db, &[("TRUST_FORWARDED_FOR", "true")]).await;
    let plain = spawn_app(TestDb::sqlite().await).await;

    for (app, expected) in [(&trusting, "203.0.113.7"), (&plain, "127.0.0.1")] {
        insert_user(app.db(), "rita@example.com", Role::Reporter).await;
        let client = new_client();
        client
            .post(app.url(LogIn::PATH))
            .header("x-forwarded-for", "198.51.100.1, 203.0.113.7")
            .form(&[("email", "rita@example.com"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        let sessions: Value = call(&client, app, ListMySessions::PATH, &[]).await.json().await.unwrap();
        assert_eq!(sessions[0]["ip"], expected);
    }
}

async fn sign_ups_from_one_address_are_rate_limited(db: TestDb) {
    let app = spawn_app(db).await;

    for n in 0..20 {
        let response = sign_up(&new_client(), &app, &format!("user{n}@example.com"), PASSWORD).await;
        assert_eq!(response.status(), 200, "sign-up {n}");
    }
    let blocked = sign_up(&new_client(), &app, "one.more@example.com", PASSWORD).await;

    assert_eq!(blocked.status(), 429);
    assert!(blocked.headers().contains_key("retry-after"));
    assert_eq!(users::Entity::find().count(app.db()).await.unwrap(), 20, "the refused sign-up wrote nothing");
}

async fn an_idle_session_lapses_and_activity_renews_it(db: TestDb) {
    use app::server::entities::sessions;
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let app = spawn_app(db).await;
    let (user, client) = app.signed_in("rita@example.com", Role::Reporter).await;
    let session = sessions::Entity::find().filter(sessions::Column::UserId.eq(user.id)).one(app.db()).await.unwrap().unwrap();
    let now = chrono::Utc::now();
    let mut stale = session.clone().into_active_model();
    stale.last_seen_at = Set(now - chrono::Duration::minutes(10));
    stale.expires_at = Set(now + chrono::Duration::minutes(5));
    stale.update(app.db()).await.unwrap();

    assert_eq!(who(&client, &app).await["email"], "rita@example.com");

    let renewed = sessions::Entity::find_by_id(session.id.clone()).one(app.db()).await.unwrap().unwrap();
    assert!(renewed.expires_at > now + chrono::Duration::days(13), "activity pushed the idle deadline forward");
    let mut lapsed = renewed.into_active_model();
    lapsed.expires_at = Set(now - chrono::Duration::seconds(1));
    lapsed.update(app.db()).await.unwrap();
    assert_eq!(who(&client, &app).await, Value::Null, "an idle session lapses");
}

async fn failures_from_one_address_are_limited_across_accounts_and_spoofed_forwarding_does_not_help(db: TestDb) {
    let app = spawn_app(db).await;
    insert_user(app.db(), "victim@example.com", Role::Reporter).await;

    for attempt in 0..50 {
        let response = new_client()
            .post(app.url(LogIn::PATH))
            .header("x-forwarded-for", format!("10.0.0.{attempt}"))
            .form(&[("email", format!("guess{attempt}@example.com")), ("password", "wrong password".to_owned())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let blocked = new_client()
        .post(app.url(LogIn::PATH))
        .header("x-forwarded-for", "10.9.9.9")
        .form(&[("email", "victim@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();

    assert_eq!(blocked.status(), 429, "X-Forwarded-For is not trusted unless configured");
    assert!(blocked.headers().contains_key("retry-after"));
}

async fn behind_https_the_cookie_is_secure_host_only_and_hsts_is_sent(db: TestDb) {
    let app = spawn_app_with(db, &[("PUBLIC_URL", "https://tracker.example.com")]).await;

    let response = sign_up(&app.client, &app, "new@example.com", PASSWORD).await;

    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-tracker_session="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Domain"));
    assert_eq!(response.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
}

/// Signs up through the form, with the name and handle the page suggests from the address.
async fn sign_up(client: &reqwest::Client, app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let handle = app::people::model::Handle::from_email(email);
    let form = [("email", email), ("password", password), ("display_name", "New Person"), ("handle", handle.as_str())];
    call(client, app, SignUp::PATH, &form).await
}

async fn who(client: &reqwest::Client, app: &TestApp) -> Value {
    let response = call(client, app, WhoAmI::PATH, &[]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn role_in_db(app: &TestApp, email: &str) -> Role {
    users::Entity::find().filter(users::Column::Email.eq(email)).one(app.db()).await.unwrap().unwrap().role
}

async fn signing_up_creates_a_reporter_and_signs_them_in(db: TestDb) {
    let app = spawn_app(db).await;

    let response = sign_up(&app.client, &app, "new@example.com", "long enough pw").await;

    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("tracker_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert_eq!(who(&app.client, &app).await["role"], "REPORTER");
    let stored = users::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert!(stored.hashed_password.unwrap().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}

async fn sign_up_normalises_the_email_and_refuses_a_duplicate_with_409(db: TestDb) {
    let app = spawn_app(db).await;
    sign_up(&new_client(), &app, "  Rita@Example.COM ", PASSWORD).await;

    let again = sign_up(&new_client(), &app, "rita@example.com", PASSWORD).await;

    assert_eq!(again.status(), 409);
    assert!(again.text().await.unwrap().contains("already exists"));
    assert_eq!(users::Entity::find().count(app.db()).await.unwrap(), 1);
    assert_eq!(users::Entity::find().one(app.db()).await.unwrap().unwrap().email, "rita@example.com");
}

async fn sign_up_names_each_bad_field_and_writes_nothing(db: TestDb) {
    let app = spawn_app(db).await;
    let too_long = "x".repeat(1025);

    for (email, password, fields) in [
        ("not-an-email", "long enough pw", vec!["email"]),
        ("ok@example.com", "short", vec!["password"]),
        ("ok@example.com", too_long.as_str(), vec!["password"]),
        ("", "", vec!["email", "password"]),
    ] {
        let response = sign_up(&app.client, &app, email, password).await;
        assert_eq!(response.status(), 422, "{email:?}");
        let body: Value = response.json().await.unwrap();
        let named: Vec<&str> = body["Validation"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(named, fields);
    }
    assert_eq!(users::Entity::find().count(app.db()).await.unwrap(), 0);
}

async fn the_configured_admin_email_becomes_an_admin_at_sign_up(db: TestDb) {
    let app = spawn_app_with(db, &[("ADMIN_EMAIL", "Boss@Example.com")]).await;

    sign_up(&app.client, &app, "boss@example.com", PASSWORD).await;

    assert_eq!(who(&app.client, &app).await["role"], "ADMIN");
}

async fn wrong_password_and_unknown_email_get_the_same_401(db: TestDb) {
    let app = spawn_app(db).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;

    let wrong = call(&app.client, &app, LogIn::PATH, &[("email", "rita@example.com"), ("password", "not the password")]).await;
    let unknown = call(&app.client, &app, LogIn::PATH, &[("email", "nobody@example.com"), ("password", "not the password")]).await;

    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());
}

async fn a_token_stops_working_after_logout(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, browser) = app.signed_in("rita@example.com", Role::Reporter).await;
    let token = session_token(&app, "rita@example.com").await;
    let api = new_client();

    let out = call(&browser, &app, LogOut::PATH, &[]).await;
    let api_still_in = api.post(app.url(WhoAmI::PATH)).bearer_auth(&token).send().await.unwrap().json::<Value>().await.unwrap();
    let api_out = api.post(app.url(LogOut::PATH)).bearer_auth(&token).send().await.unwrap();
    let reuse = api.post(app.url(ListIssues::PATH)).bearer_auth(&token).form(&[("filter[sort]", "newest")]).send().await.unwrap();

    assert_eq!(out.status(), 200);
    assert!(out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(who(&browser, &app).await, Value::Null, "the browser's session ended");
    assert_eq!(api_still_in["email"], "rita@example.com", "logging out one session leaves the others");
    assert_eq!(api_out.status(), 200);
    assert_eq!(reuse.status(), 401, "the token is dead after its logout");
}

/// Signs in once more with a bare client and returns the token from its cookie.
async fn session_token(app: &TestApp, email: &str) -> String {
    let response = call(&new_client(), app, LogIn::PATH, &[("email", email), ("password", PASSWORD)]).await;
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned()
}

async fn a_bearer_token_works_like_the_cookie(db: TestDb) {
    let app = spawn_app(db).await;
    insert_user(app.db(), "rita@example.com", Role::Maintainer).await;
    let token = session_token(&app, "rita@example.com").await;

    let response = new_client().post(app.url(WhoAmI::PATH)).bearer_auth(&token).send().await.unwrap();

    let body: Value = response.json().await.unwrap();
    assert_eq!(body["email"], "rita@example.com");
    assert_eq!(body["role"], "MAINTAINER");
}

async fn an_odd_cookie_header_still_carries_the_session(db: TestDb) {
    let app = spawn_app(db).await;
    insert_user(app.db(), "rita@example.com", Role::Maintainer).await;
    let token = session_token(&app, "rita@example.com").await;
    let who_with = |cookie: String| {
        let request = new_client().post(app.url(WhoAmI::PATH)).header("cookie", cookie);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };

    let crowded = who_with(format!("theme=dark;tracker_session={token} ;  lang=\"en gb\"; tracker_session=stale;;x")).await;
    let quoted = who_with(format!("tracker_session=\"{token}\"")).await;
    let stale_first = who_with(format!("tracker_session=stale; tracker_session={token}")).await;

    assert_eq!(crowded["email"], "rita@example.com", "other cookies, spaces and a later duplicate do not hide the session");
    assert_eq!(quoted["email"], "rita@example.com", "quotes around the value are not part of it");
    assert_eq!(stale_first, Value::Null, "of a duplicate name the first counts");
}

async fn forged_and_tampered_tokens_are_refused(db: TestDb) {
    use base64::Engine as _;
    let app = spawn_app(db).await;
    insert_user(app.db(), "rita@example.com", Role::Admin).await;
    let token = session_token(&app, "rita@example.com").await;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = token.split('.').nth(1).unwrap().to_owned();
    let none = format!("{}.{payload}.", b64.encode(r#"{"alg":"none","typ":"JWT"}"#));
    let mut claims: Value = serde_json::from_slice(&b64.decode(&payload).unwrap()).unwrap();
    claims["sub"] = Value::from("999");
    let swapped_payload = format!("{}.{}.{}", token.split('.').next().unwrap(), b64.encode(claims.to_string()), token.split('.').nth(2).unwrap());
    let other_key = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::from_slice::<Value>(&b64.decode(&payload).unwrap()).unwrap(),
        &jsonwebtoken::EncodingKey::from_secret(b"some-other-secret-some-other-secret"),
    )
    .unwrap();

    for forged in [none, swapped_payload, other_key, "garbage".to_owned(), format!("{token}x")] {
        let response = new_client().post(app.url(WhoAmI::PATH)).bearer_auth(&forged).send().await.unwrap();
        assert_eq!(response.json::<Value>().await.unwrap(), Value::Null, "{forged}");
        let list = new_client().post(app.url(ListIssues::PATH)).bearer_auth(&forged).form(&[("filter[sort]", "newest")]).send().await.unwrap();
        assert_eq!(list.status(), 401);
    }
}

async fn a_role_change_applies_to_the_very_next_request(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, admin) = app.signed_in("admin@example.com", Role::Admin).await;
    let (rita, rita_client) = app.signed_in("rita@example.com", Role::Reporter).await;
    assert_eq!(who(&rita_client, &app).await["role"], "REPORTER");

    let promoted = call(&admin, &app, ChangeRole::PATH, &[("user_id", &rita.id.to_string()), ("role", "MAINTAINER")]).await;

    assert_eq!(promoted.status(), 200);
    assert_eq!(who(&rita_client, &app).await["role"], "MAINTAINER");
    let demoted = call(&admin, &app, ChangeRole::PATH, &[("user_id", &rita.id.to_string()), ("role", "REPORTER")]).await;
    assert_eq!(demoted.status(), 200);
    let as_reporter = call(&rita_client, &app, ListUsers::PATH, &[("search", "")]).await;
    assert_eq!(as_reporter.status(), 403);
}

async fn deactivation_ends_every_session_and_blocks_sign_in(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, admin) = app.signed_in("admin@example.com", Role::Admin).await;
    let (rita, rita_client) = app.signed_in("rita@example.com", Role::Reporter).await;

    let response = call(&admin, &app, SetUserActive::PATH, &[("user_id", &rita.id.to_string()), ("active", "false")]).await;

    assert_eq!(response.status(), 200);
    assert_eq!(who(&rita_client, &app).await, Value::Null);
    let again = call(&new_client(), &app, LogIn::PATH, &[("email", "rita@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(again.status(), 401);
    call(&admin, &app, SetUserActive::PATH, &[("user_id", &rita.id.to_string()), ("active", "true")]).await;
    let back = call(&new_client(), &app, LogIn::PATH, &[("email", "rita@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(back.status(), 200);
}

async fn changing_the_password_signs_out_other_sessions(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, laptop) = app.signed_in("rita@example.com", Role::Reporter).await;
    let phone = new_client();
    call(&phone, &app, LogIn::PATH, &[("email", "rita@example.com"), ("password", PASSWORD)]).await;

    let wrong = call(&laptop, &app, ChangePassword::PATH, &[("current_password", "nope nope"), ("new_password", "a brand new one")]).await;
    let changed = call(&laptop, &app, ChangePassword::PATH, &[("current_password", PASSWORD), ("new_password", "a brand new one")]).await;

    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("current_password"));
    assert_eq!(changed.status(), 200);
    assert_eq!(who(&phone, &app).await, Value::Null, "the other session ended");
    assert_eq!(who(&laptop, &app).await["email"], "rita@example.com", "this session goes on");
    let old = call(&new_client(), &app, LogIn::PATH, &[("email", "rita@example.com"), ("password", PASSWORD)]).await;
    let new = call(&new_client(), &app, LogIn::PATH, &[("email", "rita@example.com"), ("password", "a brand new one")]).await;
    assert_eq!((old.status().as_u16(), new.status().as_u16()), (401, 200));
}

async fn users_can_list_and_end_their_other_sessions(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, laptop) = app.signed_in("rita@example.com", Role::Reporter).await;
    let phone = new_client();
    call(&phone, &app, LogIn::PATH, &[("email", "rita@example.com"), ("password", PASSWORD)]).await;

    let before: Value = call(&laptop, &app, ListMySessions::PATH, &[]).await.json().await.unwrap();
    let ended: Value = call(&laptop, &app, SignOutOtherSessions::PATH, &[]).await.json().await.unwrap();
    let after: Value = call(&laptop, &app, ListMySessions::PATH, &[]).await.json().await.unwrap();

    assert_eq!(before.as_array().unwrap().len(), 2);
    assert_eq!(ended, 1);
    assert_eq!(after.as_array().unwrap().len(), 1);
    assert_eq!(after[0]["current"], true);
    assert_eq!(who(&phone, &app).await, Value::Null);
}

async fn repeated_wrong_passwords_are_rate_limited_even_for_the_right_one(db: TestDb) {
    let app = spawn_app(db).await;
    insert_user(app.db(), "rita@example.com", Role::Reporter).await;

    for attempt in 0..10 {
        let response = call(&new_client(), &app, LogIn::PATH, &[("email", "rita@example.com"), ("password", "wrong password")]).await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let right = call(&new_client(), &app, LogIn::PATH, &[("email", "Rita@example.com"), ("password", PASSWORD)]).await;

    assert_eq!(right.status(), 429);
    let retry_after: u64 = right.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
}

async fn a_cross_site_post_is_refused_and_changes_nothing(db: TestDb) {
    let app = spawn_app(db).await;
    let (_, admin) = app.signed_in("admin@example.com", Role::Admin).await;
    let rita = insert_user(app.db(), "rita@example.com", Role::Reporter).await;
    let form = [("user_id", rita.id.to_string()), ("role", "ADMIN".to_owned())];

    let cross_site = admin.post(app.url(ChangeRole::PATH)).header("sec-fetch-site", "cross-site").form(&form).send().await.unwrap();
    let foreign_origin = admin.post(app.url(ChangeRole::PATH)).header("origin", "https://evil.example").form(&form).send().await.unwrap();
    let same_origin = admin.post(app.url(ChangeRole::PATH)).header("sec-fetch-site", "same-origin").form(&form).send().await.unwrap();

    assert_eq!(cross_site.status(), 403);
    assert_eq!(foreign_origin.status(), 403);
    assert_eq!(same_origin.status(), 200, "the same request from the site itself goes through");
    assert_eq!(role_in_db(&app, "rita@example.com").await, Role::Admin);
}

async fn only_admins_manage_users(db: TestDb) {
    let app = spawn_app(db).await;
    let target = insert_user(app.db(), "target@example.com", Role::Reporter).await;
    let id = target.id.to_string();

    for role in [Role::Reporter, Role::Maintainer] {
        let (_, client) = app.signed_in(&format!("{}@example.com", role.as_str().to_lowercase()), role).await;
        let list = call(&client, &app, ListUsers::PATH, &[("search", "")]).await;
        let promote = call(&client, &app, ChangeRole::PATH, &[("user_id", &id), ("role", "ADMIN")]).await;
        let deactivate = call(&client, &app, SetUserActive::PATH, &[("user_id", &id), ("active", "false")]).await;
        assert_eq!((list.status().as_u16(), promote.status().as_u16(), deactivate.status().as_u16()), (403, 403, 403), "{role}");
    }
    let anonymous = call(&new_client(), &app, ChangeRole::PATH, &[("user_id", &id), ("role", "ADMIN")]).await;
    assert_eq!(anonymous.status(), 401);
    let row = users::Entity::find_by_id(target.id).one(app.db()).await.unwrap().unwrap();
    assert_eq!((row.role, row.deactivated_at), (Role::Reporter, None), "the row is unchanged");
    let (_, admin) = app.signed_in("admin@example.com", Role::Admin).await;
    let found: Value = call(&admin, &app, ListUsers::PATH, &[("search", "TARGET")]).await.json().await.unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["email"], "target@example.com");
}

async fn admins_cannot_demote_or_deactivate_themselves(db: TestDb) {
    let app = spawn_app(db).await;
    let (me, admin) = app.signed_in("admin@example.com", Role::Admin).await;

    let demote = call(&admin, &app, ChangeRole::PATH, &[("user_id", &me.id.to_string()), ("role", "REPORTER")]).await;
    let deactivate = call(&admin, &app, SetUserActive::PATH, &[("user_id", &me.id.to_string()), ("active", "false")]).await;
    let missing = call(&admin, &app, ChangeRole::PATH, &[("user_id", "987654"), ("role", "REPORTER")]).await;

    assert_eq!((demote.status().as_u16(), deactivate.status().as_u16(), missing.status().as_u16()), (409, 409, 404));
    assert_eq!(role_in_db(&app, "admin@example.com").await, Role::Admin);
}

async fn the_admin_command_creates_an_admin_who_can_sign_in(db: TestDb) {
    use std::io::Write;
    let url = db.url.clone();
    let app = spawn_app(db).await;
    insert_user(app.db(), "existing@example.com", Role::Reporter).await;
    let data = tempfile::tempdir().unwrap();

    for email in ["First.Admin@example.com", "existing@example.com"] {
        let mut child = crate::common::server_binary()
            .args(["admin", "create", "--email", email, "--password-stdin"])
            .env("DATABASE_URL", &url)
            .env("DATA_DIR", data.path())
            .env("LOG_LEVEL", "off")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"admin password 1\n").unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }

    assert_eq!(role_in_db(&app, "first.admin@example.com").await, Role::Admin);
    assert_eq!(role_in_db(&app, "existing@example.com").await, Role::Admin, "an existing account is promoted");
    let client = new_client();
    let signed_in = call(&client, &app, LogIn::PATH, &[("email", "first.admin@example.com"), ("password", "admin password 1")]).await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(who(&client, &app).await["role"], "ADMIN");
}

/// The session's id is the server's to know: neither the sign-in's answer nor a page (with the
/// signed-in user in its data) nor "who am I" holds it.
async fn no_page_or_answer_holds_the_session_id(db: TestDb) {
    use app::server::entities::sessions;
    let app = spawn_app(db).await;
    insert_user(app.db(), "sid@example.com", Role::Maintainer).await;
    let client = new_client();
    let signed_in = call(&client, &app, LogIn::PATH, &[("email", "sid@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(signed_in.status(), 200);
    let answer = signed_in.text().await.unwrap();
    let session = sessions::Entity::find().one(app.db()).await.unwrap().expect("the sign-in made a session");
    assert!(answer.contains("sid@example.com"), "the answer names the account: {answer}");
    let page = client.get(app.url("/issues")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("sid@example.com"), "the page's data holds the signed-in user");
    let me = who(&client, &app).await;
    assert_eq!(me["email"], "sid@example.com");
    for (what, text) in [("the sign-in's answer", answer), ("the page", page), ("who am I", me.to_string())] {
        assert!(!text.contains(&session.id), "{what} holds the session id");
    }
}
