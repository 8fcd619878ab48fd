//! Project commands: `cargo xtask <setup|run|test|build|sizes|bench>`.
//! Each installs whatever pinned tool is missing first, so a fresh machine with Rust and Node.js
//! needs nothing else from the developer.
mod bench;
mod e2e;
mod sizes;
mod tools;

use std::{
    path::PathBuf,
    process::{Command, ExitCode},
};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup    install the pinned build and test tools that are missing
  run      build the release and serve it on http://127.0.0.1:3000 (SQLite in ./data)
  test     run every test: unit, integration (SQLite and PostgreSQL), end-to-end, the API
           fuzzing and the benchmark's smoke run
  e2e      build the debug site and run only the end-to-end tests (extra arguments go to
           Playwright: `cargo xtask e2e dashboard` runs one spec file)
  build    build the release and print the WASM bundle's sizes
  sizes    print the sizes of the last release build's WASM bundle
  bench    build the release, seed SQLite and PostgreSQL, measure every performance budget and
           write the table to bench/results/ (`--smoke`: small data, seconds, errors only)";

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_default();
    let result = match command.as_str() {
        "setup" => tools::setup(true),
        "run" => run(),
        "test" => test(),
        "e2e" => end_to_end(&std::env::args().skip(2).collect::<Vec<_>>()),
        "build" => build_release(),
        "sizes" => sizes::report(&project().site_pkg()),
        "bench" => bench::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Where things are: the workspace root and the cargo target directory.
pub struct Project {
    pub root: PathBuf,
    pub target: PathBuf,
}

impl Project {
    /// The directory cargo-leptos writes the site (WASM, JS, CSS, assets) into.
    pub fn site(&self) -> PathBuf {
        self.target.join("site")
    }

    /// The site's package directory, where the bundle lives.
    pub fn site_pkg(&self) -> PathBuf {
        self.site().join("pkg")
    }
}

/// Finds the workspace root and honours `CARGO_TARGET_DIR`.
pub fn project() -> Project {
    // `cargo run` sets the manifest directory at run time too. Prefer it: clones that share one
    // target directory share one xtask binary, which would otherwise act on the clone that built it.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let root = manifest.parent().expect("xtask lives in the workspace").to_path_buf();
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    let target = if target.is_absolute() { target } else { root.join(target) };
    Project { root, target }
}

/// Runs `command` to completion, failing with its description if it does not succeed.
pub fn run_checked(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{what}: cannot start ({e})"))?;
    if status.success() { Ok(()) } else { Err(format!("{what} failed ({status})")) }
}

/// A `cargo leptos` command with the pinned tools on PATH.
fn cargo_leptos(project: &Project, args: &[&str]) -> Command {
    let mut command = Command::new("cargo");
    command.arg("leptos").args(args).current_dir(&project.root).env("PATH", tools::path_with_tools(project));
    command
}

/// The release build as deployed: the bundle and assets also written brotli- and gzip-compressed
/// at their best levels, which the server sends as they are instead of compressing each request.
const RELEASE_BUILD: &[&str] = &["build", "--release", "--precompress"];

fn build_release() -> Result<(), String> {
    tools::setup(false)?;
    let project = project();
    run_checked(&mut cargo_leptos(&project, RELEASE_BUILD), "cargo leptos build --release")?;
    sizes::report(&project.site_pkg())
}

fn run() -> Result<(), String> {
    build_release()?;
    let project = project();
    let mut server = Command::new(project.target.join("release/server"));
    server
        .current_dir(&project.root)
        .env("LEPTOS_SITE_ROOT", project.site())
        .env("LEPTOS_OUTPUT_NAME", "tracker");
    println!("serving on http://{}", std::env::var("BIND_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into()));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Replace this process, so Ctrl-C and SIGTERM reach the server directly.
        Err(format!("cannot start the server: {}", server.exec()))
    }
    #[cfg(not(unix))]
    run_checked(&mut server, "server")
}

/// Everything the tests need: tools, services, and the debug build of the server, the WASM
/// bundle and the CSS.
fn prepare_tests() -> Result<Project, String> {
    tools::setup(true)?;
    let project = project();
    tools::check_test_services()?;
    run_checked(&mut cargo_leptos(&project, &["build"]), "cargo leptos build")?;
    Ok(project)
}

/// Only the browser tests, for working on the UI; `filters` pick spec files or test names.
fn end_to_end(filters: &[String]) -> Result<(), String> {
    e2e::run(&prepare_tests()?, filters)
}

fn test() -> Result<(), String> {
    let project = prepare_tests()?;
    run_checked(
        Command::new("cargo")
            .args(["test", "-p", "migration", "-p", "app", "-p", "server", "-p", "xtask", "--features", "app/ssr"])
            // One test at a time: each integration test runs its server on its own tokio runtime,
            // and Leptos's server rendering can stall when several runtimes in one process render
            // at once (a production server has one runtime and is not affected).
            .args(["--", "--test-threads=1"])
            .env("MOTO_SERVER", tools::moto_server(&project))
            .current_dir(&project.root),
        "cargo test",
    )?;
    e2e::run(&project, &[])?;
    // Every benchmark scenario once more, on small data for a second or two each: it fails on
    // any error, never on a timing.
    bench::run(&["--smoke".to_owned()])
}
