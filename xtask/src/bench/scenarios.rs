//! The scenarios and ceilings, in the order they run on each database.
use super::{
    Backend, Plan, Workspace, data,
    live::{self, Settings},
    load::{self, Load, Outcome, Target},
    report::{Budget, Report},
    server::{self, Server},
    sql,
};
use std::time::Duration;
use tokio::runtime::Runtime;

/// Connections for runs that go as fast as the server answers.
const FLAT_OUT: u32 = 32;
/// Connections for runs at a fixed rate (enough that none waits for a free one).
const PACED: u32 = 32;

fn percent(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { 100.0 * part / whole } else { 0.0 }
}

/// One part of the scenarios, to run alone while working on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// S5.
    Sizes,
    /// S1, S4, S6 and S7 on the small data.
    Page,
    /// S2 and S3 on the large data.
    Create,
}

impl Part {
    pub fn named(name: &str) -> Option<Part> {
        match name {
            "sizes" => Some(Part::Sizes),
            "page" => Some(Part::Page),
            "create" => Some(Part::Create),
            _ => None,
        }
    }
}

/// Every scenario on both databases, or only the part `only`. A failure in one database's part
/// is recorded and the other still runs.
pub fn all(workspace: &Workspace, plan: &Plan, runtime: &Runtime, report: &mut Report, only: Option<Part>) -> Result<(), String> {
    let runs = |part: Part| only.is_none_or(|only| only == part);
    if runs(Part::Sizes) {
        wasm_sizes(workspace, report, plan.brotli)?;
    }
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if runs(Part::Page) {
            if let Err(err) = page_and_fan_out(workspace, plan, runtime, report, backend) {
                report.error(format!("{} (page, fan-out): {err}", backend.name()));
            }
        }
        if runs(Part::Create) {
            if let Err(err) = list_and_create(workspace, plan, runtime, report, backend) {
                report.error(format!("{} (list, create): {err}", backend.name()));
            }
        }
    }
    Ok(())
}

/// S5: what a browser downloads before a page hydrates, as shipped: the main WASM and the JS
/// that loads it (and the split loader), plus, for a page whose code is a chunk of its own, that
/// chunk and the shared chunks it needs (from the split manifest). The list, an issue and
/// sign-in are in the main bundle. Brotli at quality 11 takes half a minute on this machine, so a
/// smoke run measures gzip only and checks no budget.
fn wasm_sizes(workspace: &Workspace, report: &mut Report, brotli: bool) -> Result<(), String> {
    workspace.say("S5 WASM bundle sizes");
    let pkg = workspace.project.site_pkg(workspace.profile);
    let size = |name: &str| -> Result<[usize; 3], String> {
        let path = pkg.join(name);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok([
            bytes.len(),
            crate::sizes::gzip(&bytes),
            if brotli {
                crate::sizes::brotli(&bytes)
            } else {
                0
            },
        ])
    };
    let sum = |names: &[String]| -> Result<[usize; 3], String> {
        names.iter().try_fold([0; 3], |total, name| {
            let one = size(name)?;
            Ok([total[0] + one[0], total[1] + one[1], total[2] + one[2]])
        })
    };
    let mut files: Vec<String> = std::fs::read_dir(&pkg)
        .map_err(|e| format!("{}: {e}", pkg.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".wasm") || name.ends_with(".js"))
        .collect();
    files.sort();
    let initial: Vec<String> = files
        .iter()
        .filter(|name| name.starts_with("tracker.") || name.starts_with("__wasm_split."))
        .cloned()
        .collect();
    let manifest: std::collections::BTreeMap<String, Vec<String>> =
        match std::fs::read_to_string(pkg.join("__wasm_split_manifest.json")) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|e| format!("the split manifest: {e}"))?
            }
            Err(_) => Default::default(),
        };
    let (unit_index, unit_name) = if brotli { (2, "brotli") } else { (1, "gzip") };
    let main = sum(&initial)?;
    report.row(
        "S5",
        "-",
        "initial download (WASM + JS), raw: list, issue, sign-in",
        main[0] as f64,
        "B",
        None,
    );
    report.row(
        "S5",
        "-",
        format!("initial download (WASM + JS), {unit_name}: list, issue, sign-in"),
        main[unit_index] as f64,
        "B",
        brotli.then_some(Budget::AtMost(150_000.0)),
    );
    for (split, chunks) in &manifest {
        // `__dashboard_view_<hash>` is the dashboard page; `dialog_<hash>` the palette.
        let what = split
            .trim_start_matches("__")
            .rsplit_once('_')
            .map_or(split.as_str(), |(name, _)| name);
        let what = what.strip_suffix("_view").map_or_else(
            || format!("{what} (on first use)"),
            |page| format!("page {page}"),
        );
        let own: Vec<String> = chunks.iter().map(|chunk| format!("{chunk}.wasm")).collect();
        let extra = sum(&own)?;
        report.row(
            "S5",
            "-",
            format!(
                "initial download, {unit_name}: {what} (main + {} B of chunks)",
                extra[unit_index]
            ),
            (main[unit_index] + extra[unit_index]) as f64,
            "B",
            None,
        );
    }
    let all = sum(&files)?;
    report.row(
        "S5",
        "-",
        format!("every WASM and JS file, {unit_name}"),
        all[unit_index] as f64,
        "B",
        None,
    );
    Ok(())
}

