//! Configuration from the environment (and an optional `.env`), checked once at start-up.
//! A bad value stops the server with one line that names the setting and the reason.
use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
};

/// Development generates what it can; production requires it to be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
}

/// A secret from the environment (the key that signs session tokens, the metrics token).
/// Its `Debug` never shows it, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// The key's bytes, for signing.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
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
    pub database_url: String,
    pub secret_key: SecretKey,
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
    pub metrics_token: Option<SecretKey>,
    /// How often the daily statistics are computed.
    pub stats_interval: std::time::Duration,
    /// How long a request may take to be answered before it gets 408.
    pub request_timeout: std::time::Duration,
    /// Serve `/metrics` on this address only (a private port), instead of beside the app.
    pub metrics_addr: Option<SocketAddr>,
    /// Requests per minute per API caller (0: no limit), and the burst on top.
    pub api_rate_per_minute: u32,
    pub api_rate_burst: u32,
    /// Origins allowed to call the API from their pages (CORS); empty keeps CORS off.
    pub cors_allowed_origins: Vec<String>,
    /// An S3-compatible bucket for attachments; `None` keeps them under the data directory.
    pub s3: Option<S3Config>,
}

/// An S3-compatible bucket (AWS, MinIO, Garage, ...).
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    /// For services other than AWS, e.g. `http://minio:9000`.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config").field("bucket", &self.bucket).field("endpoint", &self.endpoint).field("region", &self.region).finish_non_exhaustive()
    }
}

/// The default interval of the daily statistics job, in minutes.
pub const DEFAULT_STATS_INTERVAL_MINUTES: u64 = 30;

/// The default API rate: requests per minute per caller, and the burst on top.
pub const DEFAULT_API_RATE_PER_MINUTE: u32 = 600;
pub const DEFAULT_API_RATE_BURST: u32 = 100;

/// The default attachment limit: 10 MiB.
pub const DEFAULT_ATTACHMENT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// An OpenID Connect provider (Google unless another issuer is given).
#[derive(Clone)]
pub struct OidcConfig {
    pub client_id: String,
    pub client_secret: String,
    pub issuer_url: String,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig").field("client_id", &self.client_id).field("issuer_url", &self.issuer_url).finish_non_exhaustive()
    }
}

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

