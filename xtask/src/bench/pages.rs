//! S9: live list pages at scale. Each simulated page is a signed-in socket and the list page's
//! own decisions, the browser's code compiled in here (`app/src/live/decide.rs` and
//! `coalesce.rs`): a notice about a row it shows patches it, one that cannot touch its rows,
//! order or count does nothing, and anything else reloads its list at most once a second.
//! Meanwhile changes arrive at a steady rate over the REST API: comments, severity changes and
//! new issues, on issues picked at random.
#[allow(dead_code)]
#[path = "../../../app/src/live/coalesce.rs"]
mod coalesce;
#[allow(dead_code)]
#[path = "../../../app/src/live/decide.rs"]
mod decide;

use coalesce::{Batch, Coalescer, Step};
use decide::{Decision, Heard, IssueChange, Match, Place, Row, View};
use futures::StreamExt;
use hdrhistogram::Histogram;
use serde_json::Value;
use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use super::live::failed;
use tokio::{sync::watch, task::JoinSet};
use tokio_tungstenite::tungstenite::Message;

/// What the pages measured.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LivePages {
    pub pages: usize,
    pub connect_failures: usize,
    /// Changes made, and those refused.
    pub changes: u64,
    pub change_errors: u64,
    /// Issue notices the pages heard, and what they decided.
    pub heard: u64,
    pub patched: u64,
    pub unaffected: u64,
    /// Issues entering or leaving the list on a later page: the count shown changes.
    pub counted: u64,
    pub reload_asked: u64,
    /// Reloads made (asked-for ones folded into at most one a second per page), and failed.
    pub reloads: u64,
    pub reload_errors: u64,
    pub reloads_per_page_per_sec: f64,
    /// A reload's round trip, the list's server function with the page's filter, milliseconds.
    pub reload_p50_ms: f64,
    pub reload_p99_ms: f64,
    pub reload_max_ms: f64,
    /// CPU cores the server and this benchmark used while the changes arrived.
    pub server_cpu_cores: f64,
    pub bench_cpu_cores: f64,
}

pub struct Settings<'a> {
    pub addr: &'a str,
    pub server_pid: u32,
    pub token: &'a str,
    /// The list's server function, and the page's filter as its form body and as JSON.
    pub list_path: &'a str,
    pub list_form: String,
    pub filter: serde_json::Map<String, Value>,
    pub create_path: &'a str,
    /// The issues to change are picked from 1 to this.
    pub issues: u64,
    pub pages: usize,
    pub changes_per_sec: u32,
    pub duration: Duration,
}

#[derive(Default)]
struct Counters {
    ready: AtomicU64,
    failed: AtomicU64,
    heard: AtomicU64,
    patched: AtomicU64,
    unaffected: AtomicU64,
    counted: AtomicU64,
    reload_asked: AtomicU64,
    reloads: AtomicU64,
    reload_errors: AtomicU64,
}

/// The page's filter as the list page reads a row: status and severity it can judge; any other
/// key is left to the server. Places follow the list's order.
struct Judge {
    status: Option<String>,
    severity: Option<String>,
    other_keys: bool,
    sort: String,
}

fn rank(severity: &str) -> i64 {
    match severity {
        "LOW" => 1,
        "MEDIUM" => 2,
        "HIGH" => 3,
        "CRITICAL" => 4,
        _ => 0,
    }
}

fn micros(at: &Value) -> i64 {
    at.as_str().and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok()).map_or(0, |at| at.timestamp_micros())
}

impl Judge {
    fn new(filter: &serde_json::Map<String, Value>) -> Judge {
        let text = |key: &str| filter.get(key).and_then(Value::as_str).map(str::to_owned);
        let set = |key: &str| filter.get(key).is_some_and(|v| !v.is_null() && *v != Value::Bool(false));
        Judge {
            status: text("status"),
            severity: text("severity"),
            other_keys: ["open", "tag", "reporter", "assignee", "q", "deleted"].iter().any(|key| set(key)),
            sort: text("sort").unwrap_or_else(|| "newest".into()),
        }
    }

