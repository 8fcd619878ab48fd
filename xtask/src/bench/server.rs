//! The release server under test: started as production runs it, signed in to, watched
//! (resident memory) and stopped.
use super::{Workspace, data};
use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// Signs session tokens in the benchmark only.
const SECRET_KEY: &str = "bench-secret-key-0123456789abcdef0123456789";

/// The server under test, configured for `database_url` and `addr`, with production settings.
pub fn command(workspace: &Workspace, database_url: &str, addr: &str) -> Command {
    let project = &workspace.project;
    let mut command = Command::new(project.server_binary(workspace.profile));
    command
        // Away from the project root, so a developer's .env cannot change the measured server.
        .current_dir(&workspace.dir)
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", addr)
        .env("DATA_DIR", &workspace.dir)
        .env("LEPTOS_SITE_ROOT", project.site(workspace.profile))
        .env("LEPTOS_OUTPUT_NAME", "tracker")
        .env("APP_ENV", "production")
        .env("SECRET_KEY", SECRET_KEY)
        .env("LOG_LEVEL", "warn")
        .env("STATS_INTERVAL_MINUTES", "1440")
        .env_remove("PUBLIC_URL")
        .env_remove("SMTP_URL")
        .env_remove("MAIL_FROM")
        .env_remove("METRICS_TOKEN")
        .env_remove("RUST_LOG");
    command
}

/// A free port on the loopback interface.
pub fn free_addr() -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.to_string()).map_err(|e| e.to_string())
}

/// The status code of `GET path`, or `None` when nothing answers.
pub fn get_status(addr: &str, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes()).ok()?;
    let mut head = [0_u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// A running server; stopped when dropped.
pub struct Server {
    child: Option<Child>,
    pub addr: String,
}

impl Server {
    /// Starts the server on `database_url` and waits until `/health` answers 200. Its log
    /// (warnings and errors) goes to `<target>/bench-logs/<name>.log`, kept after the run.
    pub fn start(workspace: &Workspace, database_url: &str, name: &str) -> Result<Server, String> {
        Server::start_with(workspace, database_url, name, &[])
    }

    /// Like [`Server::start`], with extra settings (`("SMTP_URL", "…")`).
    pub fn start_with(workspace: &Workspace, database_url: &str, name: &str, settings: &[(&str, String)]) -> Result<Server, String> {
        let addr = free_addr()?;
        let logs = workspace.project.target.join("bench-logs");
        std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
        let path = logs.join(format!("{name}.log"));
        let log = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let err = log.try_clone().map_err(|e| format!("{}: {e}", path.display()))?;
        let child = command(workspace, database_url, &addr).envs(settings.iter().map(|(k, v)| (*k, v.as_str()))).stdout(log).stderr(err).spawn().map_err(|e| format!("cannot start the server: {e}"))?;
        let mut server = Server { child: Some(child), addr };
        let deadline = Instant::now() + Duration::from_secs(60);
        while get_status(&server.addr, "/health") != Some(200) {
            if let Some(status) = server.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                return Err(format!("the server exited during start-up ({status})"));
            }
            if Instant::now() > deadline {
                return Err(format!("the server did not become healthy on {} within 60 s", server.addr));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A field of /proc/<pid>/status in MiB: `VmRSS` now, or `VmHWM`, the peak so far.
    pub fn memory_mib(&self, field: &str) -> Result<f64, String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).map_err(|e| format!("/proc status: {e}"))?;
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .ok_or_else(|| format!("no {field} in /proc/{}/status", self.pid()))?;
        Ok(kib / 1024.0)
    }

    /// Waits, up to `limit`, until the start-up statistics run has been counted in `/metrics`;
    /// says whether it was.
    pub async fn statistics_computed(&self, limit: Duration) -> bool {
        let deadline = std::time::Instant::now() + limit;
        let client = reqwest::Client::new();
        while std::time::Instant::now() < deadline {
            if let Ok(response) = client.get(self.url("/metrics")).send().await
                && response.text().await.is_ok_and(|text| text.lines().any(|line| line.starts_with("stats_job_runs_total")))
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// Signs in as the seeded maintainer through the login server function and returns the
    /// session token, which API clients send as `Authorization: Bearer`.
    pub async fn log_in(&self, manifest: &data::Manifest) -> Result<String, String> {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())?;
        let response = client
            .post(self.url(&manifest.paths.log_in))
            .form(&[("email", manifest.maintainer.as_str()), ("password", data::PASSWORD)])
            .send()
            .await
            .map_err(|e| format!("sign-in: {e}"))?;
        let status = response.status();
        let token = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|cookie| cookie.split(';').next()?.split_once('=').filter(|(_, v)| !v.is_empty()).map(|(_, v)| v.to_owned()));
        token.ok_or_else(|| format!("sign-in as {} gave no session ({status})", manifest.maintainer))
    }

    /// Kills the server with SIGKILL, as a crash or the out-of-memory killer would: no
    /// graceful path runs.
    pub fn kill(mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the server: SIGTERM, so the graceful path runs, then SIGKILL after 10 seconds.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(child) = self.child.take() {
            crate::e2e::stop(child);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// S6: from exec to the first 200 from `/health`, on an already migrated database, in
/// milliseconds; the median of `runs` starts.
pub fn cold_start(workspace: &Workspace, database_url: &str, runs: usize) -> Result<Vec<f64>, String> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let addr = free_addr()?;
        let started = Instant::now();
        let child = command(workspace, database_url, &addr).stdout(Stdio::null()).spawn().map_err(|e| format!("cannot start the server: {e}"))?;
        let mut server = Server { child: Some(child), addr };
        loop {
            if get_status(&server.addr, "/health") == Some(200) {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                return Err("cold start: no 200 from /health within 30 s".into());
            }
            if let Some(status) = server.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                return Err(format!("cold start: the server exited ({status})"));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        server.stop();
    }
    Ok(times)
}
