//! `cargo xtask coverage`: line coverage of `app` and `server` from their unit and integration
//! tests, which run on SQLite and PostgreSQL alike, measured with cargo-llvm-cov. Writes an HTML
//! report and prints one line per crate.
//!
//! Measured is the server's build of each crate (`ssr`). Code compiled only into the browser's
//! WASM (`hydrate`) is not in it; Playwright exercises that. The migrations, the xtask and the
//! frontend's entry point are not counted.
use crate::{Project, run_checked, tools};
use std::process::Command;

/// Files not counted: other crates, and dependencies' sources.
const IGNORED: &str = r"(^|/)(frontend|xtask|migration)/|/\.cargo/|/rustc/";

/// The share of lines each crate's tests reach that the README promises.
const TARGET_PERCENT: f64 = 80.0;

pub fn run(project: &Project) -> Result<(), String> {
    tools::ensure_llvm_tools()?;
    tools::ensure_cargo_llvm_cov(project)?;
    let llvm_cov = || {
        let mut command = Command::new("cargo");
        command.arg("llvm-cov").current_dir(&project.root);
        command
    };
    run_checked(
        llvm_cov()
            .args(["--no-report", "-p", "migration", "-p", "app", "-p", "server", "--features", "app/ssr"])
            // One test at a time, as `cargo xtask test` runs them.
            .args(["--", "--test-threads=1"])
            .env("MOTO_SERVER", tools::moto_server(project))
            .env("SMTP_SINK", tools::smtp_sink(project)),
        "cargo llvm-cov (the tests)",
    )?;
    let html = project.target.join("coverage");
    run_checked(
        llvm_cov().args(["report", "--html", "--ignore-filename-regex", IGNORED, "--output-dir"]).arg(&html),
        "cargo llvm-cov report --html",
    )?;
    let json = llvm_cov()
        .args(["report", "--json", "--summary-only", "--ignore-filename-regex", IGNORED])
        .output()
        .map_err(|e| format!("cargo llvm-cov report --json: {e}"))?;
    if !json.status.success() {
        return Err(format!("cargo llvm-cov report --json failed: {}", String::from_utf8_lossy(&json.stderr)));
    }
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).map_err(|e| format!("the coverage report: {e}"))?;
    let mut below = Vec::new();
    for krate in ["app", "server"] {
        let (covered, count) = lines_of(&report, &format!("/{krate}/src/"));
        let percent = if count == 0 { 0.0 } else { 100.0 * covered as f64 / count as f64 };
        println!("coverage: {krate} {percent:.1}% of {count} lines ({covered} reached)");
        if percent < TARGET_PERCENT {
            below.push(format!("{krate} {percent:.1}%"));
        }
    }
    println!("coverage: report in {}", html.join("html/index.html").display());
    if below.is_empty() { Ok(()) } else { Err(format!("below {TARGET_PERCENT}% of lines: {}", below.join(", "))) }
}

/// Lines reached and lines counted in the files whose path contains `dir`.
fn lines_of(report: &serde_json::Value, dir: &str) -> (u64, u64) {
    let files = report["data"][0]["files"].as_array().into_iter().flatten();
    files
        .filter(|file| file["filename"].as_str().is_some_and(|name| name.contains(dir)))
        .map(|file| (file["summary"]["lines"]["covered"].as_u64().unwrap_or(0), file["summary"]["lines"]["count"].as_u64().unwrap_or(0)))
        .fold((0, 0), |(covered, count), (c, n)| (covered + c, count + n))
}