    /// `row`'s place; `fields` holds its status and severity (the row's own, or before an update).
    fn place(&self, row: &Value, fields: &Value) -> Place {
        let id = row["id"].as_i64().unwrap_or_default();
        match self.sort.as_str() {
            "updated" => (0, micros(&row["updated_at"]), id),
            "severity" => (rank(fields["severity"].as_str().unwrap_or_default()), micros(&row["created_at"]), id),
            _ => (0, micros(&row["created_at"]), id),
        }
    }

    /// What the filter makes of `row` (or, given `before`'s fields, the issue before an update:
    /// its place by last update is not known then).
    fn row(&self, row: &Value, before: Option<&Value>) -> Row {
        let fields = before.unwrap_or(row);
        let fails = |key: &Option<String>, field: &str| key.as_deref().is_some_and(|want| fields[field].as_str() != Some(want));
        let matches = if fails(&self.status, "status") || fails(&self.severity, "severity") {
            Match::No
        } else if self.other_keys || (self.sort == "updated" && before.is_some()) {
            Match::Unknown
        } else {
            Match::Yes
        };
        Row { matches, never_listed: false, place: self.place(row, fields) }
    }

    fn view(&self, page: &Value) -> View {
        let items = page["items"].as_array().map(Vec::as_slice).unwrap_or_default();
        View {
            shown: items.iter().map(|row| (row["id"].as_i64().unwrap_or_default(), self.place(row, row))).collect(),
            has_next: !page["next"].is_null(),
            first_page: page["prev"].is_null(),
            keyless: self.status.is_none() && self.severity.is_none() && !self.other_keys,
            activity_matters: self.sort == "updated",
        }
    }
}

/// One page: loads its list, then follows its socket until told to stop.
struct Page {
    client: reqwest::Client,
    list_url: String,
    list_form: String,
    token: String,
    judge: Arc<Judge>,
    counters: Arc<Counters>,
    reload_times: Arc<Mutex<Histogram<u64>>>,
}

impl Page {
    async fn load(&self) -> Result<View, String> {
        let response = self
            .client
            .post(&self.list_url)
            .bearer_auth(&self.token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(self.list_form.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("the list answered {status}: {}", body.chars().take(200).collect::<String>()));
        }
        let page: Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
        Ok(self.judge.view(&page))
    }

    async fn reload(&self, view: &mut View) {
        let at = Instant::now();
        match self.load().await {
            Ok(fresh) => {
                *view = fresh;
                self.counters.reloads.fetch_add(1, Ordering::Relaxed);
                let _ = self.reload_times.lock().expect("not poisoned").record(at.elapsed().as_micros().max(1) as u64);
            }
            Err(err) => failed(&self.counters.reload_errors, "a page's reload", err),
        }
    }

