//! The real binary refuses bad settings with one clear line and a non-zero exit.
use std::process::Output;

fn run_server(vars: &[(&str, &str)]) -> Output {
    let data = tempfile::tempdir().unwrap();
    let mut command = crate::common::server_binary();
    command.arg("migrate").env("DATA_DIR", data.path()).env("LOG_LEVEL", "off");
    for (key, value) in vars {
        command.env(key, value);
    }
    command.output().expect("server binary runs")
}

fn only_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    assert_eq!(stderr.lines().count(), 1, "one line, got: {stderr}");
    stderr
}

#[test]
fn an_unreachable_postgres_names_the_setting_and_the_host_but_not_the_password() {
    let output = run_server(&[("DATABASE_URL", "postgres://tracker:hunter2secret@127.0.0.1:1/tracker")]);

    assert!(!output.status.success());
    let line = only_line(&output);
    assert!(line.starts_with("error: DATABASE_URL: cannot open PostgreSQL at 127.0.0.1:1 ("), "{line}");
    assert!(!line.contains("hunter2secret"), "{line}");
}

#[test]
fn an_unsupported_database_url_is_refused() {
    let output = run_server(&[("DATABASE_URL", "mysql://localhost/tracker")]);

    assert!(!output.status.success());
    assert_eq!(only_line(&output), "error: DATABASE_URL: must start with sqlite:// or postgres://");
}

#[test]
fn an_unwritable_data_directory_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, b"").unwrap();
    let data_dir = file.join("data");

    let output = run_server(&[("DATA_DIR", data_dir.to_str().unwrap())]);

    assert!(!output.status.success());
    let line = only_line(&output);
    assert!(line.starts_with(&format!("error: DATA_DIR: {} is not a writable directory", data_dir.display())), "{line}");
}

#[test]
fn production_without_a_secret_key_refuses_to_start() {
    let output = run_server(&[("APP_ENV", "production")]);

    assert!(!output.status.success());
    assert!(only_line(&output).starts_with("error: SECRET_KEY: is required in production"));
}

#[test]
fn the_default_database_is_a_sqlite_file_created_in_the_data_directory() {
    let data = tempfile::tempdir().unwrap();
    let output = crate::common::server_binary()
        .arg("migrate")
        .env("DATA_DIR", data.path())
        .env("LOG_LEVEL", "off")
        .output()
        .unwrap();

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(data.path().join("tracker.db").is_file());
    assert!(data.path().join("secret.key").is_file(), "a development key is generated and kept");
}

#[test]
fn no_secret_reaches_the_startup_logs_or_the_help() {
    let secrets = [
        ("SECRET_KEY", "signing-key-signing-key-signing-key-2"),
        ("METRICS_TOKEN", "metrics-token-2"),
        ("OIDC_CLIENT_SECRET", "oidc-client-secret-2"),
        ("S3_ACCESS_KEY_ID", "s3-access-key-id-2"),
        ("S3_SECRET_ACCESS_KEY", "s3-secret-access-key-2"),
    ];
    let mut vars = vec![("LOG_LEVEL", "trace"), ("OIDC_CLIENT_ID", "client"), ("S3_BUCKET", "attachments")];
    vars.extend(secrets);

    let migrate = run_server(&vars);
    let help = crate::common::server_binary().arg("--help").envs(vars.iter().copied()).output().unwrap();

    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    let logs = format!("{}{}", String::from_utf8_lossy(&migrate.stdout), String::from_utf8_lossy(&migrate.stderr));
    assert!(logs.contains("database ready"), "the start-up was logged: {logs}");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("METRICS_TOKEN"), "{help}");
    for (_, secret) in secrets {
        assert!(!logs.contains(secret), "{secret} in the logs: {logs}");
        assert!(!help.contains(secret), "{secret} in the help: {help}");
    }
}

#[test]
fn an_smtp_password_that_would_go_unencrypted_is_refused() {
    let output = run_server(&[("SMTP_URL", "smtp://tracker:hunter2secret@mail.example.com:25"), ("MAIL_FROM", "tracker@example.com")]);

    assert!(!output.status.success());
    let line = only_line(&output);
    assert!(line.starts_with("error: SMTP_URL: would send the user and password unencrypted"), "{line}");
    assert!(!line.contains("hunter2secret"), "{line}");
}

/// Serves with `vars` until a log line contains `wanted` (or 30 s pass), then stops; returns
/// everything logged.
fn serve_until_logged(vars: &[(&str, &str)], wanted: &str) -> String {
    let data = tempfile::tempdir().unwrap();
    let log_path = data.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut command = crate::common::server_binary();
    command.arg("serve").env("DATA_DIR", data.path()).env("BIND_ADDR", "127.0.0.1:0").env("LOG_LEVEL", "info").env("LOG_FORMAT", "json");
    command.envs(vars.iter().copied()).stdout(log.try_clone().unwrap()).stderr(log);
    let mut child = command.spawn().expect("server binary runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut logged = String::new();
    while std::time::Instant::now() < deadline && !logged.contains(wanted) {
        std::thread::sleep(std::time::Duration::from_millis(50));
        logged = std::fs::read_to_string(&log_path).unwrap_or_default();
    }
    let _ = child.kill();
    let _ = child.wait();
    logged
}

#[test]
fn without_smtp_url_the_server_says_once_that_email_is_off() {
    let logged = serve_until_logged(&[], "listening on");

    assert_eq!(logged.matches("email off").count(), 1, "{logged}");
}

#[test]
fn with_smtp_url_the_server_says_where_mail_goes_and_not_the_password() {
    let logged = serve_until_logged(&[("SMTP_URL", "smtps://tracker:hunter2secret@mail.example.com"), ("MAIL_FROM", "tracker@example.com")], "listening on");

    assert!(logged.contains("email on: sending through mail.example.com:465 (TLS, signing in)"), "{logged}");
    assert!(!logged.contains("hunter2secret"), "{logged}");
}