/// How long seeding took and what it made.
fn seeded(report: &mut Report, database: &data::Database) {
    let (db, made) = (database.backend.name(), &database.manifest);
    report.row("seed", db, format!("{} issues seeded", made.issues), database.wall_seconds, "s", None);
    report.detail(
        format!("seed/{db}/{}", made.issues),
        serde_json::json!({ "wall_seconds": database.wall_seconds, "insert_seconds": made.seconds, "users": made.users, "issues": made.issues,
            "comments": made.comments, "issue_events": made.issue_events, "issue_tags": made.issue_tags }),
    );
}

/// Runs oha once to warm up and once to measure; failed requests are recorded as errors.
fn measure(report: &mut Report, plan: &Plan, label: String, target: &Target, load: Load) -> Result<Outcome, String> {
    load::run(target, Load { duration: plan.warm_up, ..load })?;
    let outcome = load::run(target, load)?;
    if outcome.errors > 0 || outcome.ok == 0 {
        report.error(format!("{label}: {} of {} requests failed (statuses {:?}, errors {:?})", outcome.errors, outcome.requests, outcome.statuses, outcome.failures));
    }
    report.detail(label, &outcome);
    Ok(outcome)
}

/// Checks once that `target` answers with what a user would see, so a run of sign-in pages
/// or errors is not measured as success.
fn check(runtime: &Runtime, target: &Target, expect: &str) -> Result<(), String> {
    runtime.block_on(async {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().map_err(|e| e.to_string())?;
        let mut request = if target.method == "GET" { client.get(&target.url) } else { client.post(&target.url) };
        if let Some(form) = &target.form {
            request = request.header("content-type", "application/x-www-form-urlencoded").body(form.clone());
        }
        if let Some(token) = &target.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| format!("{}: {e}", target.url))?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if status.is_success() && body.contains(expect) {
            Ok(())
        } else {
            Err(format!("{} answered {status} without {expect:?}: {}", target.url, body.chars().take(300).collect::<String>()))
        }
    })
}

