use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use secrecy::{SecretSlice, SecretString};
use std::sync::Arc;

/// Everything a request handler or server function needs, passed rather than global.
/// Server functions read it with `expect_context::<AppState>()`.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// Where attachments live: the data directory or an S3-compatible bucket.
    pub storage: Arc<dyn object_store::ObjectStore>,
    /// Change notices for open sockets, across instances on PostgreSQL.
    pub events: super::events::Events,
    /// The notices this process's sockets send, issue rows read once for all of them.
    pub feed: super::feed::Feed,
    /// One statistics run at a time, whether asked for or scheduled.
    pub stats_job: super::job_lock::JobLock,
    /// Saved views' recent counts.
    pub view_counts: crate::views::service::CountCache,
    /// Lists read a moment ago, shared by those who see the same rows.
    pub lists: crate::issues::list::SharedLists,
}

/// The settings that services need, taken from the server's configuration at start-up.
/// Secrets are wrapped, so its `Debug` output shows none of them.
#[derive(Debug)]
pub struct Settings {
    /// Signs session tokens.
    pub secret_key: SecretSlice<u8>,
    /// Served over HTTPS: cookies get `Secure` and the `__Host-` prefix, and HSTS is sent.
    pub secure: bool,
    /// An account signing up with this address becomes an admin.
    pub admin_email: Option<String>,
    /// Read the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Whether development helpers (the live-reload socket) are allowed by the CSP.
    pub development: bool,
    /// Single sign-on through OpenID Connect, when configured.
    pub oidc: Option<OidcSettings>,
    /// The largest attachment, in bytes.
    pub attachment_max_bytes: u64,
    /// The address users reach the site at, when configured (`https://tracker.example`).
    pub public_url: Option<String>,
    /// When set, `/metrics` answers only to this bearer token.
    pub metrics_token: Option<SecretString>,
    /// How long a request (other than an upload's body) may take to be answered: 408 after.
    pub request_timeout: std::time::Duration,
    /// `/metrics` is served on a listener of its own, not beside the app.
    pub metrics_separate: bool,
    /// Requests per minute each caller of `/api/v1` may make, and the burst allowed on top;
    /// zero per minute turns the limit off.
    pub api_rate_per_minute: u32,
    pub api_rate_burst: u32,
    /// The most bytes a request's headers may hold in total; more is refused with 431.
    pub max_header_bytes: usize,
    /// The longest one upload may take, start to answer; slower ones get 408.
    pub upload_timeout: std::time::Duration,
    /// How many uploads one account, and one address, may run at once; more get 429.
    pub uploads_at_once: usize,
    /// Other sites' origins whose pages may call `/api/v1` (CORS); none by default.
    pub cors_allowed_origins: Vec<String>,
    /// Email: where it goes and from whom, or off.
    pub mail: Arc<super::mail::MailSettings>,
}

/// The OpenID Connect client: who we are to the provider and where it sends users back.
#[derive(Debug)]
pub struct OidcSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    pub issuer_url: String,
    /// `<public URL>/auth/oidc/callback`, registered with the provider.
    pub redirect_url: String,
    /// The provider's discovery document, fetched on first use.
    pub metadata: tokio::sync::OnceCell<openidconnect::core::CoreProviderMetadata>,
}

impl Settings {
    /// The name of the session cookie; `__Host-` pins it to this exact origin over HTTPS.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure { "__Host-tracker_session" } else { "tracker_session" }
    }
}
