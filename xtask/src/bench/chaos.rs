//! `cargo xtask chaos`: endurance and faults on the release build.
//!
//! 1. A mixed load (list reads, issue reads, filings, comments, and live WebSocket clients) at a
//!    steady rate against PostgreSQL, with the server's resident memory sampled every second.
//! 2. Then, under the same load, the PostgreSQL server is stopped and started again. It is a cluster made
//!    with `initdb` for this run, never the shared test server. While it is down, requests may
//!    get 503; afterwards the same server process must answer again by itself.
//! 3. Then, on PostgreSQL and on SQLite, a burst of filings from many clients at once, with the
//!    server killed with SIGKILL in the middle. After a restart, every filing that got its 201 must
//!    be there with its history row, and no row may be half-written: no history without its
//!    issue, no issue without its "created" row, no comment without its issue.
//!
//! It prints a table like the benchmark's, and exits non-zero on a lost write, an orphan row,
//! an unexpected error, or memory growth of 10% or more after warm-up. `--short` is the version
//! the test command runs: the debug build, 100 requests a second for 20 seconds.
use super::{Backend, Workspace, data, server::Server};
use crate::{Profile, project, tools};
use futures::{SinkExt as _, StreamExt as _};
use hdrhistogram::Histogram;
use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Command,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio_tungstenite::tungstenite::Message;

/// The run's size: how long, how fast, how many issues to start from.
struct Plan {
    load: Duration,
    rate: u32,
    issues: usize,
    sockets: usize,
    /// How long PostgreSQL stays down.
    outage: Duration,
    burst_clients: usize,
    /// Whether memory growth fails the run: only the full run is long enough to tell growth
    /// from warming caches.
    judge_memory: bool,
}

impl Plan {
    fn new(short: bool) -> Plan {
        if short {
            Plan { load: Duration::from_secs(20), rate: 100, issues: 500, sockets: 4, outage: Duration::from_secs(3), burst_clients: 8, judge_memory: false }
        } else {
            Plan { load: Duration::from_secs(600), rate: 300, issues: 10_000, sockets: 20, outage: Duration::from_secs(10), burst_clients: 32, judge_memory: true }
        }
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let short = match args {
        [] => false,
        [flag] if flag == "--short" => true,
        _ => return Err("usage: cargo xtask chaos [--short]".into()),
    };
    let project = project();
    let profile = if short { Profile::Debug } else { Profile::Release };
    tools::setup(false)?;
    crate::build(&project, profile)?;
    tools::check_programs()?;
    let dir = project.target.join("chaos");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let workspace = Workspace { project, profile, dir: dir.clone(), started: Instant::now() };
    let plan = Plan::new(short);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(|e| e.to_string())?;
    // Under the system's temporary directory: the postgres account that owns the cluster when
    // this runs as root may not enter root's home.
    let cluster = Cluster::create(&std::env::temp_dir().join(format!("tracker-chaos-pg-{}", std::process::id())))?;
    let outcome = run_all(&workspace, &plan, &runtime, &cluster);
    cluster.stop();
    let _ = std::fs::remove_dir_all(&cluster.dir);
    let rows = outcome?;
    print_table(&rows);
    let failures: Vec<&Row> = rows.iter().filter(|r| !r.ok).collect();
    let _ = std::fs::remove_dir_all(&dir);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} check(s) failed: {}", failures.len(), failures.iter().map(|r| r.what.as_str()).collect::<Vec<_>>().join("; ")))
    }
}

/// One line of the table: what was checked, what was measured, whether it passed.
struct Row {
    what: String,
    measured: String,
    ok: bool,
}

fn row(what: impl Into<String>, measured: impl Into<String>, ok: bool) -> Row {
    Row { what: what.into(), measured: measured.into(), ok }
}

fn print_table(rows: &[Row]) {
    let width = rows.iter().map(|r| r.what.len()).max().unwrap_or(0);
    println!("\n| {:width$} | result | measured |", "check");
    println!("|{}|--------|----------|", "-".repeat(width + 2));
    for r in rows {
        println!("| {:width$} | {:6} | {} |", r.what, if r.ok { "ok" } else { "FAILED" }, r.measured);
    }
}

