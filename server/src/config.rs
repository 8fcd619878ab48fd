//! Configuration from flags and the environment (and an optional `.env`), checked once at
//! start-up. clap reads every setting ([`ConfigArgs`]); [`Config::from_args`] turns them into
//! typed settings. A bad value stops the server with one line that names the setting and the
//! reason. Secrets stay wrapped ([`SecretString`]), so no `Debug` output or log line shows them.
use app::server::mail::MailTiming;
use secrecy::{ExposeSecret, SecretString};
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

mod args;
mod mail;
pub use args::ConfigArgs;
pub use mail::MailConfig;
use mail::{mail_config, mail_timing};

/// Development generates what it can; production requires it to be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The server's settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    /// May carry a password, so it is a secret; [`crate::startup::describe_database`] names it.
    pub database_url: SecretString,
    pub secret_key: SecretString,
    pub bind_addr: SocketAddr,
    pub data_dir: PathBuf,
    pub log_level: String,
    pub log_format: LogFormat,
    /// Where the built site (WASM, JS, CSS, assets) is served from.
    pub site_root: PathBuf,
    /// The address users reach the site at; `https://` turns on secure cookies and HSTS.
    pub public_url: Option<String>,
    /// An account signing up with this address becomes an admin.
    pub admin_email: Option<String>,
    /// Read the client address from `X-Forwarded-For` (set only behind a proxy that writes it).
    pub trust_forwarded_for: bool,
    /// Single sign-on: client id, client secret and issuer URL, when configured.
    pub oidc: Option<OidcConfig>,
    /// The largest attachment, in bytes.
    pub attachment_max_bytes: u64,
    /// A bearer token `/metrics` requires; without it `/metrics` is open (bind it privately).
    pub metrics_token: Option<SecretString>,
    /// How often the daily statistics are computed.
    pub stats_interval: Duration,
    /// How long a request may take to be answered before it gets 408.
    pub request_timeout: Duration,
    /// Serve `/metrics` on this address only (a private port), instead of beside the app.
    pub metrics_addr: Option<SocketAddr>,
    /// Requests per minute per API caller (0: no limit), and the burst on top.
    pub api_rate_per_minute: u32,
    pub api_rate_burst: u32,
    /// The longest an upload may take, start to answer (408 beyond).
    pub upload_timeout: Duration,
    /// How many uploads one account, and one address, may have running at once (429 beyond).
    pub uploads_at_once: u32,
    /// The most bytes a request's headers may hold in total (431 beyond).
    pub max_header_bytes: u32,
    /// Origins allowed to call the API from their pages (CORS); empty keeps CORS off.
    pub cors_allowed_origins: Vec<String>,
    /// An S3-compatible bucket for attachments; `None` keeps them under the data directory.
    pub s3: Option<S3Config>,
    /// Email through SMTP, when configured.
    pub mail: Option<MailConfig>,
    /// How the outbox is worked (defaults, shortened by tests).
    pub mail_timing: MailTiming,
}


/// An S3-compatible bucket (AWS, MinIO, Garage, ...).
#[derive(Debug, Clone)]
pub struct S3Config {
    pub bucket: String,
    /// For services other than AWS, e.g. `http://minio:9000`.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: SecretString,
    pub secret_access_key: SecretString,
}

/// An OpenID Connect provider (Google unless another issuer is given).
#[derive(Debug, Clone)]
pub struct OidcConfig {
    pub client_id: String,
    pub client_secret: SecretString,
    pub issuer_url: String,
}

/// The default interval of the daily statistics job, in minutes.
pub const DEFAULT_STATS_INTERVAL_MINUTES: u64 = 30;

/// The default API rate: requests per minute per caller, and the burst on top.
pub const DEFAULT_API_RATE_PER_MINUTE: u32 = 600;
pub const DEFAULT_API_RATE_BURST: u32 = 100;

/// The default deadline for one upload: a 10 MiB file at 35 KB/s.
pub const DEFAULT_UPLOAD_TIMEOUT_SECS: u32 = 300;

/// The default number of uploads one account or address may run at once.
pub const DEFAULT_UPLOADS_AT_ONCE: u32 = 3;

/// The default cap on a request's headers, in bytes: far more than a browser sends.
pub const DEFAULT_MAX_HEADER_BYTES: u32 = 16 * 1024;

/// The default attachment limit: 10 MiB.
pub const DEFAULT_ATTACHMENT_MAX_BYTES: u64 = 10 * 1024 * 1024;

impl Config {
    /// The address users reach the site at: PUBLIC_URL, else the listen address.
    pub fn base_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.bind_addr))
    }

    /// Whether users reach the site over HTTPS.
    pub fn secure(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }
}

/// A setting that is missing or wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub reason: String,
}

fn invalid(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError { setting, reason: reason.into() }
}

/// The shortest secret key accepted, in characters.
const MIN_SECRET_LEN: usize = 32;
const SECRET_FILE: &str = "secret.key";

/// A value that was given and is not blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

/// A secret that was given and is not blank.
fn given_secret(value: &Option<SecretString>) -> Option<&SecretString> {
    value.as_ref().filter(|v| !v.expose_secret().trim().is_empty())
}

