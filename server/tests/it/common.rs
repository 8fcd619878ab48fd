//! Test support: a fresh database per test on SQLite or PostgreSQL, and the real app on port 0.

use app::{
    domain::{Role, Severity, Status},
    server::{AppState, entities::{issues, users}},
};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, Set};
use std::{
    net::SocketAddr,
    sync::atomic::{AtomicU32, Ordering},
};
use tempfile::TempDir;
use tokio::sync::oneshot;

/// Runs each named test once on SQLite and once on PostgreSQL, as `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test($crate::common::TestDb::sqlite().await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$test($crate::common::TestDb::postgres().await).await
            }
        }
    )+};
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://tracker:tracker@127.0.0.1:5432/postgres".to_owned())
}

/// A database that exists for one test only.
pub struct TestDb {
    pub url: String,
    guard: Guard,
}

enum Guard {
    Sqlite(TempDir),
    Postgres { admin_url: String, name: String },
    /// Another handle on a database some other `TestDb` owns (a second server instance).
    Shared,
}

impl TestDb {
    /// A new SQLite file in its own temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        TestDb { url, guard: Guard::Sqlite(dir) }
    }

    /// A new, uniquely named PostgreSQL database, dropped when the test ends (even if it fails).
    pub async fn postgres() -> TestDb {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin_url = postgres_admin_url();
        let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!("PostgreSQL for tests is not reachable ({e}); start it as the README says, or set TEST_POSTGRES_URL")
        });
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("tracker_test_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
        admin.close().await.ok();
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        TestDb { url, guard: Guard::Postgres { admin_url, name } }
    }

    /// The same database, for a second server instance; the first handle still owns it.
    pub fn shared(&self) -> TestDb {
        TestDb { url: self.url.clone(), guard: Guard::Shared }
    }

    /// Whether this is the PostgreSQL flavour.
    pub fn is_postgres(&self) -> bool {
        matches!(self.guard, Guard::Postgres { .. })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Guard::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(async {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// The real app, served on an ephemeral port for one test.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    _data_dir: TempDir,
    _db: TestDb,
}

impl TestApp {
    /// An absolute URL on this app.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The app's database connection, for arranging data and checking rows.
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Starts the app on `db` the way `server` does: configuration, migrations, router.
pub async fn spawn_app(db: TestDb) -> TestApp {
    spawn_app_with(db, &[]).await
}

/// Like [`spawn_app`], with extra settings (`("ADMIN_EMAIL", "…")`).
pub async fn spawn_app_with(db: TestDb, settings: &[(&str, &str)]) -> TestApp {
    let data_dir = tempfile::tempdir().expect("data directory");
    let data = data_dir.path().to_str().unwrap().to_owned();
    let url = db.url.clone();
    let extra: Vec<(String, String)> = settings.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    // Bound first, so the configuration knows the real address (single sign-on redirects to it).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = server::Config::from_lookup(|key| {
        if let Some((_, value)) = extra.iter().find(|(k, _)| k == key) {
            return Some(value.clone());
        }
        match key {
            "DATA_DIR" => Some(data.clone()),
            "DATABASE_URL" => Some(url.clone()),
            "BIND_ADDR" => Some(addr.to_string()),
            "LOG_LEVEL" => Some("warn".to_owned()),
            _ => None,
        }
    })
    .expect("test configuration");
    let state = server::prepare(&config).await.expect("app starts");
    // The mail sender runs as under `server serve` (and not at all with email off).
    server::jobs::spawn_mail(&state);
    let (shutdown, signal) = oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, server::router(state.clone()), async move {
        let _ = signal.await;
    }));
    let client = new_client();
    TestApp { addr, client, state, shutdown: Some(shutdown), _data_dir: data_dir, _db: db }
}

/// The server binary with an empty environment: each test sets the variables it means. Under
/// `cargo xtask coverage` it keeps `LLVM_PROFILE_FILE`, so what the binary runs is counted too.
pub fn server_binary() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command.env_clear();
    if let Some(profile) = std::env::var_os("LLVM_PROFILE_FILE") {
        command.env("LLVM_PROFILE_FILE", profile);
    }
    command
}