fn run_all(workspace: &Workspace, plan: &Plan, runtime: &tokio::runtime::Runtime, cluster: &Cluster) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let url = cluster.create_database("chaos")?;
    let database = data::seed_into(workspace, Backend::Postgres, url.clone(), "chaos".into(), plan.issues)?;
    let server = Server::start_with(workspace, &url, "chaos-postgres", &[("API_RATE_PER_MINUTE", "0".into())])?;
    let token = runtime.block_on(server.log_in(&database.manifest))?;
    // The seeded issues that are not deleted: the ones reads and comments may name.
    let live: Vec<i64> = super::data::psql_at(&url, "SELECT id FROM issues WHERE deleted_at IS NULL ORDER BY id")?.lines().filter_map(|l| l.trim().parse().ok()).collect();
    workspace.say(format!("load: {} requests a second for {} s, then PostgreSQL restarted under it", plan.rate, plan.load.as_secs()));
    let load = runtime.block_on(mixed_load(&server, &token, plan, cluster, workspace, Arc::new(live)))?;
    rows.extend(load.rows(plan));
    let checked = check_rows(&database, &load.created, &load.comments)?;
    rows.push(row("PostgreSQL: every acknowledged filing and comment stored, with its history", checked.describe(), checked.ok()));
    drop(server);

    for backend in [Backend::Postgres, Backend::Sqlite] {
        let (url, name) = match backend {
            Backend::Postgres => (cluster.create_database("chaos_kill")?, "chaos_kill".to_owned()),
            Backend::Sqlite => {
                let file = workspace.dir.join("chaos-kill.db");
                (format!("sqlite://{}?mode=rwc", file.display()), file.display().to_string())
            }
        };
        let database = data::seed_into(workspace, backend, url.clone(), name, 100)?;
        let log = format!("chaos-kill-{}", backend.name());
        let server = Server::start_with(workspace, &url, &log, &[("API_RATE_PER_MINUTE", "0".into())])?;
        let token = runtime.block_on(server.log_in(&database.manifest))?;
        workspace.say(format!("{}: a burst of filings, and SIGKILL in the middle of it", backend.name()));
        let acknowledged = runtime.block_on(burst_then_kill(server, &token, plan.burst_clients))?;
        // Start again on the same database: recovery (the WAL on either side) runs first.
        let again = Server::start_with(workspace, &url, &format!("{log}-after"), &[])?;
        drop(again);
        let checked = check_rows(&database, &acknowledged, &[])?;
        rows.push(row(format!("{}: SIGKILL during {} filings at once, then restart", backend.name(), plan.burst_clients), checked.describe(), checked.ok()));
    }
    Ok(rows)
}

/// A PostgreSQL cluster of the run's own, on a free port, reachable by the `tracker` role with
/// trust authentication on loopback.
struct Cluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
}

