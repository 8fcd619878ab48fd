//! Opening the database, migrating it, and serving until a shutdown signal.
use crate::config::{Config, Mode};
use app::server::{AppState, OidcSettings, Settings, mail::MailSettings};
use leptos::config::{Env, LeptosOptions, get_configuration};
use migration::{Migrator, MigratorTrait};
use sea_orm::DbErr;
use secrecy::ExposeSecret;
use std::{future::Future, net::SocketAddr, sync::Arc};
use tokio::net::TcpListener;

/// Why the server could not start, in one line that names the setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("DATABASE_URL: cannot open {target} ({source})")]
    Database { target: String, source: DbErr },
    #[error("DATABASE_URL: migrating {target} failed ({source})")]
    Migration { target: String, source: DbErr },
    #[error("BIND_ADDR: cannot listen on {addr} ({source})")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("site: {0}")]
    Site(String),
    #[error("attachment storage: {0}")]
    Storage(String),
}

/// Where a database URL points, without its credentials, for messages and logs.
pub fn describe_database(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    match scheme {
        "sqlite" => format!("SQLite file {}", rest.split('?').next().unwrap_or(rest)),
        _ => {
            let host_and_db = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
            let host = host_and_db.split(['/', '?']).next().unwrap_or(host_and_db);
            format!("PostgreSQL at {host}")
        }
    }
}

/// Connects to the database, brings its schema up to date and builds the shared state.
pub async fn prepare(config: &Config) -> Result<AppState, StartupError> {
    let database_url = config.database_url.expose_secret();
    let target = describe_database(database_url);
    let db = app::server::db::connect(database_url)
        .await
        .map_err(|source| StartupError::Database { target: target.clone(), source })?;
    Migrator::up(&db, None)
        .await
        .map_err(|source| StartupError::Migration { target: target.clone(), source })?;
    tracing::info!(database = %target, "database ready");
    // Installed before the first request, so every series is recorded from the start.
    crate::metrics::handle();
    let storage = storage(config)?;
    let events = app::server::events::Events::for_database(&db, database_url)
        .await
        .map_err(|source| StartupError::Database { target: target.clone(), source: sea_orm::DbErr::Custom(format!("listening for events: {source}")) })?;
    let settings = Arc::new(settings(config));
    let writer = app::server::db::connect_writer(database_url)
        .await
        .map_err(|source| StartupError::Database { target: target.clone(), source })?;
    let events = events.with_mail(settings.mail.clone()).with_writer(writer);
    let feed = app::server::feed::Feed::start(db.clone(), &events);
    Ok(AppState { leptos_options: leptos_options(config)?, db, settings, storage, events, feed, stats_job: Default::default(), view_counts: Default::default(), lists: Default::default() })
}

/// The settings services need, from the server's configuration; secrets stay wrapped.
pub fn settings(config: &Config) -> Settings {
    Settings {
        secret_key: config.secret_key.expose_secret().as_bytes().to_vec().into(),
        secure: config.secure(),
        admin_email: config.admin_email.clone(),
        trust_forwarded_for: config.trust_forwarded_for,
        development: config.mode == Mode::Development,
        oidc: config.oidc.as_ref().map(|oidc| OidcSettings {
            client_id: oidc.client_id.clone(),
            client_secret: oidc.client_secret.clone(),
            issuer_url: oidc.issuer_url.clone(),
            redirect_url: format!("{}/auth/oidc/callback", config.base_url()),
            metadata: Default::default(),
        }),
        attachment_max_bytes: config.attachment_max_bytes,
        public_url: config.public_url.clone(),
        metrics_token: config.metrics_token.clone(),
        metrics_separate: config.metrics_addr.is_some(),
        request_timeout: config.request_timeout,
        api_rate_per_minute: config.api_rate_per_minute,
        api_rate_burst: config.api_rate_burst,
        max_header_bytes: usize::try_from(config.max_header_bytes).unwrap_or(usize::MAX),
        upload_timeout: config.upload_timeout,
        uploads_at_once: usize::try_from(config.uploads_at_once).unwrap_or(usize::MAX),
        cors_allowed_origins: config.cors_allowed_origins.clone(),
        mail: Arc::new(MailSettings::new(
            config.mail.as_ref().map(|mail| mail.smtp.clone()),
            config.mail.as_ref().map(|mail| mail.from.clone()),
            config.base_url(),
            config.mail_timing,
        )),
    }
}

/// The attachment store: an S3-compatible bucket when configured, else `<DATA_DIR>/attachments`.
fn storage(config: &Config) -> Result<Arc<dyn object_store::ObjectStore>, StartupError> {
    let fail = |e: &dyn std::fmt::Display| StartupError::Storage(e.to_string());
    Ok(match &config.s3 {
        Some(s3) => {
            let mut builder = object_store::aws::AmazonS3Builder::new()
                .with_bucket_name(&s3.bucket)
                .with_region(&s3.region)
                .with_access_key_id(s3.access_key_id.expose_secret())
                .with_secret_access_key(s3.secret_access_key.expose_secret());
            if let Some(endpoint) = &s3.endpoint {
                // Self-hosted services answer on path-style URLs, often over plain HTTP inside a network.
                builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://")).with_virtual_hosted_style_request(false);
            }
            Arc::new(builder.build().map_err(|e| fail(&e))?)
        }
        None => {
            let dir = config.data_dir.join("attachments");
            std::fs::create_dir_all(&dir).map_err(|e| fail(&e))?;
            Arc::new(object_store::local::LocalFileSystem::new_with_prefix(&dir).map_err(|e| fail(&e))?)
        }
    })
}

fn leptos_options(config: &Config) -> Result<LeptosOptions, StartupError> {
    let mut options = get_configuration(None).map_err(|e| StartupError::Site(e.to_string()))?.leptos_options;
    options.output_name = "tracker".into();
    options.site_root = config.site_root.to_string_lossy().as_ref().into();
    options.site_addr = config.bind_addr;
    options.env = match config.mode {
        Mode::Production => Env::PROD,
        Mode::Development => Env::DEV,
    };
    Ok(options)
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Without NODELAY, responses written in several pieces wait on delayed ACKs.
    let listener = listener.tap_io(|stream| {
        let _ = stream.set_nodelay(true);
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds the configured address.
pub async fn bind(config: &Config) -> Result<TcpListener, StartupError> {
    TcpListener::bind(config.bind_addr)
        .await
        .map_err(|source| StartupError::Bind { addr: config.bind_addr, source })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::describe_database;

    #[test]
    fn database_descriptions_never_carry_credentials() {
        assert_eq!(describe_database("postgres://user:s3cret@db.internal:5432/tracker?sslmode=require"), "PostgreSQL at db.internal:5432");
        assert_eq!(describe_database("sqlite://data/tracker.db?mode=rwc"), "SQLite file data/tracker.db");
    }
}