/// A client with its own cookie jar that does not follow redirects.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A request that hangs fails its test instead of stalling the whole run.
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The password every test user gets; hashed once per test binary.
pub const PASSWORD: &str = "correct horse battery";

async fn password_hash() -> String {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async {
        app::auth::service::hash_password(app::auth::service::Password::parse("password", PASSWORD).unwrap()).await.unwrap()
    })
    .await
    .clone()
}

/// A form-encoded POST to a server function.
pub async fn call(client: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(app.url(path)).form(form).send().await.expect("request")
}

impl TestApp {
    /// Creates a user with `role` and [`PASSWORD`], and a client signed in as them.
    pub async fn signed_in(&self, email: &str, role: Role) -> (users::Model, reqwest::Client) {
        let user = insert_user(self.db(), email, role).await;
        let client = new_client();
        let response = call(&client, self, <app::auth::api::LogIn as leptos::server_fn::ServerFn>::PATH, &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(response.status(), 200, "sign-in of {email}: {}", response.text().await.unwrap_or_default());
        (user, client)
    }
}

/// Inserts a user with `email`, `role` and [`PASSWORD`]; their handle and name come from the
/// address (`mo@example.com` is "Mo", `@mo`).
pub async fn insert_user(db: &DatabaseConnection, email: &str, role: Role) -> users::Model {
    let (handle, display_name) = app::people::service::identity_for(db, email).await.expect("a free handle");
    users::ActiveModel {
        email: Set(email.to_owned()),
        handle: Set(handle),
        display_name: Set(display_name),
        hashed_password: Set(Some(password_hash().await)),
        google_id: Set(None),
        role: Set(role),
        created_at: Set(Utc::now()),
        deactivated_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert user")
}

/// Inserts an issue by `reporter`, created at `at`.
pub async fn insert_issue(
    db: &DatabaseConnection,
    reporter: &users::Model,
    title: &str,
    severity: Severity,
    status: Status,
    at: DateTime<Utc>,
) -> issues::Model {
    issues::ActiveModel {
        title: Set(title.to_owned()),
        description: Set(String::new()),
        severity: Set(severity),
        status: Set(status),
        reporter_id: Set(reporter.id),
        created_at: Set(at),
        updated_at: Set(at),
        // Set explicitly: SeaORM does not always read database defaults back after an insert.
        version: Set(1),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("insert issue")
}

/// A local S3-compatible server (`moto_server` from PyPI) for the duration of a test.
pub struct Moto {
    child: std::process::Child,
    pub endpoint: String,
}

impl Moto {
    /// Starts `moto_server` (or `$MOTO_SERVER`) on a free port and waits until it answers.
    pub async fn start() -> Moto {
        let program = std::env::var("MOTO_SERVER").unwrap_or_else(|_| "moto_server".to_owned());
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{program} could not start ({e}); install it with `pip install 'moto[server]'` or set MOTO_SERVER"));
        let moto = Moto { child, endpoint: format!("http://127.0.0.1:{port}") };
        for _ in 0..200 {
            if reqwest::get(&moto.endpoint).await.is_ok() {
                return moto;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("moto_server did not answer on {}", moto.endpoint);
    }

    /// Creates a bucket and returns the settings that point the app at it.
    pub async fn bucket(&self, name: &str) -> Vec<(&'static str, String)> {
        let created = reqwest::Client::new().put(format!("{}/{name}", self.endpoint)).send().await.expect("create bucket");
        assert!(created.status().is_success(), "create bucket: {}", created.status());
        vec![
            ("S3_BUCKET", name.to_owned()),
            ("S3_ENDPOINT", self.endpoint.clone()),
            ("S3_REGION", "us-east-1".to_owned()),
            ("S3_ACCESS_KEY_ID", "test".to_owned()),
            ("S3_SECRET_ACCESS_KEY", "test".to_owned()),
        ]
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