impl Cluster {
    fn create(dir: &Path) -> Result<Cluster, String> {
        let bin = postgres_bin()?;
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let port = super::server::free_addr()?.rsplit(':').next().and_then(|p| p.parse().ok()).ok_or("no free port")?;
        let cluster = Cluster { dir: dir.to_owned(), port, bin };
        // initdb refuses to run as root: the cluster then belongs to the postgres account.
        if is_root() {
            quietly(Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir), "chown")?;
        }
        cluster.as_owner(&cluster.bin.join("initdb"), &["-D", &dir.join("data").display().to_string(), "-U", "tracker", "--auth=trust", "-E", "UTF8", "--no-sync"])?;
        cluster.start()?;
        Ok(cluster)
    }

    fn as_owner(&self, program: &Path, args: &[&str]) -> Result<(), String> {
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        quietly(command.args(args), &program.display().to_string())
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<(), String> {
        let data = self.dir.join("data").display().to_string();
        let log = self.dir.join("postgres.log").display().to_string();
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on", self.port, self.dir.display());
        let mut all = vec!["-D", &data, "-l", &log, "-o", &options, "-w", "-t", "60"];
        all.extend_from_slice(args);
        self.as_owner(&self.bin.join("pg_ctl"), &all)
    }

    fn start(&self) -> Result<(), String> {
        self.pg_ctl(&["start"])
    }

    /// A fast shutdown: every connection is cut, as when a database host goes away.
    fn stop_now(&self) -> Result<(), String> {
        self.pg_ctl(&["-m", "fast", "stop"])
    }

    fn stop(&self) {
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]);
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://tracker@127.0.0.1:{}/{database}", self.port)
    }

    fn create_database(&self, name: &str) -> Result<String, String> {
        super::data::psql_at(&self.url("postgres"), &format!("DROP DATABASE IF EXISTS {name}"))?;
        super::data::psql_at(&self.url("postgres"), &format!("CREATE DATABASE {name}"))?;
        Ok(self.url(name))
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn postgres_bin() -> Result<PathBuf, String> {
    let out = Command::new("pg_config").arg("--bindir").output();
    if let Ok(out) = out
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql").map_err(|e| format!("no PostgreSQL server programs: {e}"))?.flatten().map(|e| e.path().join("bin")).collect();
    versions.sort();
    versions.into_iter().rev().find(|d| d.join("initdb").exists()).ok_or_else(|| "no initdb under /usr/lib/postgresql".into())
}

fn quietly(command: &mut Command, what: &str) -> Result<(), String> {
    let out = command.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() { Ok(()) } else { Err(format!("{what} failed: {}", String::from_utf8_lossy(&out.stderr).trim())) }
}

fn sqlite(file: &str, sql: &str) -> Result<String, String> {
    let out = Command::new("sqlite3").args([file, sql]).output().map_err(|e| format!("sqlite3: {e}"))?;
    if out.status.success() { Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned()) } else { Err(format!("sqlite3 {sql}: {}", String::from_utf8_lossy(&out.stderr).trim())) }
}

/// How long the load goes on after the database is back.
const AFTER_OUTAGE: Duration = Duration::from_secs(20);

/// What the load saw.
#[derive(Default)]
struct Load {
    requests: u64,
    /// Answers by status ("201", "503", "transport").
    statuses: BTreeMap<String, u64>,
    /// Answers that were not 2xx outside the outage, or not 2xx or 503 during it.
    unexpected: Vec<String>,
    latency: Option<Histogram<u64>>,
    during_outage_503: u64,
    /// From PostgreSQL coming back to the first 2xx filing after it, in seconds.
    recovered_after: Option<f64>,
    memory_warm: f64,
    memory_end: f64,
    memory_peak: f64,
    socket_messages: u64,
    sockets_open_at_end: u64,
    created: Vec<i64>,
    comments: Vec<i64>,
}

impl Load {
    fn rows(&self, plan: &Plan) -> Vec<Row> {
        let latency = self.latency.as_ref().map_or("-".to_owned(), |h| format!("p50 {:.1} ms, p99 {:.1} ms", h.value_at_quantile(0.5) as f64 / 1000.0, h.value_at_quantile(0.99) as f64 / 1000.0));
        let statuses = self.statuses.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
        let growth = if self.memory_warm > 0.0 { 100.0 * (self.memory_end - self.memory_warm) / self.memory_warm } else { 0.0 };
        vec![
            row(
                format!("mixed load, {} req/s for {} s (and {} s more around the restart): no unexpected answer", plan.rate, plan.load.as_secs(), (plan.outage + AFTER_OUTAGE).as_secs()),
                format!("{} requests ({statuses}); {latency}; unexpected: {}{}", self.requests, self.unexpected.len(), self.unexpected.first().map_or(String::new(), |u| format!(", first: {u}"))),
                self.unexpected.is_empty(),
            ),
            row(
                if plan.judge_memory { "resident memory grows under 10% after warm-up" } else { "resident memory (reported; judged in the full run)" },
                format!("{:.1} MiB after warm-up, {:.1} MiB at the end ({growth:+.1}%), peak {:.1} MiB", self.memory_warm, self.memory_end, self.memory_peak),
                growth < 10.0 || !plan.judge_memory,
            ),
            row(
                format!("PostgreSQL down {} s under that load: 503 meanwhile, then recovery without a restart", plan.outage.as_secs()),
                format!("{} answers 503 while down; first filing after {}", self.during_outage_503, self.recovered_after.map_or("never".to_owned(), |s| format!("{s:.1} s"))),
                self.recovered_after.is_some(),
            ),
            row(
                format!("{} WebSocket clients stay live through it", plan.sockets),
                format!("{} notices heard; {} of {} still open at the end", self.socket_messages, self.sockets_open_at_end, plan.sockets),
                self.socket_messages > 0,
            ),
        ]
    }
}

