//! Fresh databases, filled by the server's own `seed-bench` command.
use super::{Backend, Workspace, server};
use crate::tools;
use serde::Deserialize;
use std::{collections::HashMap, io::Write, process::{Command, Stdio}, time::Instant};

/// The password of every generated account; the data exists only in the benchmark's databases.
pub const PASSWORD: &str = "bench password";

/// What `server seed-bench` reports back.
#[derive(Deserialize, Debug, Clone)]
pub struct Manifest {
    pub seconds: f64,
    pub users: u64,
    pub issues: u64,
    pub comments: u64,
    pub issue_events: u64,
    pub issue_tags: u64,
    pub maintainer: String,
    /// The account owned filings are assigned to, and the handles they mention.
    pub assignee_id: i64,
    pub mentioned: Vec<String>,
    pub paths: Paths,
    pub views: HashMap<String, View>,
}

#[derive(Deserialize, Debug, Clone)]
pub struct Paths {
    pub log_in: String,
    pub list_issues: String,
    pub create_issue: String,
    /// The filing page's look-alike issues for a title being typed.
    pub similar_issues: String,
}

/// One list view: the page's URL, the filter as the server function takes it, and its SQL.
#[derive(Deserialize, Debug, Clone)]
pub struct View {
    pub url: String,
    pub filter: serde_json::Map<String, serde_json::Value>,
    pub sql: Vec<String>,
}

impl View {
    /// The filter as people read it: `status=OPEN severity=HIGH`.
    pub fn describe(&self) -> String {
        let set = self.filter.iter().filter(|(_, v)| !v.is_null() && **v != serde_json::Value::Bool(false));
        set.map(|(k, v)| format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect::<Vec<_>>().join(" ")
    }

    /// The server function's form body for this filter (`filter[status]=OPEN&...`).
    pub fn form_body(&self) -> String {
        let mut body = String::new();
        for (key, value) in &self.filter {
            let text = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            if !body.is_empty() {
                body.push('&');
            }
            body.push_str(&format!("filter%5B{key}%5D={}", encode(&text)));
        }
        body
    }
}

/// Percent-encodes one form value.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A seeded database and how to reach it.
pub struct Database {
    pub backend: Backend,
    pub url: String,
    /// The SQLite file, or the PostgreSQL database's name.
    pub name: String,
    pub manifest: Manifest,
    /// Wall time of the seeding command, start-up and migrations included.
    pub wall_seconds: f64,
}

fn postgres_admin() -> String {
    tools::test_postgres_url()
}

fn psql(sql: &str) -> Result<(), String> {
    psql_at(&postgres_admin(), sql).map(|_| ())
}

/// Runs `sql` with `psql` on `url`, stopping at the first error; what it printed, unaligned and
/// without headers, trimmed.
pub fn psql_at(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new("psql").args(["-qAt", "-v", "ON_ERROR_STOP=1", url, "-c", sql]).output().map_err(|e| format!("psql: {e}"))?;
    if out.status.success() { Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned()) } else { Err(format!("psql {sql}: {}", String::from_utf8_lossy(&out.stderr).trim())) }
}

/// Drops and creates the database (or file) for `issues` issues on `backend`, then seeds it.
pub fn seed(workspace: &Workspace, backend: Backend, issues: usize) -> Result<Database, String> {
    let (url, name) = match backend {
        Backend::Sqlite => {
            let file = workspace.dir.join(format!("bench-{issues}.db"));
            (format!("sqlite://{}?mode=rwc", file.display()), file.display().to_string())
        }
        Backend::Postgres => {
            let name = format!("tracker_bench_{issues}");
            psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
            psql(&format!("CREATE DATABASE {name}"))?;
            let base = postgres_admin().rsplit_once('/').map(|(base, _)| base.to_owned()).unwrap_or_default();
            (format!("{base}/{name}"), name)
        }
    };
    seed_into(workspace, backend, url, name, issues)
}

/// Seeds `issues` issues into the empty database at `url` (on `backend`, called `name`).
pub fn seed_into(workspace: &Workspace, backend: Backend, url: String, name: String, issues: usize) -> Result<Database, String> {
    workspace.say(format!("{}: seeding {issues} issues", backend.name()));
    let started = Instant::now();
    let mut child = server::command(workspace, &url, "127.0.0.1:0")
        .args(["seed-bench", "--issues", &issues.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("server seed-bench: {e}"))?;
    child.stdin.take().expect("piped stdin").write_all(format!("{PASSWORD}\n").as_bytes()).map_err(|e| format!("server seed-bench: {e}"))?;
    let out = child.wait_with_output().map_err(|e| format!("server seed-bench: {e}"))?;
    if !out.status.success() {
        return Err(format!("server seed-bench on {} failed ({})", backend.name(), out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).ok_or("server seed-bench printed no manifest")?;
    let manifest: Manifest = serde_json::from_str(line).map_err(|e| format!("server seed-bench manifest: {e}"))?;
    let wall_seconds = started.elapsed().as_secs_f64();
    workspace.say(format!(
        "{}: seeded in {wall_seconds:.1} s ({} issues, {} comments, {} history rows, {} tag links)",
        backend.name(), manifest.issues, manifest.comments, manifest.issue_events, manifest.issue_tags
    ));
    Ok(Database { backend, url, name, manifest, wall_seconds })
}

/// Removes what [`seed`] made.
pub fn drop(database: &Database) {
    match database.backend {
        Backend::Sqlite => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", database.name));
            }
        }
        Backend::Postgres => {
            let _ = psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", database.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_becomes_the_server_functions_form() {
        let filter = serde_json::json!({ "status": "OPEN", "q": "crash & burn", "tag": null, "deleted": false });
        let view = View { url: String::new(), filter: filter.as_object().unwrap().clone(), sql: Vec::new() };
        assert_eq!(view.form_body(), "filter%5Bdeleted%5D=false&filter%5Bq%5D=crash+%26+burn&filter%5Bstatus%5D=OPEN");
        assert_eq!(view.describe(), "q=crash & burn status=OPEN");
    }
}