    async fn run(self, addr: String, mut stop: watch::Receiver<bool>) -> Result<(), String> {
        let mut socket = super::live::open_socket(&addr, &self.token).await?;
        let mut view = self.load().await?;
        self.counters.ready.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let now = || started.elapsed().as_secs_f64() * 1000.0;
        let mut coalescer = Coalescer::default();
        let mut wake: Option<f64> = None;
        loop {
            let sleep = wake.map_or(Duration::from_secs(3600), |at| Duration::from_secs_f64(((at - now()) / 1000.0).max(0.0)));
            tokio::select! {
                message = socket.next() => {
                    let Some(Ok(message)) = message else { return Err("the server closed the socket".into()) };
                    let Message::Text(text) = message else { continue };
                    let notice: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                    let batch = match notice["type"].as_str() {
                        Some("issue") => {
                            self.counters.heard.fetch_add(1, Ordering::Relaxed);
                            let id = notice["issue_id"].as_i64().unwrap_or_default();
                            let change: IssueChange = serde_json::from_value(notice["change"].clone()).map_err(|e| e.to_string())?;
                            let row = notice.get("row");
                            let before = row.zip(notice.get("before")).map(|(row, before)| self.judge.row(row, Some(before)));
                            let row = row.map(|row| self.judge.row(row, None));
                            match decide::decide(&view, &Heard { id, change, row, before }) {
                                // The page draws the row it was sent; its place is unchanged.
                                Decision::Patch => {
                                    self.counters.patched.fetch_add(1, Ordering::Relaxed);
                                    continue;
                                }
                                Decision::Nothing => {
                                    self.counters.unaffected.fetch_add(1, Ordering::Relaxed);
                                    continue;
                                }
                                // The page changes the count it shows.
                                Decision::Count(_) => {
                                    self.counters.counted.fetch_add(1, Ordering::Relaxed);
                                    continue;
                                }
                                Decision::Reload => {
                                    self.counters.reload_asked.fetch_add(1, Ordering::Relaxed);
                                    Batch::Issues(vec![id])
                                }
                            }
                        }
                        Some("issues") | Some("resync") => Batch::Everything,
                        _ => continue,
                    };
                    match coalescer.heard(now(), &batch) {
                        Step::Reload(_) => self.reload(&mut view).await,
                        Step::WakeAt(at) => wake = Some(at),
                        Step::Joined => {}
                    }
                }
                _ = tokio::time::sleep(sleep), if wake.is_some() => {
                    wake = None;
                    if coalescer.due(now()).is_some() {
                        self.reload(&mut view).await;
                    }
                }
                _ = stop.changed() => {
                    let _ = socket.close(None).await;
                    return Ok(());
                }
            }
        }
    }
}

/// A small, fixed-seed random sequence: the same changes each run.
struct Picks(u64);

impl Picks {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

/// Makes `rate` changes a second for `duration` (see [`super::live::steadily`]): in turn a
/// comment, a severity change and a new issue. Returns how many were made, and how many failed.
fn change(addr: &str, token: &str, create_path: &str, issues: u64, rate: u32, duration: Duration) -> Result<(u64, u64), String> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().map_err(|e| e.to_string())?;
    let errors = Arc::new(AtomicU64::new(0));
    let picks = Mutex::new(Picks(0x9E37_79B9_7F4A_7C15));
    let (addr, token, create_path, counted) = (addr.to_owned(), token.to_owned(), create_path.to_owned(), errors.clone());
    const SEVERITIES: [&str; 4] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
    let total = super::live::steadily(rate, duration, move |n| {
        let (id, severity) = {
            let mut picks = picks.lock().expect("not poisoned");
            (1 + picks.next(issues), SEVERITIES[picks.next(4) as usize])
        };
        let (client, errors, addr, token, create_path) = (client.clone(), counted.clone(), addr.clone(), token.clone(), create_path.clone());
        async move {
            let request = match n % 3 {
                0 => client.post(format!("http://{addr}/api/v1/issues/{id}/comments")).json(&serde_json::json!({ "body": format!("Live page check {n}") })),
                // A triager names the version read, as the issue page does.
                1 => {
                    let read = client.get(format!("http://{addr}/api/v1/issues/{id}")).bearer_auth(&token).send().await;
                    let version = match read {
                        Ok(response) => response.json::<Value>().await.ok().and_then(|issue| issue["summary"]["version"].as_i64()),
                        Err(_) => None,
                    };
                    client.put(format!("http://{addr}/api/v1/issues/{id}/severity")).json(&serde_json::json!({ "severity": severity, "version": version }))
                }
                _ => client.post(format!("http://{addr}{create_path}")).form(&[("title", format!("Live page check {n}")), ("description", String::new()), ("severity", severity.to_owned())]),
            };
            match request.bearer_auth(&token).send().await {
                Ok(response) if response.status().is_success() => {}
                Ok(response) => failed(&errors, "a change for the live pages", format!("{}: {}", response.status(), response.text().await.unwrap_or_default().chars().take(200).collect::<String>())),
                Err(err) => failed(&errors, "a change for the live pages", err),
            }
        }
    })?;
    Ok((total, errors.load(Ordering::Relaxed)))
}