impl Config {
    /// Reads the process environment, after loading `.env` if there is one.
    pub fn from_env() -> Result<Config, ConfigError> {
        let _ = dotenvy::dotenv();
        Config::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `get`, creating the data directory (and, in development,
    /// the secret key) as needed.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mode = match get("APP_ENV").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("development" | "dev") => Mode::Development,
            Some("production" | "prod") => Mode::Production,
            Some(other) => return Err(invalid("APP_ENV", format!("'{other}' is neither 'development' nor 'production'"))),
        };
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".to_owned()));
        ensure_writable(&data_dir)?;
        let database_url = match get("DATABASE_URL") {
            Some(url) => check_database_url(url)?,
            None => format!("sqlite://{}?mode=rwc", data_dir.join("tracker.db").display()),
        };
        let secret_key = match (get("SECRET_KEY"), mode) {
            (Some(key), _) if key.chars().count() < MIN_SECRET_LEN => {
                return Err(invalid("SECRET_KEY", format!("must be at least {MIN_SECRET_LEN} characters")));
            }
            (Some(key), _) => SecretKey(key),
            (None, Mode::Production) => {
                return Err(invalid("SECRET_KEY", format!("is required in production (at least {MIN_SECRET_LEN} random characters)")));
            }
            (None, Mode::Development) => development_secret(&data_dir)?,
        };
        let bind_addr = match get("BIND_ADDR").or_else(|| get("LEPTOS_SITE_ADDR")) {
            Some(addr) => addr
                .parse()
                .map_err(|_| invalid("BIND_ADDR", format!("'{addr}' is not an address like 127.0.0.1:3000")))?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let log_level = get("LOG_LEVEL").or_else(|| get("RUST_LOG")).unwrap_or_else(|| "info".to_owned());
        tracing_subscriber::EnvFilter::try_new(&log_level)
            .map_err(|e| invalid("LOG_LEVEL", format!("'{log_level}' is not a log filter ({e})")))?;
        let log_format = match get("LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            None if mode == Mode::Production => LogFormat::Json,
            None => LogFormat::Pretty,
            Some(other) => return Err(invalid("LOG_FORMAT", format!("'{other}' is neither 'json' nor 'pretty'"))),
        };
        let site_root = PathBuf::from(get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()));
        let public_url = match get("PUBLIC_URL") {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => Some(url.trim_end_matches('/').to_owned()),
            Some(url) => return Err(invalid("PUBLIC_URL", format!("'{url}' must start with https:// or http://"))),
            None => None,
        };
        let admin_email = get("ADMIN_EMAIL").map(|e| e.trim().to_lowercase());
        let trust_forwarded_for = match get("TRUST_FORWARDED_FOR").as_deref() {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes") => true,
            Some(other) => return Err(invalid("TRUST_FORWARDED_FOR", format!("'{other}' is neither true nor false"))),
        };
        let oidc = match (get("OIDC_CLIENT_ID"), get("OIDC_CLIENT_SECRET")) {
            (None, None) => None,
            (Some(client_id), Some(client_secret)) => Some(OidcConfig {
                client_id,
                client_secret,
                issuer_url: get("OIDC_ISSUER_URL").unwrap_or_else(|| "https://accounts.google.com".to_owned()),
            }),
            (Some(_), None) => return Err(invalid("OIDC_CLIENT_SECRET", "is required when OIDC_CLIENT_ID is set")),
            (None, Some(_)) => return Err(invalid("OIDC_CLIENT_ID", "is required when OIDC_CLIENT_SECRET is set")),
        };
        let attachment_max_bytes = match get("ATTACHMENT_MAX_BYTES") {
            None => DEFAULT_ATTACHMENT_MAX_BYTES,
            Some(raw) => raw.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| invalid("ATTACHMENT_MAX_BYTES", format!("'{raw}' is not a positive number of bytes")))?,
        };
        let stats_minutes = match get("STATS_INTERVAL_MINUTES") {
            None => DEFAULT_STATS_INTERVAL_MINUTES,
            Some(raw) => raw.trim().parse().ok().filter(|n| (1..=1440).contains(n)).ok_or_else(|| invalid("STATS_INTERVAL_MINUTES", format!("'{raw}' is not a number of minutes from 1 to 1440")))?,
        };
        let number = |key: &'static str, default: u32, min: u32| match get(key) {
            None => Ok(default),
            Some(raw) => raw.trim().parse::<u32>().ok().filter(|n| *n >= min).ok_or_else(|| invalid(key, format!("'{raw}' is not a whole number of at least {min}"))),
        };
        let metrics_addr = match get("METRICS_ADDR") {
            None => None,
            Some(raw) => Some(raw.trim().parse::<SocketAddr>().map_err(|_| invalid("METRICS_ADDR", format!("'{raw}' is not an address like 127.0.0.1:9100")))?),
        };
        let api_rate_per_minute = number("API_RATE_PER_MINUTE", DEFAULT_API_RATE_PER_MINUTE, 0)?;
        let request_timeout = std::time::Duration::from_secs(u64::from(number("REQUEST_TIMEOUT_SECS", 30, 1)?));
        let api_rate_burst = number("API_RATE_BURST", DEFAULT_API_RATE_BURST, 1)?;
        let cors_allowed_origins = match get("CORS_ALLOWED_ORIGINS") {
            None => Vec::new(),
            Some(raw) => raw
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(|origin| {
                    let valid = (origin.starts_with("https://") || origin.starts_with("http://")) && origin.matches('/').count() == 2 && !origin.ends_with('/');
                    if valid { Ok(origin.to_ascii_lowercase()) } else { Err(invalid("CORS_ALLOWED_ORIGINS", format!("'{origin}' is not an origin like https://app.example.com"))) }
                })
                .collect::<Result<_, _>>()?,
        };
        let s3 = match get("S3_BUCKET") {
            None => None,
            Some(bucket) => Some(S3Config {
                bucket,
                endpoint: get("S3_ENDPOINT"),
                region: get("S3_REGION").unwrap_or_else(|| "us-east-1".to_owned()),
                access_key_id: get("S3_ACCESS_KEY_ID").ok_or_else(|| invalid("S3_ACCESS_KEY_ID", "is required when S3_BUCKET is set"))?,
                secret_access_key: get("S3_SECRET_ACCESS_KEY").ok_or_else(|| invalid("S3_SECRET_ACCESS_KEY", "is required when S3_BUCKET is set"))?,
            }),
        };
        let metrics_token = get("METRICS_TOKEN").filter(|t| !t.is_empty()).map(SecretKey);
        Ok(Config {
            request_timeout,
            metrics_token,
            metrics_addr,
            api_rate_per_minute,
            api_rate_burst,
            cors_allowed_origins,
            stats_interval: std::time::Duration::from_secs(stats_minutes * 60),
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

fn check_database_url(url: String) -> Result<String, ConfigError> {
    let scheme = url.split_once("://").map(|(scheme, _)| scheme).unwrap_or("");
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
fn development_secret(data_dir: &Path) -> Result<SecretKey, ConfigError> {
    let path = data_dir.join(SECRET_FILE);
    let fail = |e: std::io::Error| invalid("SECRET_KEY", format!("cannot keep a generated key in {} ({e})", path.display()));
    match std::fs::read_to_string(&path) {
        Ok(key) if key.trim().len() >= MIN_SECRET_LEN => return Ok(SecretKey(key.trim().to_owned())),
        Ok(_) => return Err(invalid("SECRET_KEY", format!("{} holds a key that is too short", path.display()))),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(e)),
        Err(_) => {}
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| invalid("SECRET_KEY", format!("no random source to generate one ({e})")))?;
    let key = hex::encode(bytes);
    write_private(&path, key.as_bytes()).map_err(fail)?;
    Ok(SecretKey(key))
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
mod tests {
    use super::*;
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
        assert_eq!(first.database_url, format!("sqlite://{}?mode=rwc", data.join("tracker.db").display()));
        assert_eq!(first.bind_addr, "127.0.0.1:3000".parse().unwrap());
        let second = config(&[("DATA_DIR", data.to_str().unwrap())]).unwrap();
        assert_eq!(first.secret_key, second.secret_key, "the generated key is kept");
        assert!(first.secret_key.expose().len() >= MIN_SECRET_LEN);
    }

    #[test]
    fn the_secret_key_never_appears_in_debug_output() {
        let dir = tempfile::tempdir().unwrap();
        let key = "k".repeat(40);
        let cfg = config(&[("DATA_DIR", dir.path().to_str().unwrap()), ("SECRET_KEY", &key)]).unwrap();
        assert!(!format!("{cfg:?}").contains(&key));
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
        ] {
            let err = config(&[("DATA_DIR", data), (key, value)]).unwrap_err();
            assert_eq!(err.setting, key, "{err}");
        }
        let half = config(&[("DATA_DIR", data), ("OIDC_CLIENT_ID", "client")]).unwrap_err();
        assert_eq!(half.to_string(), "OIDC_CLIENT_SECRET: is required when OIDC_CLIENT_ID is set");
    }
}
