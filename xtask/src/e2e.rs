//! End-to-end tests: the debug server on a fresh SQLite file with demo data, driven by Playwright
//! in the system's Chromium.
use crate::{Profile, Project, run_checked, tools};
use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn server_command(project: &Project, data_dir: &Path, addr: &str) -> Command {
    let mut command = Command::new(project.server_binary(Profile::Debug));
    command
        // Away from the project root, so a developer's .env cannot leak into the test server.
        .current_dir(data_dir)
        .env("DATA_DIR", data_dir)
        .env("DATABASE_URL", format!("sqlite://{}?mode=rwc", data_dir.join("e2e.db").display()))
        .env("BIND_ADDR", addr)
        .env("LEPTOS_SITE_ROOT", project.site(Profile::Debug))
        .env("LOG_LEVEL", "warn")
        // The API fuzzing below sends far more than a person would; the limit has its own tests.
        .env("API_RATE_PER_MINUTE", "0")
        .env_remove("APP_ENV");
    command
}

/// The admin the end-to-end tests sign in as; it exists only in the throwaway test database.
const ADMIN_EMAIL: &str = "admin@e2e.test";
const ADMIN_PASSWORD: &str = "e2e admin password";

fn create_admin(project: &Project, data_dir: &Path, addr: &str) -> Result<(), String> {
    let mut child = server_command(project, data_dir, addr)
        .args(["admin", "create", "--email", ADMIN_EMAIL, "--password-stdin"])
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("server admin create: {e}"))?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())
        .map_err(|e| format!("server admin create: {e}"))?;
    let status = child.wait().map_err(|e| format!("server admin create: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("server admin create failed ({status})")) }
}

/// A session token for the test admin, from `POST /api/v1/tokens`.
fn admin_token(addr: &str) -> Result<String, String> {
    let body = serde_json::json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }).to_string();
    let request = format!("POST /api/v1/tokens HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("sign-in for the API run: {e}"))?;
    let mut response = String::new();
    stream.write_all(request.as_bytes()).and_then(|()| stream.read_to_string(&mut response)).map_err(|e| format!("sign-in for the API run: {e}"))?;
    let json = response.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(json).map_err(|_| format!("sign-in for the API run failed: {}", response.lines().next().unwrap_or_default()))?;
    value["token"].as_str().map(str::to_owned).ok_or_else(|| format!("no token in {value}"))
}

/// A bounded schemathesis run against `/api-docs/openapi.json`, signed in as the admin: it fails
/// on any 5xx and on any answer that does not match the document. The seed is fixed, so a failure
/// reproduces.
fn fuzz_api(project: &Project, addr: &str) -> Result<(), String> {
    let token = admin_token(addr)?;
    run_checked(
        Command::new(tools::schemathesis(project))
            .args(["run", &format!("http://{addr}/api-docs/openapi.json")])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .args(["--checks", "not_a_server_error,response_schema_conformance"])
            .args(["--max-examples", "20", "--seed", "20261126", "--workers", "1"])
            // Signing out would end the run's own session halfway.
            .args(["--exclude-path", "/api/v1/tokens/current"])
            .current_dir(project.target.join("venv")),
        "schemathesis",
    )
}

fn healthy(addr: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut response = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut response).is_ok()
        && response.starts_with("HTTP/1.1 200")
}

/// Stops a server: SIGTERM, so the graceful path runs, then SIGKILL after 10 seconds.
pub fn stop(mut child: Child) {
    // SIGTERM first, so the graceful shutdown path runs; then make sure it is gone.
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Seeds, serves, runs Playwright, and stops the server whatever the outcome.
pub fn run(project: &Project, filters: &[String]) -> Result<(), String> {
    let data_dir = std::env::temp_dir().join(format!("tracker-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
    let addr = format!("127.0.0.1:{}", free_port()?);
    run_checked(server_command(project, &data_dir, &addr).arg("seed-demo"), "server seed-demo")?;
    create_admin(project, &data_dir, &addr)?;
    // Each test serves a copy of this, made before anything else writes to the database.
    let template = data_dir.join("template.db");
    for suffix in ["", "-wal"] {
        let source = data_dir.join(format!("e2e.db{suffix}"));
        if source.exists() {
            std::fs::copy(&source, data_dir.join(format!("template.db{suffix}"))).map_err(|e| format!("copying the demo database: {e}"))?;
        }
    }
    let child = server_command(project, &data_dir, &addr).spawn().map_err(|e| format!("cannot start the server: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !healthy(&addr) {
        if Instant::now() > deadline {
            stop(child);
            return Err(format!("the server did not become healthy on {addr} within 30 s"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let result = run_checked(
        Command::new("npx")
            .args(["playwright", "test"])
            .args(filters)
            .current_dir(project.root.join("end2end"))
            .env("BASE_URL", format!("http://{addr}"))
            .env("TEMPLATE_DB", &template)
            .env("E2E_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("E2E_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("CHROMIUM_PATH", tools::chromium())
            // Every test runs a server of its own.
            .env("SERVER_BIN", project.server_binary(Profile::Debug))
            .env("SITE_ROOT", project.site(Profile::Debug))
            .env("PATH", tools::path_with_tools(project)),
        "playwright",
    );
    // The whole suite also fuzzes the API against its own document.
    let result = result.and_then(|()| if filters.is_empty() { fuzz_api(project, &addr) } else { Ok(()) });
    stop(child);
    let _ = std::fs::remove_dir_all(&data_dir);
    result
}
