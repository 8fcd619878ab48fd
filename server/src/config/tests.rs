use super::*;
use clap::Parser;
use std::collections::HashMap;

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Config::from_lookup(|key| vars.get(key).cloned())
}

#[test]
fn defaults_use_sqlite_in_the_data_directory_and_keep_a_generated_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = config(&[("DATA_DIR", data.to_str().unwrap())]).unwrap();
    assert_eq!(first.mode, Mode::Development);
    assert_eq!(first.database_url.expose_secret(), format!("sqlite://{}?mode=rwc", data.join("tracker.db").display()));
    assert_eq!(first.bind_addr, "127.0.0.1:3000".parse().unwrap());
    let second = config(&[("DATA_DIR", data.to_str().unwrap())]).unwrap();
    assert_eq!(first.secret_key.expose_secret(), second.secret_key.expose_secret(), "the generated key is kept");
    assert!(first.secret_key.expose_secret().len() >= MIN_SECRET_LEN);
}

#[test]
fn production_requires_a_secret_key() {
    let dir = tempfile::tempdir().unwrap();
    let err = config(&[("DATA_DIR", dir.path().to_str().unwrap()), ("APP_ENV", "production")]).unwrap_err();
    assert_eq!(err.setting, "SECRET_KEY");
    assert!(err.to_string().starts_with("SECRET_KEY: is required in production"));
}

#[test]
fn a_short_secret_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = config(&[("DATA_DIR", dir.path().to_str().unwrap()), ("SECRET_KEY", "short")]).unwrap_err();
    assert_eq!(err.to_string(), "SECRET_KEY: must be at least 32 characters");
}

#[test]
fn an_unwritable_data_directory_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let bad = file.join("data");
    let err = config(&[("DATA_DIR", bad.to_str().unwrap())]).unwrap_err();
    assert_eq!(err.setting, "DATA_DIR");
    assert!(err.reason.contains(bad.to_str().unwrap()), "{err}");
}

#[test]
fn bad_values_name_their_setting() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for (key, value) in [
        ("DATABASE_URL", "mysql://localhost/db"),
        ("BIND_ADDR", "localhost"),
        ("LOG_LEVEL", "info,=[bad"),
        ("LOG_FORMAT", "xml"),
        ("APP_ENV", "staging"),
        ("PUBLIC_URL", "tracker.example.com"),
        ("TRUST_FORWARDED_FOR", "maybe"),
        ("ATTACHMENT_MAX_BYTES", "0"),
        ("STATS_INTERVAL_MINUTES", "1441"),
        ("API_RATE_BURST", "0"),
        ("METRICS_ADDR", "nowhere"),
        ("CORS_ALLOWED_ORIGINS", "https://app.example.com/path"),
        ("SMTP_URL", "mail.example.com:465"),
        ("MAIL_POLL_MS", "0"),
        ("DIGEST_HOUR", "24"),
    ] {
        let err = config(&[("DATA_DIR", data), (key, value)]).unwrap_err();
        assert_eq!(err.setting, key, "{err}");
    }
    let half = config(&[("DATA_DIR", data), ("OIDC_CLIENT_ID", "client")]).unwrap_err();
    assert_eq!(half.to_string(), "OIDC_CLIENT_SECRET: is required when OIDC_CLIENT_ID is set");
}

#[test]
fn blank_values_count_as_unset() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&[("DATA_DIR", dir.path().to_str().unwrap()), ("BIND_ADDR", " "), ("SECRET_KEY", ""), ("API_RATE_BURST", "")]).unwrap();
    assert_eq!(cfg.bind_addr, "127.0.0.1:3000".parse().unwrap());
    assert_eq!(cfg.api_rate_burst, DEFAULT_API_RATE_BURST);
}

#[test]
fn the_digest_hour_is_read_and_defaults_to_seven() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    assert_eq!(config(&[("DATA_DIR", data)]).unwrap().mail_timing.digest_hour, 7);
    assert_eq!(config(&[("DATA_DIR", data), ("DIGEST_HOUR", "18")]).unwrap().mail_timing.digest_hour, 18);
}