/// S1 (page), S4 (fan-out), S6 (cold start), S7 (memory) and the HTTP ceiling, on the small data.
fn page_and_fan_out(workspace: &Workspace, plan: &Plan, runtime: &Runtime, report: &mut Report, backend: Backend) -> Result<(), String> {
    let db = backend.name();
    let database = data::seed(workspace, backend, plan.small)?;
    seeded(report, &database);
    let page = database.manifest.views.get("page").ok_or("the manifest has no page view")?.clone();
    let server = Server::start(workspace, &database.url, &format!("{db}-{}", plan.small))?;
    // Idle: started, migrations checked, the start-up statistics run finished, then a moment.
    if !runtime.block_on(server.statistics_computed(Duration::from_secs(120))) {
        workspace.say(format!("{db}: the start-up statistics run was not counted within 120 s; S7 is read anyway"));
    }
    std::thread::sleep(plan.settle);
    report.row("S7", db, "resident memory, idle after start", server.memory_mib("VmRSS")?, "MiB", Some(Budget::AtMost(30.0)));
    let token = runtime.block_on(server.log_in(&database.manifest))?;

    let page_target = Target::get(server.url(&page.url), Some(&token));
    check(runtime, &page_target, "data-testid=\"issue-count\"")?;
    workspace.say(format!("{db}: S1 page {} at 500 req/s, then flat out", page.url));
    let paced = measure(report, plan, format!("S1/{db}/500"), &page_target, Load { rate: Some(500), connections: PACED, duration: plan.run })?;
    let flat = measure(report, plan, format!("S1/{db}/max"), &page_target, Load { rate: None, connections: FLAT_OUT, duration: plan.run })?;
    report.row("S1", db, "page p99 at 500 req/s", paced.p99_ms, "ms", Some(Budget::AtMost(10.0)));
    report.row("S1", db, "page p50 at 500 req/s", paced.p50_ms, "ms", None);
    report.row("S1", db, "page max throughput", flat.ok_per_sec, "req/s", None);
    // One client at a time: the page's own time, without queueing, to set the SQL against.
    let alone = measure(report, plan, format!("S1/{db}/one-client"), &page_target, Load { rate: None, connections: 1, duration: plan.run / 2 })?;
    report.row("S1", db, "page p50, one client at a time", alone.p50_ms, "ms", None);
    report.row("S7", db, "resident memory, peak during S1", server.memory_mib("VmHWM")?, "MiB", Some(Budget::AtMost(100.0)));

    // In a real browser, on the pages people open first.
    let issue_page = "/issues/1";
    check(
        runtime,
        &Target::get(server.url(issue_page), Some(&token)),
        "</h1>",
    )?;
    super::browser::hydration(
        workspace,
        plan,
        report,
        db,
        &server.url(""),
        &database.manifest,
        &[("list", page.url.clone()), ("issue", issue_page.to_owned())],
    )?;

    // Before S4 files more issues, so the database is what S1 saw; the server idles meanwhile.
    workspace.say(format!("{db}: the S1 list's SQL alone"));
    let timing = sql::time(&database, &page.sql, plan.sql_time)?;
    report.row("C", db, "S1 list SQL alone (page + total), mean", timing.mean_ms, "ms", None);
    report.row("C", db, "S1 list SQL as share of one-client page p50", percent(timing.mean_ms, alone.p50_ms), "%", None);
    report.detail(format!("C/{db}/sql-page"), &timing);

    workspace.say(format!("{db}: ceiling GET /health/live flat out"));
    let live_target = Target::get(server.url("/health/live"), None);
    let ceiling = measure(report, plan, format!("C/{db}/health-live"), &live_target, Load { rate: None, connections: FLAT_OUT, duration: plan.run })?;
    report.row("C", db, "GET /health/live max throughput", ceiling.ok_per_sec, "req/s", None);
    report.row("C", db, "S1 max throughput as share of it", percent(flat.ok_per_sec, ceiling.ok_per_sec), "%", None);

    workspace.say(format!("{db}: S4 {} WebSocket clients, {} issues/s for {:?}", plan.ws_clients, plan.ws_events_per_sec, plan.ws_seconds));
    let fan_out = runtime.block_on(live::fan_out(Settings {
        addr: &server.addr,
        server_pid: server.pid(),
        token: &token,
        create_path: &database.manifest.paths.create_issue,
        clients: plan.ws_clients,
        events_per_sec: plan.ws_events_per_sec,
        duration: plan.ws_seconds,
    }))?;
    if fan_out.connect_failures > 0 || fan_out.publish_errors > 0 || fan_out.delivered == 0 {
        report.error(format!(
            "S4/{db}: {} of {} clients failed to connect, {} publishes failed, {} notices delivered",
            fan_out.connect_failures, plan.ws_clients, fan_out.publish_errors, fan_out.delivered
        ));
    }
    // The budget is the fan-out's: from the issue's write to a client's receipt. From the
    // request's sending adds the request's own time, shown beside it.
    report.row("S4", db, format!("write->receive p99, {} clients", fan_out.clients), fan_out.written_p99_ms, "ms", Some(Budget::AtMost(20.0)));
    report.row("S4", db, "write->receive p50", fan_out.written_p50_ms, "ms", None);
    report.row("S4", db, format!("publish->receive p99, {} clients", fan_out.clients), fan_out.p99_ms, "ms", None);
    report.row("S4", db, "publish->receive p50", fan_out.p50_ms, "ms", None);
    report.row("S4", db, format!("dropped of {} expected", fan_out.expected), fan_out.dropped as f64, "", Some(Budget::AtMost(0.0)));
    report.row("S4", db, "CPU cores used while publishing: server", fan_out.server_cpu_cores, "", None);
    report.row("S4", db, "CPU cores used while publishing: bench", fan_out.bench_cpu_cores, "", None);
    report.detail(format!("S4/{db}"), &fan_out);

    workspace.say(format!("{db}: S9 {} open list pages, {} changes/s for {:?}", plan.live_pages, plan.live_changes_per_sec, plan.live_seconds));
    let pages = runtime.block_on(super::pages::live_pages(super::pages::Settings {
        addr: &server.addr,
        server_pid: server.pid(),
        token: &token,
        list_path: &database.manifest.paths.list_issues,
        list_form: page.form_body(),
        filter: page.filter.clone(),
        create_path: &database.manifest.paths.create_issue,
        issues: database.manifest.issues,
        pages: plan.live_pages,
        changes_per_sec: plan.live_changes_per_sec,
        duration: plan.live_seconds,
    }))?;
    if pages.connect_failures > 0 || pages.change_errors > 0 || pages.reload_errors > 0 || pages.heard == 0 {
        report.error(format!(
            "S9/{db}: {} of {} pages failed to open, {} of {} changes and {} reloads failed, {} notices heard",
            pages.connect_failures, plan.live_pages, pages.change_errors, pages.changes, pages.reload_errors, pages.heard
        ));
    }
    report.row("S9", db, format!("reload p99, {} pages at {} changes/s", pages.pages, plan.live_changes_per_sec), pages.reload_p99_ms, "ms", None);
    report.row("S9", db, "reload p50", pages.reload_p50_ms, "ms", None);
    report.row("S9", db, "reloads per page per second (at most 1)", pages.reloads_per_page_per_sec, "", Some(Budget::AtMost(1.0)));
    report.row("S9", db, "issue notices patched in place", percent(pages.patched as f64, pages.heard as f64), "%", None);
    report.row("S9", db, "issue notices changing nothing on the page", percent(pages.unaffected as f64, pages.heard as f64), "%", None);
    report.row("S9", db, "issue notices changing only the count", percent(pages.counted as f64, pages.heard as f64), "%", None);
    report.row("S9", db, "issue notices asking for a reload", percent(pages.reload_asked as f64, pages.heard as f64), "%", None);
    report.row("S9", db, "CPU cores used while changing: server", pages.server_cpu_cores, "", None);
    report.row("S9", db, "CPU cores used while changing: bench", pages.bench_cpu_cores, "", None);
    report.detail(format!("S9/{db}"), &pages);
    server.stop();


    if backend == Backend::Sqlite {
        workspace.say(format!("{db}: S6 cold start, {} runs", plan.cold_starts));
        let mut times = server::cold_start(workspace, &database.url, plan.cold_starts)?;
        times.sort_by(f64::total_cmp);
        report.row("S6", db, format!("cold start to first 200, median of {}", times.len()), times[times.len() / 2], "ms", Some(Budget::AtMost(100.0)));
        report.detail(format!("S6/{db}"), &times);
    }
    data::drop(&database);
    Ok(())
}

