//! S8: hydration timed in a real browser. Playwright (end2end/perf) opens each page in a new
//! context (an empty cache) several times against the benchmark's server and reports, per page,
//! the milliseconds from navigation start to the main WASM's first byte and to hydrated.
use super::{
    Plan, Workspace, data,
    report::{Budget, Report},
};
use crate::tools;
use serde::Deserialize;
use std::{collections::BTreeMap, process::Command};

#[derive(Deserialize)]
struct Timings {
    hydrated: Vec<f64>,
    first_wasm_byte: Vec<f64>,
}

fn percentile(values: &[f64], share: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
        .get(((sorted.len() as f64 - 1.0) * share).round() as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

/// Times `pages` (name, path) on the server at `base_url`, signed in as the manifest's maintainer.
pub fn hydration(
    workspace: &Workspace,
    plan: &Plan,
    report: &mut Report,
    db: &'static str,
    base_url: &str,
    manifest: &data::Manifest,
    pages: &[(&str, String)],
) -> Result<(), String> {
    workspace.say(format!(
        "{db}: S8 hydration in Chromium, {} runs a page",
        plan.hydration_runs
    ));
    let out = workspace.dir.join(format!("hydration-{db}.json"));
    let listed: Vec<String> = pages
        .iter()
        .map(|(name, path)| format!("{name}={path}"))
        .collect();
    crate::run_checked(
        Command::new("npx")
            .args(["playwright", "test", "--config", "perf.config.ts"])
            .current_dir(workspace.project.root.join("end2end"))
            .env("PERF_BASE_URL", base_url)
            .env("PERF_LOGIN", &manifest.paths.log_in)
            .env("PERF_EMAIL", &manifest.maintainer)
            .env("PERF_PASSWORD", data::PASSWORD)
            .env("PERF_PAGES", listed.join(","))
            .env("PERF_RUNS", plan.hydration_runs.to_string())
            .env("PERF_OUT", &out)
            .env("CHROMIUM_PATH", tools::chromium())
            .env("PATH", tools::path_with_tools(&workspace.project)),
        "playwright (S8)",
    )?;
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let timings: BTreeMap<String, Timings> =
        serde_json::from_str(&text).map_err(|e| format!("S8 timings: {e}"))?;
    for (name, timing) in &timings {
        let budget = (!plan.smoke).then_some(Budget::AtMost(150.0));
        report.row(
            "S8",
            db,
            format!("{name}: navigation to hydrated, p50"),
            percentile(&timing.hydrated, 0.5),
            "ms",
            budget,
        );
        report.row(
            "S8",
            db,
            format!("{name}: navigation to hydrated, max"),
            percentile(&timing.hydrated, 1.0),
            "ms",
            None,
        );
        report.row(
            "S8",
            db,
            format!("{name}: navigation to first WASM byte, p50"),
            percentile(&timing.first_wasm_byte, 0.5),
            "ms",
            None,
        );
        report.row(
            "S8",
            db,
            format!("{name}: navigation to first WASM byte, max"),
            percentile(&timing.first_wasm_byte, 1.0),
            "ms",
            None,
        );
    }
    Ok(())
}