#[test]
fn flags_are_read_like_their_environment_variables() {
    let dir = tempfile::tempdir().unwrap();
    let args = ConfigArgs::try_parse_from(["server", "--data-dir", dir.path().to_str().unwrap(), "--bind-addr=127.0.0.1:4100", "--api-rate-burst", "7"]).unwrap();
    let cfg = Config::from_args(args).unwrap();
    assert_eq!(cfg.bind_addr, "127.0.0.1:4100".parse().unwrap());
    assert_eq!(cfg.api_rate_burst, 7);
    assert_eq!(cfg.data_dir, dir.path());
}

#[test]
fn the_fallback_variables_are_read_when_the_main_ones_are_unset() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(&[("DATA_DIR", dir.path().to_str().unwrap()), ("LEPTOS_SITE_ADDR", "127.0.0.1:4200"), ("RUST_LOG", "debug")]).unwrap();
    assert_eq!(cfg.bind_addr, "127.0.0.1:4200".parse().unwrap());
    assert_eq!(cfg.log_level, "debug");
}

#[test]
fn no_secret_reaches_the_debug_output_of_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = ["signing-key-signing-key-signing-key-1", "db-password-7", "oidc-client-secret-7", "metrics-token-7", "s3-secret-access-key-7", "s3-access-key-id-7", "smtp-password-7"];
    let smtp_url = format!("smtps://tracker:{}@mail.example.com", secrets[6]);
    let database_url = format!("postgres://tracker:{}@db.internal:5432/tracker", secrets[1]);
    let cfg = config(&[
        ("DATA_DIR", dir.path().to_str().unwrap()),
        ("SECRET_KEY", secrets[0]),
        ("DATABASE_URL", &database_url),
        ("OIDC_CLIENT_ID", "client"),
        ("OIDC_CLIENT_SECRET", secrets[2]),
        ("METRICS_TOKEN", secrets[3]),
        ("S3_BUCKET", "attachments"),
        ("S3_SECRET_ACCESS_KEY", secrets[4]),
        ("S3_ACCESS_KEY_ID", secrets[5]),
        ("SMTP_URL", &smtp_url),
        ("MAIL_FROM", "Tracker <tracker@example.com>"),
    ])
    .unwrap();
    let settings = crate::startup::settings(&cfg);

    let shown = [format!("{cfg:?}"), format!("{cfg:#?}"), format!("{settings:?}"), crate::startup::describe_database(cfg.database_url.expose_secret())];

    for text in &shown {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} shown in {text}");
        }
    }
    assert!(shown[0].contains("bind_addr: 127.0.0.1:3000"), "the other settings are still shown: {}", shown[0]);
    assert_eq!(settings.secret_key.expose_secret(), secrets[0].as_bytes(), "the secrets are kept, only hidden");
}

#[test]
fn an_smtp_password_without_tls_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let err = config(&[("DATA_DIR", data), ("SMTP_URL", "smtp://tracker:hunter2@mail.example.com:25"), ("MAIL_FROM", "tracker@example.com")]).unwrap_err();

    assert_eq!(err.setting, "SMTP_URL");
    assert_eq!(err.to_string().lines().count(), 1);
    assert!(err.to_string().starts_with("SMTP_URL: would send the user and password unencrypted"), "{err}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[test]
fn mail_needs_a_url_and_a_sender_together() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let no_sender = config(&[("DATA_DIR", data), ("SMTP_URL", "smtp://localhost:25")]).unwrap_err();
    assert_eq!(no_sender.setting, "MAIL_FROM");
    let bad_sender = config(&[("DATA_DIR", data), ("SMTP_URL", "smtp://localhost:25"), ("MAIL_FROM", "not an address")]).unwrap_err();
    assert_eq!(bad_sender.setting, "MAIL_FROM");
    let no_url = config(&[("DATA_DIR", data), ("MAIL_FROM", "tracker@example.com")]).unwrap_err();
    assert_eq!(no_url.setting, "SMTP_URL");
}

#[test]
fn the_three_smtp_forms_are_accepted_and_mail_is_off_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for url in ["smtps://me:pw@mail.example.com", "smtp://me:pw@mail.example.com:587?tls=required", "smtp://127.0.0.1:2525"] {
        let cfg = config(&[("DATA_DIR", data), ("SMTP_URL", url), ("MAIL_FROM", "Tracker <tracker@example.com>")]).unwrap();
        assert!(cfg.mail.is_some(), "{url}");
    }
    assert!(config(&[("DATA_DIR", data)]).unwrap().mail.is_none());
}