/// S2 (JSON list: filters, search) and S3 (create), on the large data.
fn list_and_create(workspace: &Workspace, plan: &Plan, runtime: &Runtime, report: &mut Report, backend: Backend) -> Result<(), String> {
    let db = backend.name();
    let database = data::seed(workspace, backend, plan.large)?;
    seeded(report, &database);
    // Email on, towards a port where nothing listens: owned filings queue mail that waits for
    // its retries, as it would while a mail provider is down.
    let dead_smtp = format!("smtp://{}", server::free_addr()?);
    let mail = [("SMTP_URL", dead_smtp), ("MAIL_FROM", "Tracker <tracker@bench.test>".to_owned())];
    let server = Server::start_with(workspace, &database.url, &format!("{db}-{}", plan.large), &mail)?;
    std::thread::sleep(plan.settle);
    let token = runtime.block_on(server.log_in(&database.manifest))?;
    let list_url = server.url(&database.manifest.paths.list_issues);
    let mut p50s = Vec::new();
    for (name, budget) in [("filter", 10.0), ("search", 25.0)] {
        let view = database.manifest.views.get(name).ok_or_else(|| format!("the manifest has no {name} view"))?;
        let target = Target::post_form(list_url.clone(), view.form_body(), &token);
        check(runtime, &target, "\"items\":[{")?;
        workspace.say(format!("{db}: S2 JSON list, {name} {}, at 200 req/s, then one client at a time", view.describe()));
        let outcome = measure(report, plan, format!("S2/{db}/{name}"), &target, Load { rate: Some(200), connections: PACED, duration: plan.run })?;
        report.row("S2", db, format!("JSON list, {name}: p99 at 200 req/s"), outcome.p99_ms, "ms", Some(Budget::AtMost(budget)));
        report.row("S2", db, format!("JSON list, {name}: p50 at 200 req/s"), outcome.p50_ms, "ms", None);
        let alone = measure(report, plan, format!("S2/{db}/{name}/one-client"), &target, Load { rate: None, connections: 1, duration: plan.run / 2 })?;
        report.row("S2", db, format!("JSON list, {name}: p50, one client at a time"), alone.p50_ms, "ms", None);
        p50s.push((name, view.sql.clone(), alone.p50_ms));
    }

    // The filing page's "this looks like #123", for a title as the seeded ones read: the issues
    // holding all of its words, then most of them.
    let similar = Target::post_form(server.url(&database.manifest.paths.similar_issues), "title=Checkout+crashes+when+saving+a+draft+on+Safari+17".to_owned(), &token);
    check(runtime, &similar, "\"status\":")?;
    workspace.say(format!("{db}: S2 look-alike issues for a title, at 200 req/s"));
    let outcome = measure(report, plan, format!("S2/{db}/look-alike"), &similar, Load { rate: Some(200), connections: PACED, duration: plan.run })?;
    report.row("S2", db, "look-alike issues for a typed title: p99 at 200 req/s", outcome.p99_ms, "ms", Some(Budget::AtMost(30.0)));
    report.row("S2", db, "look-alike issues for a typed title: p50 at 200 req/s", outcome.p50_ms, "ms", None);

    // Before S3 adds thousands of open issues (and, on PostgreSQL, fills the search index's
    // pending list), so the database is what S2 saw.
    workspace.say(format!("{db}: the S2 lists' SQL alone"));
    for (name, statements, p50) in p50s {
        let timing = sql::time(&database, &statements, plan.sql_time)?;
        report.row("C", db, format!("S2 {name} SQL alone (page + total), mean"), timing.mean_ms, "ms", None);
        report.row("C", db, format!("S2 {name} SQL as share of one-client p50"), percent(timing.mean_ms, p50), "%", None);
        report.detail(format!("C/{db}/sql-{name}"), &timing);
    }

    workspace.say(format!("{db}: S3 create issues flat out"));
    let filing = |description_tail: &str, owner: &str| {
        format!("title=Export+times+out+on+large+projects&description=**Steps**%3A+export+a+project+with+10k+issues.{description_tail}&severity=MEDIUM{owner}")
    };
    let create = Target::post_form(server.url(&database.manifest.paths.create_issue), filing("", ""), &token);
    let outcome = measure(report, plan, format!("S3/{db}"), &create, Load { rate: None, connections: 16, duration: plan.run })?;
    let floor = if backend == Backend::Postgres { 1500.0 } else { 1000.0 };
    report.row("S3", db, "create issue throughput", outcome.ok_per_sec, "/s", Some(Budget::AtLeast(floor)));
    report.row("S3", db, "create issue p99 flat out", outcome.p99_ms, "ms", None);

    // The same filing, assigned to a second maintainer and mentioning two more people: each
    // writes three notifications and their watchers, and queues three mails.
    let mentions: Vec<String> = database.manifest.mentioned.iter().map(|handle| format!("%40{handle}")).collect();
    workspace.say(format!("{db}: S3 create issues flat out, assigned and mentioning {}", database.manifest.mentioned.join(", ")));
    let owned = filing(&format!("+cc+{}", mentions.join("+")), &format!("&assignee_id={}", database.manifest.assignee_id));
    let create = Target::post_form(server.url(&database.manifest.paths.create_issue), owned, &token);
    check(runtime, &create, "\"assignee\":{")?;
    let notifying = measure(report, plan, format!("S3/{db}/owned"), &create, Load { rate: None, connections: 16, duration: plan.run })?;
    report.row("S3", db, "create issue throughput, assigned + 2 mentions", notifying.ok_per_sec, "/s", None);
    report.row("S3", db, "create issue p99 flat out, assigned + 2 mentions", notifying.p99_ms, "ms", None);
    report.row("S3", db, "assigned + 2 mentions as share of plain throughput", percent(notifying.ok_per_sec, outcome.ok_per_sec), "%", Some(Budget::AtLeast(80.0)));
    server.stop();

    data::drop(&database);
    Ok(())
}