/// The phases of the outage, as the load sees them.
#[derive(Default)]
struct Outage {
    /// Set while PostgreSQL is down, and for a few seconds after (the pool reconnects).
    excused: AtomicBool,
    /// Set once it is back; the first 2xx filing after it takes `recovered_at`.
    back_at: Mutex<Option<Instant>>,
    recovered_at: Mutex<Option<Instant>>,
}

async fn mixed_load(server: &Server, token: &str, plan: &Plan, cluster: &Cluster, workspace: &Workspace, live: Arc<Vec<i64>>) -> Result<Load, String> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).pool_max_idle_per_host(64).build().map_err(|e| e.to_string())?;
    let load = Arc::new(Mutex::new(Load { latency: Histogram::new_with_bounds(1, 60_000_000, 3).ok(), ..Load::default() }));
    let outage = Arc::new(Outage::default());
    let stop = Arc::new(AtomicBool::new(false));
    let heard = Arc::new(AtomicU64::new(0));
    let open = Arc::new(AtomicU64::new(0));
    let sockets: Vec<_> = (0..plan.sockets).map(|_| tokio::spawn(listen(server.addr.clone(), token.to_owned(), stop.clone(), heard.clone(), open.clone()))).collect();

    let started = Instant::now();
    if live.is_empty() {
        return Err("no live issue to read".into());
    }
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(plan.rate)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut requests = tokio::task::JoinSet::new();
    let mut n = 0_u64;
    let mut next_sample = started;
    // Memory is judged over the steady load; the restart comes after it, under the same load,
    // which goes on until the database has been back for a while.
    let warm_up = plan.load / 5;
    let outage_at = plan.load;
    let total = plan.load + plan.outage + AFTER_OUTAGE;
    let mut outage_thread = None;
    let (mut warm, mut end, mut peak) = (Vec::new(), Vec::new(), 0.0_f64);
    while started.elapsed() < total {
        tick.tick().await;
        let now = Instant::now();
        if now >= next_sample {
            next_sample += Duration::from_secs(1);
            let rss = server.memory_mib("VmRSS")?;
            peak = peak.max(rss);
            let at = now - started;
            // Warm-up ends at a fifth of the run; the end is its last fifth.
            if at >= warm_up && at < warm_up + plan.load / 10 {
                warm.push(rss);
            } else if at >= plan.load - plan.load / 5 && at < plan.load {
                end.push(rss);
            }
        }
        if outage_thread.is_none() && now - started >= outage_at {
            workspace.say("PostgreSQL: stopping it under load");
            outage.excused.store(true, Ordering::SeqCst);
            let (cluster_dir, port, bin, pause, outage) = (cluster.dir.clone(), cluster.port, cluster.bin.clone(), plan.outage, outage.clone());
            outage_thread = Some(std::thread::spawn(move || -> Result<(), String> {
                let cluster = Cluster { dir: cluster_dir, port, bin };
                cluster.stop_now()?;
                std::thread::sleep(pause);
                cluster.start()?;
                *outage.back_at.lock().unwrap() = Some(Instant::now());
                // The pool notices a dead connection on its next use; a few seconds of grace.
                std::thread::sleep(Duration::from_secs(5));
                outage.excused.store(false, Ordering::SeqCst);
                Ok(())
            }));
        }
        n += 1;
        while requests.try_join_next().is_some() {}
        let (client, token, load, outage, base, live) = (client.clone(), token.to_owned(), load.clone(), outage.clone(), format!("http://{}", server.addr), live.clone());
        requests.spawn(async move {
            let issue = live[(n * 7919 % live.len() as u64) as usize];
            let (kind, request) = match n % 20 {
                0..=6 => ("list", client.get(format!("{base}/api/v1/issues?status=OPEN&limit=25"))),
                7..=11 => ("read", client.get(format!("{base}/api/v1/issues/{issue}"))),
                12..=16 => ("file", client.post(format!("{base}/api/v1/issues")).json(&serde_json::json!({ "title": format!("Chaos filing {n}"), "description": "Filed under load.", "severity": "LOW" }))),
                _ => ("comment", client.post(format!("{base}/api/v1/issues/{issue}/comments")).json(&serde_json::json!({ "body": format!("Chaos comment {n}") }))),
            };
            let sent = Instant::now();
            let excused_when_sent = outage.excused.load(Ordering::SeqCst);
            let answer = request.bearer_auth(&token).send().await;
            let took = sent.elapsed();
            // A request sent while the database is down may wait for a connection (5 s) and
            // get its 503 after it is back.
            let excused = excused_when_sent || outage.excused.load(Ordering::SeqCst);
            let (status, id) = match answer {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let body: serde_json::Value = response.json().await.unwrap_or_default();
                    (status.to_string(), body["summary"]["id"].as_i64().or(body["id"].as_i64()))
                }
                Err(e) => (format!("transport ({e})"), None),
            };
            let mut load = load.lock().unwrap();
            load.requests += 1;
            let label = if status.starts_with("transport") { "transport".to_owned() } else { status.clone() };
            *load.statuses.entry(label).or_default() += 1;
            if let Some(h) = load.latency.as_mut() {
                let _ = h.record(took.as_micros().max(1) as u64);
            }
            let ok = status.starts_with('2');
            if status == "503" && excused {
                load.during_outage_503 += 1;
            } else if !ok {
                load.unexpected.push(format!("{kind} #{n}: {status}{}", if excused { " (during the outage)" } else { "" }));
            }
            if ok && kind == "file" {
                if let Some(id) = id {
                    load.created.push(id);
                }
                let back = *outage.back_at.lock().unwrap();
                let mut recovered = outage.recovered_at.lock().unwrap();
                if back.is_some_and(|b| sent > b) && recovered.is_none() {
                    *recovered = Some(Instant::now());
                }
            }
            if ok && kind == "comment"
                && let Some(id) = id
            {
                load.comments.push(id);
            }
        });
    }
    while requests.join_next().await.is_some() {}
    let restarted = outage_thread.map(|t| t.join().map_err(|_| "the outage thread panicked".to_owned()).and_then(|r| r));
    stop.store(true, Ordering::SeqCst);
    for socket in sockets {
        let _ = socket.await;
    }
    restarted.transpose()?;
    let mut load = std::mem::take(&mut *load.lock().unwrap());
    let average = |v: &[f64]| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
    load.memory_warm = average(&warm);
    load.memory_end = average(&end);
    load.memory_peak = peak;
    load.socket_messages = heard.load(Ordering::SeqCst);
    load.sockets_open_at_end = open.load(Ordering::SeqCst);
    let back = *outage.back_at.lock().unwrap();
    let recovered = *outage.recovered_at.lock().unwrap();
    load.recovered_after = back.zip(recovered).map(|(b, r)| (r - b).as_secs_f64());
    Ok(load)
}

