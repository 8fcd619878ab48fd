//! `cargo xtask bench`: seeds SQLite and PostgreSQL, serves the release build on each, drives
//! every scenario of the performance budget with real load generators (oha for HTTP, a
//! tokio-tungstenite client for the WebSocket), measures the ceilings in the same run, then
//! prints a table and writes it as JSON under `bench/results/`.
//! `--smoke` runs the same steps on small data for a second or two each and checks only that
//! every scenario completes without errors.
mod browser;
pub mod chaos;
mod data;
mod live;
mod load;
mod pages;
mod report;
mod scenarios;
mod server;
mod sql;

use crate::{Profile, Project, project, tools};
use report::Report;
use std::{path::PathBuf, time::{Duration, Instant}};

/// The two databases every scenario runs on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// How much data and time each scenario gets.
pub struct Plan {
    /// Issues for the page (S1) and the WebSocket (S4).
    pub small: usize,
    /// Issues for the JSON list and search (S2) and for creating (S3).
    pub large: usize,
    /// How long each measured HTTP run lasts.
    pub run: Duration,
    /// The same request before each run, unmeasured: connections opened, caches filled.
    pub warm_up: Duration,
    /// How long a freshly started server is left alone before its idle memory is read.
    pub settle: Duration,
    pub ws_clients: usize,
    pub ws_events_per_sec: u32,
    pub ws_seconds: Duration,
    /// S9: open list pages, the changes a second they hear of, and for how long.
    pub live_pages: usize,
    pub live_changes_per_sec: u32,
    pub live_seconds: Duration,
    pub cold_starts: usize,
    /// Whether S5 measures brotli (quality 11 takes half a minute).
    pub brotli: bool,
    /// How long the database alone is timed for each ceiling query (PostgreSQL: whole seconds, at least one).
    pub sql_time: Duration,
    /// How many times S8 opens each page in a fresh browser context.
    pub hydration_runs: usize,
    /// A smoke run: budgets are not checked.
    pub smoke: bool,
}

impl Plan {
    fn new(smoke: bool) -> Plan {
        if smoke {
            Plan {
                small: 300,
                large: 500,
                run: Duration::from_secs(1),
                warm_up: Duration::from_millis(200),
                settle: Duration::from_millis(300),
                ws_clients: 50,
                ws_events_per_sec: 50,
                ws_seconds: Duration::from_secs(1),
                live_pages: 20,
                live_changes_per_sec: 10,
                live_seconds: Duration::from_secs(2),
                cold_starts: 2,
                brotli: false,
                sql_time: Duration::from_millis(300),
                hydration_runs: 1,
                smoke: true,
            }
        } else {
            Plan {
                small: 10_000,
                large: 100_000,
                run: Duration::from_secs(10),
                warm_up: Duration::from_secs(1),
                settle: Duration::from_secs(2),
                ws_clients: 1_000,
                ws_events_per_sec: 50,
                ws_seconds: Duration::from_secs(10),
                live_pages: 500,
                live_changes_per_sec: 10,
                live_seconds: Duration::from_secs(10),
                cold_starts: 7,
                brotli: true,
                sql_time: Duration::from_secs(5),
                hydration_runs: 10,
                smoke: false,
            }
        }
    }
}

/// Where this run keeps its databases' files and the servers' data directories.
pub struct Workspace {
    pub project: Project,
    /// The build under test (its server binary and site): the release, or for a smoke run the
    /// debug build the tests already made.
    pub profile: Profile,
    pub dir: PathBuf,
    /// When measuring began, for the progress lines.
    pub started: Instant,
}

impl Workspace {
    /// A progress line, with the time since measuring began.
    pub fn say(&self, message: impl std::fmt::Display) {
        println!("bench {:>6.1} s: {message}", self.started.elapsed().as_secs_f64());
    }
}

/// Fails early, naming the fix, when a program or service the benchmark needs is missing.
fn check_services() -> Result<(), String> {
    tools::check_programs()?;
    let reachable = std::process::Command::new("psql").args([&tools::test_postgres_url(), "-qtc", "SELECT 1"]).output();
    match reachable {
        Ok(out) if out.status.success() => Ok(()),
        _ => Err(format!(
            "PostgreSQL does not answer at {}: start it and create the role as the README says (or set TEST_POSTGRES_URL)",
            tools::test_postgres_url()
        )),
    }
}

/// The whole benchmark; `args` may hold `--smoke`, and `--only <part>` to run one part of the
/// scenarios (`sizes`, `page` for S1/S4/S6/S7, `create` for S2/S3) while working on it.
pub fn run(args: &[String]) -> Result<(), String> {
    const USAGE: &str = "usage: cargo xtask bench [--smoke] [--only sizes|page|create]";
    let mut smoke = false;
    let mut only = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--smoke" => smoke = true,
            "--only" => only = Some(rest.next().and_then(|part| scenarios::Part::named(part)).ok_or(USAGE)?),
            _ => return Err(USAGE.into()),
        }
    }
    let started = Instant::now();
    let project = project();
    tools::setup(false)?;
    // The full run measures the release build, as deployed (what `cargo xtask build` does, less
    // its size table: S5 measures the bundle itself). A smoke run checks only that every
    // scenario completes, so the debug build the tests use serves (and costs no second build).
    let profile = if smoke { Profile::Debug } else { Profile::Release };
    crate::build(&project, profile)?;
    let built = started.elapsed();
    crate::oha::ensure(&project)?;
    check_services()?;
    let dir = project.target.join("bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let workspace = Workspace { project, profile, dir, started: Instant::now() };
    let plan = Plan::new(smoke);
    let mut report = Report::new(smoke);
    report.part = only.map(|part| format!("{part:?}").to_lowercase());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(|e| e.to_string())?;
    let outcome = scenarios::all(&workspace, &plan, &runtime, &mut report, only);
    report.durations(built, workspace.started.elapsed());
    report.print();
    let written = report.write(&workspace.project.root.join("bench/results"))?;
    println!("results: {}", written.display());
    let _ = std::fs::remove_dir_all(&workspace.dir);
    outcome?;
    match report.errors() {
        [] => Ok(()),
        errors => Err(format!(
            "{} scenario(s) had errors: {} (server logs: {})",
            errors.len(),
            errors.join("; "),
            workspace.project.target.join("bench-logs").display()
        )),
    }
}