/// `raw` as a number accepted by `fits`, or `None`.
fn number<T: std::str::FromStr>(raw: &str, fits: impl Fn(&T) -> bool) -> Option<T> {
    raw.trim().parse().ok().filter(fits)
}

impl Config {
    /// Reads settings through `get` (by environment variable name) instead of the environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        Config::from_args(ConfigArgs::from_lookup(get)?)
    }

    /// Checks the settings as given, creating the data directory (and, in development, the
    /// secret key) as needed.
    pub fn from_args(args: ConfigArgs) -> Result<Config, ConfigError> {
        let mode = match given(&args.app_env).map(str::to_ascii_lowercase).as_deref() {
            None | Some("development" | "dev") => Mode::Development,
            Some("production" | "prod") => Mode::Production,
            Some(other) => return Err(invalid("APP_ENV", format!("'{other}' is neither 'development' nor 'production'"))),
        };
        let data_dir = PathBuf::from(given(&args.data_dir).unwrap_or("data"));
        ensure_writable(&data_dir)?;
        let database_url = match given_secret(&args.database_url) {
            Some(url) => check_database_url(url.clone())?,
            None => format!("sqlite://{}?mode=rwc", data_dir.join("tracker.db").display()).into(),
        };
        let secret_key = match (given_secret(&args.secret_key), mode) {
            (Some(key), _) if key.expose_secret().chars().count() < MIN_SECRET_LEN => {
                return Err(invalid("SECRET_KEY", format!("must be at least {MIN_SECRET_LEN} characters")));
            }
            (Some(key), _) => key.clone(),
            (None, Mode::Production) => {
                return Err(invalid("SECRET_KEY", format!("is required in production (at least {MIN_SECRET_LEN} random characters)")));
            }
            (None, Mode::Development) => development_secret(&data_dir)?,
        };
        let bind_addr = match given(&args.bind_addr).or(given(&args.leptos_site_addr)) {
            Some(addr) => addr
                .parse()
                .map_err(|_| invalid("BIND_ADDR", format!("'{addr}' is not an address like 127.0.0.1:3000")))?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let log_level = given(&args.log_level).or(given(&args.rust_log)).unwrap_or("info").to_owned();
        tracing_subscriber::EnvFilter::try_new(&log_level)
            .map_err(|e| invalid("LOG_LEVEL", format!("'{log_level}' is not a log filter ({e})")))?;
        let log_format = match given(&args.log_format) {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            None if mode == Mode::Production => LogFormat::Json,
            None => LogFormat::Pretty,
            Some(other) => return Err(invalid("LOG_FORMAT", format!("'{other}' is neither 'json' nor 'pretty'"))),
        };
        let site_root = PathBuf::from(given(&args.leptos_site_root).unwrap_or("target/site"));
        let public_url = match given(&args.public_url) {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => Some(url.trim_end_matches('/').to_owned()),
            Some(url) => return Err(invalid("PUBLIC_URL", format!("'{url}' must start with https:// or http://"))),
            None => None,
        };
        let admin_email = given(&args.admin_email).map(|e| e.trim().to_lowercase());
        let trust_forwarded_for = match given(&args.trust_forwarded_for) {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes") => true,
            Some(other) => return Err(invalid("TRUST_FORWARDED_FOR", format!("'{other}' is neither true nor false"))),
        };
        let oidc = match (given(&args.oidc_client_id), given_secret(&args.oidc_client_secret)) {
            (None, None) => None,
            (Some(client_id), Some(client_secret)) => Some(OidcConfig {
                client_id: client_id.to_owned(),
                client_secret: client_secret.clone(),
                issuer_url: given(&args.oidc_issuer_url).unwrap_or("https://accounts.google.com").to_owned(),
            }),
            (Some(_), None) => return Err(invalid("OIDC_CLIENT_SECRET", "is required when OIDC_CLIENT_ID is set")),
            (None, Some(_)) => return Err(invalid("OIDC_CLIENT_ID", "is required when OIDC_CLIENT_SECRET is set")),
        };
        let attachment_max_bytes = match given(&args.attachment_max_bytes) {
            None => DEFAULT_ATTACHMENT_MAX_BYTES,
            Some(raw) => number(raw, |n| *n > 0).ok_or_else(|| invalid("ATTACHMENT_MAX_BYTES", format!("'{raw}' is not a positive number of bytes")))?,
        };
        let stats_minutes = match given(&args.stats_interval_minutes) {
            None => DEFAULT_STATS_INTERVAL_MINUTES,
            Some(raw) => number(raw, |n| (1..=1440).contains(n))
                .ok_or_else(|| invalid("STATS_INTERVAL_MINUTES", format!("'{raw}' is not a number of minutes from 1 to 1440")))?,
        };
        let whole = |setting: &'static str, value: &Option<String>, default: u32, min: u32| match given(value) {
            None => Ok(default),
            Some(raw) => number(raw, |n| *n >= min).ok_or_else(|| invalid(setting, format!("'{raw}' is not a whole number of at least {min}"))),
        };
        let metrics_addr = match given(&args.metrics_addr) {
            None => None,
            Some(raw) => Some(raw.trim().parse::<SocketAddr>().map_err(|_| invalid("METRICS_ADDR", format!("'{raw}' is not an address like 127.0.0.1:9100")))?),
        };
        let api_rate_per_minute = whole("API_RATE_PER_MINUTE", &args.api_rate_per_minute, DEFAULT_API_RATE_PER_MINUTE, 0)?;
        let request_timeout = Duration::from_secs(u64::from(whole("REQUEST_TIMEOUT_SECS", &args.request_timeout_secs, 30, 1)?));
        let api_rate_burst = whole("API_RATE_BURST", &args.api_rate_burst, DEFAULT_API_RATE_BURST, 1)?;
        let upload_timeout = Duration::from_secs(u64::from(whole("UPLOAD_TIMEOUT_SECS", &args.upload_timeout_secs, DEFAULT_UPLOAD_TIMEOUT_SECS, 1)?));
        let uploads_at_once = whole("UPLOADS_AT_ONCE", &args.uploads_at_once, DEFAULT_UPLOADS_AT_ONCE, 1)?;
        let max_header_bytes = whole("MAX_HEADER_BYTES", &args.max_header_bytes, DEFAULT_MAX_HEADER_BYTES, 1024)?;
        let cors_allowed_origins = given(&args.cors_allowed_origins).map_or(Ok(Vec::new()), cors_origins)?;
        let s3 = match given(&args.s3_bucket) {
            None => None,
            Some(bucket) => Some(S3Config {
                bucket: bucket.to_owned(),
                endpoint: given(&args.s3_endpoint).map(str::to_owned),
                region: given(&args.s3_region).unwrap_or("us-east-1").to_owned(),
                access_key_id: given_secret(&args.s3_access_key_id).cloned().ok_or_else(|| invalid("S3_ACCESS_KEY_ID", "is required when S3_BUCKET is set"))?,
                secret_access_key: given_secret(&args.s3_secret_access_key)
                    .cloned()
                    .ok_or_else(|| invalid("S3_SECRET_ACCESS_KEY", "is required when S3_BUCKET is set"))?,
            }),
        };
        let metrics_token = given_secret(&args.metrics_token).cloned();
        let mail = mail_config(&args)?;
        let mail_timing = mail_timing(&args)?;
        Ok(Config {
            mail,
            mail_timing,
            request_timeout,
            metrics_token,
            metrics_addr,
            api_rate_per_minute,
            api_rate_burst,
            max_header_bytes,
            upload_timeout,
            uploads_at_once,
            cors_allowed_origins,
            stats_interval: Duration::from_secs(stats_minutes * 60),
            attachment_max_bytes,
            s3,
            oidc,
            mode,
            database_url,
            secret_key,
            bind_addr,
            data_dir,
            log_level,
            log_format,
            site_root,
            public_url,
            admin_email,
            trust_forwarded_for,
        })
    }
}