/// A live client: counts the notices it hears until `stop`; `open` counts those still connected.
async fn listen(addr: String, token: String, stop: Arc<AtomicBool>, heard: Arc<AtomicU64>, open: Arc<AtomicU64>) {
    let Ok(mut socket) = super::live::open_socket(&addr, &token).await else { return };
    while !stop.load(Ordering::SeqCst) {
        match tokio::time::timeout(Duration::from_millis(200), socket.next()).await {
            Ok(Some(Ok(Message::Text(_)))) => {
                heard.fetch_add(1, Ordering::Relaxed);
            }
            Ok(None | Some(Err(_))) => return,
            _ => {}
        }
    }
    open.fetch_add(1, Ordering::SeqCst);
    let _ = socket.send(Message::Close(None)).await;
}

/// `clients` loops filing as fast as they can; the server is killed with SIGKILL after a
/// second. Returns the ids of the filings that were answered 201.
async fn burst_then_kill(server: Server, token: &str, clients: usize) -> Result<Vec<i64>, String> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().map_err(|e| e.to_string())?;
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let url = server.url("/api/v1/issues");
    let loops: Vec<_> = (0..clients)
        .map(|c| {
            let (client, token, url, acknowledged) = (client.clone(), token.to_owned(), url.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let body = serde_json::json!({ "title": format!("Burst filing {c}-{n}"), "description": "Filed in a burst.", "severity": "HIGH" });
                    let Ok(response) = client.post(&url).bearer_auth(&token).json(&body).send().await else { return };
                    if response.status().as_u16() != 201 {
                        continue;
                    }
                    let Ok(value) = response.json::<serde_json::Value>().await else { return };
                    if let Some(id) = value["summary"]["id"].as_i64() {
                        acknowledged.lock().unwrap().push(id);
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    server.kill();
    for l in loops {
        let _ = l.await;
    }
    let ids = std::mem::take(&mut *acknowledged.lock().unwrap());
    if ids.is_empty() {
        return Err("no filing was acknowledged before the kill".into());
    }
    Ok(ids)
}

/// What was found in the database after the fact.
struct Checked {
    acknowledged: usize,
    comments: usize,
    missing: Vec<i64>,
    comments_missing: usize,
    orphans: i64,
}

impl Checked {
    fn ok(&self) -> bool {
        self.missing.is_empty() && self.comments_missing == 0 && self.orphans == 0
    }

    fn describe(&self) -> String {
        format!(
            "{} filings and {} comments acknowledged: {} filings lost{}, {} comments lost, {} half-written rows",
            self.acknowledged,
            self.comments,
            self.missing.len(),
            if self.missing.is_empty() { String::new() } else { format!(" ({:?}...)", &self.missing[..self.missing.len().min(5)]) },
            self.comments_missing,
            self.orphans
        )
    }
}

/// Every id in `issues` is a live issue with its "created" history row, every id in
/// `comments` a comment, and nothing anywhere is half-written.
fn check_rows(database: &data::Database, issues: &[i64], comments: &[i64]) -> Result<Checked, String> {
    let query = |sql: &str| match database.backend {
        Backend::Postgres => super::data::psql_at(&database.url, sql),
        Backend::Sqlite => sqlite(&database.name, sql),
    };
    let list = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let mut missing = Vec::new();
    for chunk in issues.chunks(500) {
        let found = query(&format!(
            "SELECT i.id FROM issues i WHERE i.id IN ({}) AND EXISTS (SELECT 1 FROM issue_events e WHERE e.issue_id = i.id AND e.kind = 'created')",
            list(chunk)
        ))?;
        let found: std::collections::HashSet<i64> = found.lines().filter_map(|l| l.trim().parse().ok()).collect();
        missing.extend(chunk.iter().filter(|id| !found.contains(id)));
    }
    let mut comments_missing = 0;
    for chunk in comments.chunks(500) {
        let found: usize = query(&format!("SELECT count(*) FROM comments WHERE id IN ({})", list(chunk)))?.parse().map_err(|e| format!("{e}"))?;
        comments_missing += chunk.len() - found;
    }
    let orphans: i64 = query(
        "SELECT (SELECT count(*) FROM issue_events e WHERE NOT EXISTS (SELECT 1 FROM issues i WHERE i.id = e.issue_id)) \
         + (SELECT count(*) FROM issues i WHERE NOT EXISTS (SELECT 1 FROM issue_events e WHERE e.issue_id = i.id AND e.kind = 'created')) \
         + (SELECT count(*) FROM comments c WHERE NOT EXISTS (SELECT 1 FROM issues i WHERE i.id = c.issue_id))",
    )?
    .parse()
    .map_err(|e| format!("{e}"))?;
    Ok(Checked { acknowledged: issues.len(), comments: comments.len(), missing, comments_missing, orphans })
}
