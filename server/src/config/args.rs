//! The command line and environment, read by clap: each setting is a flag or its variable.
use super::{ConfigError, invalid};
use clap::{CommandFactory, FromArgMatches, Parser};
use secrecy::SecretString;

/// Every setting as given: a flag, else its environment variable. A blank value counts as unset,
/// and defaults are applied when the settings are checked (see [`Config::from_args`]).
#[derive(Debug, Clone, Default, Parser)]
#[command(name = "server")]
pub struct ConfigArgs {
    /// `development` generates what it can; `production` requires it [default: development]
    #[arg(long, env = "APP_ENV", global = true)]
    pub app_env: Option<String>,
    /// Where the database file, the generated key and attachments live [default: data]
    #[arg(long, env = "DATA_DIR", global = true)]
    pub data_dir: Option<String>,
    /// `sqlite://…` or `postgres://…` [default: a SQLite file in the data directory]
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<SecretString>,
    /// Signs session tokens; at least 32 characters [default in development: generated and kept]
    #[arg(long, env = "SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<SecretString>,
    /// The address to listen on [default: 127.0.0.1:3000]
    #[arg(long, env = "BIND_ADDR", global = true)]
    pub bind_addr: Option<String>,
    /// The listen address cargo-leptos sets, used when BIND_ADDR is not.
    #[arg(long, env = "LEPTOS_SITE_ADDR", global = true, hide = true)]
    pub leptos_site_addr: Option<String>,
    /// A log filter such as `info` or `server=debug` [default: info]
    #[arg(long, env = "LOG_LEVEL", global = true)]
    pub log_level: Option<String>,
    /// The usual filter variable, used when LOG_LEVEL is not.
    #[arg(long, env = "RUST_LOG", global = true, hide = true)]
    pub rust_log: Option<String>,
    /// `json` or `pretty` [default: json in production, else pretty]
    #[arg(long, env = "LOG_FORMAT", global = true)]
    pub log_format: Option<String>,
    /// Where the built site is served from [default: target/site]
    #[arg(long, env = "LEPTOS_SITE_ROOT", global = true)]
    pub leptos_site_root: Option<String>,
    /// The address users reach the site at; `https://` turns on secure cookies and HSTS
    #[arg(long, env = "PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// An account signing up with this address becomes an admin
    #[arg(long, env = "ADMIN_EMAIL", global = true)]
    pub admin_email: Option<String>,
    /// Read the client address from X-Forwarded-For (only behind a proxy that writes it) [default: false]
    #[arg(long, env = "TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: Option<String>,
    /// Single sign-on: the client id at the OpenID Connect provider
    #[arg(long, env = "OIDC_CLIENT_ID", global = true)]
    pub oidc_client_id: Option<String>,
    /// Single sign-on: the client secret
    #[arg(long, env = "OIDC_CLIENT_SECRET", global = true, hide_env_values = true)]
    pub oidc_client_secret: Option<SecretString>,
    /// Single sign-on: the provider [default: https://accounts.google.com]
    #[arg(long, env = "OIDC_ISSUER_URL", global = true)]
    pub oidc_issuer_url: Option<String>,
    /// The largest attachment, in bytes [default: 10485760]
    #[arg(long, env = "ATTACHMENT_MAX_BYTES", global = true)]
    pub attachment_max_bytes: Option<String>,
    /// How often the daily statistics are computed, 1 to 1440 [default: 30]
    #[arg(long, env = "STATS_INTERVAL_MINUTES", global = true)]
    pub stats_interval_minutes: Option<String>,
    /// Serve /metrics on this address only, instead of beside the app
    #[arg(long, env = "METRICS_ADDR", global = true)]
    pub metrics_addr: Option<String>,
    /// A bearer token /metrics requires; without it /metrics is open
    #[arg(long, env = "METRICS_TOKEN", global = true, hide_env_values = true)]
    pub metrics_token: Option<SecretString>,
    /// Requests per minute per API caller, 0 for no limit [default: 600]
    #[arg(long, env = "API_RATE_PER_MINUTE", global = true)]
    pub api_rate_per_minute: Option<String>,
    /// Requests an API caller may make at once on top of the rate [default: 100]
    #[arg(long, env = "API_RATE_BURST", global = true)]
    pub api_rate_burst: Option<String>,
    /// The longest an upload may take from start to answer; slower ones get 408 [default: 300]
    #[arg(long, env = "UPLOAD_TIMEOUT_SECS", global = true)]
    pub upload_timeout_secs: Option<String>,
    /// How many uploads one account, and one address, may have running at once [default: 3]
    #[arg(long, env = "UPLOADS_AT_ONCE", global = true)]
    pub uploads_at_once: Option<String>,
    /// The most bytes a request's headers may hold in total; more gets 431 [default: 16384]
    #[arg(long, env = "MAX_HEADER_BYTES", global = true)]
    pub max_header_bytes: Option<String>,
    /// How long a request may take to be answered before it gets 408 [default: 30]
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", global = true)]
    pub request_timeout_secs: Option<String>,
    /// Comma-separated origins whose pages may call the API (CORS) [default: none]
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", global = true)]
    pub cors_allowed_origins: Option<String>,
    /// An S3-compatible bucket for attachments [default: the data directory]
    #[arg(long, env = "S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,
    /// The bucket's service, for services other than AWS (`http://minio:9000`)
    #[arg(long, env = "S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,
    /// The bucket's region [default: us-east-1]
    #[arg(long, env = "S3_REGION", global = true)]
    pub s3_region: Option<String>,
    /// The bucket's access key id
    #[arg(long, env = "S3_ACCESS_KEY_ID", global = true, hide_env_values = true)]
    pub s3_access_key_id: Option<SecretString>,
    /// The bucket's secret access key
    #[arg(long, env = "S3_SECRET_ACCESS_KEY", global = true, hide_env_values = true)]
    pub s3_secret_access_key: Option<SecretString>,
    /// Email: `smtps://user:password@host:465`, `smtp://user:password@host:587?tls=required`
    /// (STARTTLS) or `smtp://host:25` (a relay, no password) [default: email off]
    #[arg(long, env = "SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<SecretString>,
    /// The sender of email, `Tracker <tracker@example.com>`; required with SMTP_URL
    #[arg(long, env = "MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// The hour of the day, in UTC, when daily digests are sent (0 to 23) [default: 7]
    #[arg(long, env = "DIGEST_HOUR", global = true)]
    pub digest_hour: Option<String>,
    /// How often the mail sender looks for due mail, in milliseconds [default: 5000]
    #[arg(long, env = "MAIL_POLL_MS", global = true, hide = true)]
    pub mail_poll_ms: Option<String>,
    /// The wait before the first retry of a mail, in milliseconds; it doubles each time [default: 30000]
    #[arg(long, env = "MAIL_RETRY_MS", global = true, hide = true)]
    pub mail_retry_ms: Option<String>,
    /// How long a sender's claim on a batch of mail lasts, in seconds [default: 600]
    #[arg(long, env = "MAIL_LOCK_SECS", global = true, hide = true)]
    pub mail_lock_secs: Option<String>,
}

impl ConfigArgs {
    /// The settings `lookup` gives by environment variable name, as if they were the environment;
    /// the process's own environment is not read.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ConfigArgs, ConfigError> {
        let command = ConfigArgs::command().mut_args(|arg| arg.env(None));
        let mut argv = vec!["server".to_owned()];
        for arg in ConfigArgs::command().get_arguments() {
            let (Some(env), Some(long)) = (arg.get_env().and_then(|e| e.to_str()), arg.get_long()) else { continue };
            if let Some(value) = lookup(env) {
                argv.push(format!("--{long}={value}"));
            }
        }
        let matches = command.try_get_matches_from(argv).map_err(|e| invalid("settings", e.to_string()))?;
        ConfigArgs::from_arg_matches(&matches).map_err(|e| invalid("settings", e.to_string()))
    }
}