/// Comma-separated origins, each a scheme and host (and port) without a path.
fn cors_origins(raw: &str) -> Result<Vec<String>, ConfigError> {
    raw.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let valid = (origin.starts_with("https://") || origin.starts_with("http://")) && origin.matches('/').count() == 2 && !origin.ends_with('/');
            if valid { Ok(origin.to_ascii_lowercase()) } else { Err(invalid("CORS_ALLOWED_ORIGINS", format!("'{origin}' is not an origin like https://app.example.com"))) }
        })
        .collect()
}

fn check_database_url(url: SecretString) -> Result<SecretString, ConfigError> {
    let scheme = url.expose_secret().split_once("://").map(|(scheme, _)| scheme).unwrap_or("");
    match scheme {
        "sqlite" | "postgres" | "postgresql" => Ok(url),
        _ => Err(invalid("DATABASE_URL", "must start with sqlite:// or postgres://")),
    }
}

/// Creates the data directory and proves it is writable, naming the path when it is not.
fn ensure_writable(dir: &Path) -> Result<(), ConfigError> {
    let fail = |e: std::io::Error| invalid("DATA_DIR", format!("{} is not a writable directory ({e})", dir.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)
}

/// The development key: made once from the OS's random source and kept in the data directory,
/// so sessions survive a restart.
fn development_secret(data_dir: &Path) -> Result<SecretString, ConfigError> {
    let path = data_dir.join(SECRET_FILE);
    let fail = |e: std::io::Error| invalid("SECRET_KEY", format!("cannot keep a generated key in {} ({e})", path.display()));
    match std::fs::read_to_string(&path).map(SecretString::from) {
        Ok(key) if key.expose_secret().trim().len() >= MIN_SECRET_LEN => return Ok(key.expose_secret().trim().into()),
        Ok(_) => return Err(invalid("SECRET_KEY", format!("{} holds a key that is too short", path.display()))),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(e)),
        Err(_) => {}
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| invalid("SECRET_KEY", format!("no random source to generate one ({e})")))?;
    let key = SecretString::from(hex::encode(bytes));
    write_private(&path, key.expose_secret().as_bytes()).map_err(fail)?;
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents)
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests;
