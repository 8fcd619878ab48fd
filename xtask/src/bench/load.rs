//! HTTP load through oha: one request repeated for a while, at a fixed rate or flat out.
use serde::Deserialize;
use std::{collections::BTreeMap, process::Command, time::Duration};

/// The request oha repeats.
pub struct Target {
    pub url: String,
    pub method: &'static str,
    /// A form-encoded body, for server functions.
    pub form: Option<String>,
    pub token: Option<String>,
}

impl Target {
    pub fn get(url: String, token: Option<&str>) -> Target {
        Target { url, method: "GET", form: None, token: token.map(str::to_owned) }
    }

    pub fn post_form(url: String, form: String, token: &str) -> Target {
        Target { url, method: "POST", form: Some(form), token: Some(token.to_owned()) }
    }
}

/// How hard and how long.
#[derive(Clone, Copy)]
pub struct Load {
    /// Requests per second; `None` is as fast as the server answers.
    pub rate: Option<u32>,
    pub connections: u32,
    pub duration: Duration,
}

/// What one run measured. Latencies in milliseconds; with a fixed rate they are corrected for
/// coordinated omission (timed from when each request was due, not when it was sent).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Outcome {
    pub requests: u64,
    /// Responses with a 2xx or 3xx status.
    pub ok: u64,
    /// Other statuses and failed connections or requests.
    pub errors: u64,
    pub ok_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub statuses: BTreeMap<String, u64>,
    pub failures: BTreeMap<String, u64>,
}

#[derive(Deserialize)]
struct Report {
    summary: Summary,
    metrics: Metrics,
    #[serde(rename = "statusCodeDistribution")]
    statuses: BTreeMap<String, u64>,
    #[serde(rename = "errorDistribution")]
    failures: BTreeMap<String, u64>,
}

#[derive(Deserialize)]
struct Summary {
    /// Seconds the run took.
    total: f64,
}

#[derive(Deserialize)]
struct Metrics {
    latency_ms: Latency,
}

#[derive(Deserialize)]
struct Latency {
    p50: f64,
    p99: f64,
    max: f64,
}

/// Chromium's `Accept-Encoding`.
const BROWSER_ACCEPT_ENCODING: &str = "Accept-Encoding: gzip, deflate, br, zstd";

/// Runs oha against `target` with `load` and reads its JSON report.
pub fn run(target: &Target, load: Load) -> Result<Outcome, String> {
    let mut command = Command::new("oha");
    command
        .args(["--no-tui", "--output-format", "json", "-w"])
        .args(["-z", &format!("{}ms", load.duration.as_millis())])
        .args(["-c", &load.connections.to_string()])
        .args(["-m", target.method])
        .args(["-t", "30s"])
        // What a current browser asks for, so responses are compressed as browsers get them.
        .args(["-H", BROWSER_ACCEPT_ENCODING]);
    if let Some(rate) = load.rate {
        command.args(["-q", &rate.to_string(), "--latency-correction"]);
    }
    if let Some(form) = &target.form {
        command.args(["-T", "application/x-www-form-urlencoded", "-d", form]);
    }
    if let Some(token) = &target.token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let out = command.arg(&target.url).output().map_err(|e| format!("oha: {e} (is it installed? cargo xtask bench installs it)"))?;
    if !out.status.success() {
        return Err(format!("oha {} failed: {}", target.url, String::from_utf8_lossy(&out.stderr).trim()));
    }
    let report: Report = serde_json::from_slice(&out.stdout).map_err(|e| format!("oha's report: {e}"))?;
    let ok: u64 = report.statuses.iter().filter(|(code, _)| code.starts_with('2') || code.starts_with('3')).map(|(_, n)| n).sum();
    let failed: u64 = report.failures.values().sum();
    let requests = report.statuses.values().sum::<u64>() + failed;
    Ok(Outcome {
        requests,
        ok,
        errors: requests - ok,
        ok_per_sec: if report.summary.total > 0.0 { ok as f64 / report.summary.total } else { 0.0 },
        p50_ms: report.metrics.latency_ms.p50,
        p99_ms: report.metrics.latency_ms.p99,
        max_ms: report.metrics.latency_ms.max,
        statuses: report.statuses,
        failures: report.failures,
    })
}