/// Opens the pages, makes the changes, lets the last reloads land, and measures.
pub async fn live_pages(settings: Settings<'_>) -> Result<LivePages, String> {
    let counters = Arc::new(Counters::default());
    let reload_times = Arc::new(Mutex::new(Histogram::<u64>::new_with_bounds(1, 120_000_000, 3).map_err(|e| e.to_string())?));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).pool_max_idle_per_host(settings.pages).build().map_err(|e| e.to_string())?;
    let judge = Arc::new(Judge::new(&settings.filter));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut pages = JoinSet::new();
    for n in 0..settings.pages {
        let page = Page {
            client: client.clone(),
            list_url: format!("http://{}{}", settings.addr, settings.list_path),
            list_form: settings.list_form.clone(),
            token: settings.token.to_owned(),
            judge: judge.clone(),
            counters: counters.clone(),
            reload_times: reload_times.clone(),
        };
        let (addr, stop, counters) = (settings.addr.to_owned(), stop_rx.clone(), counters.clone());
        pages.spawn(async move {
            if let Err(err) = page.run(addr, stop).await {
                failed(&counters.failed, "a live page", err);
            }
        });
        // Opened in waves, as people arriving in the morning would.
        if n % 50 == 49 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    let settled = |c: &Counters| (c.ready.load(Ordering::Relaxed) + c.failed.load(Ordering::Relaxed)) as usize >= settings.pages;
    while !settled(&counters) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut result = LivePages { pages: counters.ready.load(Ordering::Relaxed) as usize, ..Default::default() };
    result.connect_failures = settings.pages - result.pages;
    // The first loads are not part of what is measured.
    counters.reloads.store(0, Ordering::Relaxed);
    reload_times.lock().expect("not poisoned").reset();

    let cpu_before = (super::live::cpu_seconds(settings.server_pid), super::live::cpu_seconds(std::process::id()));
    let window = Instant::now();
    let (addr, token, create_path) = (settings.addr.to_owned(), settings.token.to_owned(), settings.create_path.to_owned());
    let (issues, rate, duration) = (settings.issues, settings.changes_per_sec, settings.duration);
    let (changes, errors) = tokio::task::spawn_blocking(move || change(&addr, &token, &create_path, issues, rate, duration)).await.map_err(|e| e.to_string())??;
    // The last changes' reloads: at most one quiet window later.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let window = window.elapsed().as_secs_f64();
    if let ((Some(server0), Some(client0)), Some(server1), Some(client1)) = (cpu_before, super::live::cpu_seconds(settings.server_pid), super::live::cpu_seconds(std::process::id())) {
        result.server_cpu_cores = (server1 - server0) / window;
        result.bench_cpu_cores = (client1 - client0) / window;
    }
    let _ = stop_tx.send(true);
    while pages.join_next().await.is_some() {}
    result.changes = changes;
    result.change_errors = errors;
    result.heard = counters.heard.load(Ordering::Relaxed);
    result.patched = counters.patched.load(Ordering::Relaxed);
    result.unaffected = counters.unaffected.load(Ordering::Relaxed);
    result.counted = counters.counted.load(Ordering::Relaxed);
    result.reload_asked = counters.reload_asked.load(Ordering::Relaxed);
    result.reloads = counters.reloads.load(Ordering::Relaxed);
    result.reload_errors = counters.reload_errors.load(Ordering::Relaxed);
    result.reloads_per_page_per_sec = result.reloads as f64 / result.pages.max(1) as f64 / window;
    let times = reload_times.lock().expect("not poisoned");
    (result.reload_p50_ms, result.reload_p99_ms, result.reload_max_ms) =
        (times.value_at_quantile(0.5) as f64 / 1000.0, times.value_at_quantile(0.99) as f64 / 1000.0, times.max() as f64 / 1000.0);
    Ok(result)
}
