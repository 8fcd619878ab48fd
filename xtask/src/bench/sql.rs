//! The database alone: a list view's SQL (its page, then its total, exactly as the app builds
//! them) run straight against the database, one client at a time, to show how much of a
//! request's time the database takes and how much is ours.
use super::{Backend, data::Database};
use std::{
    io::Write,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

/// One view's statements run back to back.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Timing {
    pub runs: u64,
    /// Mean milliseconds for the view's statements together.
    pub mean_ms: f64,
}

/// Times `statements` on `database` for about `duration`.
pub fn time(database: &Database, statements: &[String], duration: Duration) -> Result<Timing, String> {
    match database.backend {
        Backend::Postgres => pgbench(&database.url, statements, duration.as_secs().max(1)),
        Backend::Sqlite => sqlite(&database.name, statements, duration),
    }
}

/// pgbench with a custom script, one client, prepared statements (as sqlx runs them).
fn pgbench(url: &str, statements: &[String], seconds: u64) -> Result<Timing, String> {
    let script = std::env::temp_dir().join(format!("tracker-bench-{}.sql", std::process::id()));
    let text: String = statements.iter().map(|s| format!("{};\n", s.trim_end_matches(';'))).collect();
    std::fs::write(&script, text).map_err(|e| format!("{}: {e}", script.display()))?;
    let out = Command::new("pgbench")
        .args(["-n", "-c", "1", "-M", "prepared", "-T", &seconds.to_string(), "-f"])
        .arg(&script)
        .arg(url)
        .output()
        .map_err(|e| format!("pgbench: {e}"))?;
    let _ = std::fs::remove_file(&script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("pgbench failed: {}{}", stdout.trim(), String::from_utf8_lossy(&out.stderr).trim()));
    }
    let field = |prefix: &str| -> Option<f64> {
        stdout.lines().find_map(|l| l.trim().strip_prefix(prefix)).and_then(|rest| rest.split_whitespace().next()?.parse().ok())
    };
    let runs = field("number of transactions actually processed:").unwrap_or_default() as u64;
    let mean_ms = field("latency average =").ok_or_else(|| format!("pgbench printed no latency: {stdout}"))?;
    Ok(Timing { runs, mean_ms })
}

/// Runs the statements `runs` times in one sqlite3 process; returns the wall time.
fn sqlite_batch(file: &str, statements: &[String], runs: u64) -> Result<Duration, String> {
    let mut child = Command::new("sqlite3")
        .arg(file)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("sqlite3: {e}"))?;
    let mut script = String::from(".bail on\n");
    for _ in 0..runs {
        for statement in statements {
            script.push_str(statement.trim_end_matches(';'));
            script.push_str(";\n");
        }
    }
    let started = Instant::now();
    child.stdin.take().expect("piped stdin").write_all(script.as_bytes()).map_err(|e| format!("sqlite3: {e}"))?;
    let out = child.wait_with_output().map_err(|e| format!("sqlite3: {e}"))?;
    let took = started.elapsed();
    if !out.status.success() || !out.stderr.is_empty() {
        return Err(format!("sqlite3 failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(took)
}

/// The sqlite3 shell, reading the statements over and over. Batches grow until one lasts about
/// `target`; the cost of starting the shell (a batch of one) is taken off.
fn sqlite(file: &str, statements: &[String], target: Duration) -> Result<Timing, String> {
    let start_up = sqlite_batch(file, statements, 1)?;
    let mut runs: u64 = 10;
    loop {
        let took = sqlite_batch(file, statements, runs)?;
        if took >= target / 2 || runs >= 100_000 {
            let mean = match took.checked_sub(start_up) {
                Some(rest) if !rest.is_zero() => rest.as_secs_f64() / (runs - 1) as f64,
                _ => took.as_secs_f64() / runs as f64,
            };
            return Ok(Timing { runs, mean_ms: mean * 1000.0 });
        }
        let scale = (target.as_secs_f64() / took.as_secs_f64().max(1e-3)).clamp(2.0, 50.0);
        runs = ((runs as f64 * scale) as u64).min(100_000);
    }
}
