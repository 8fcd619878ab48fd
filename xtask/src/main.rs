//! Project commands: `cargo xtask <setup|run|admin|seed-demo|server|test|e2e|build|sizes|bench|layers|coverage|chaos>`.
//! Each installs whatever pinned tool is missing first, so a fresh machine with Rust and Node.js
//! needs nothing else from the developer.
mod bench;
mod coverage;
mod e2e;
mod layers;
mod oha;
mod sizes;
mod tools;

use std::{
    path::PathBuf,
    process::{Command, ExitCode},
};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup      install the pinned build and test tools that are missing
  run        build the release and serve it on http://127.0.0.1:3000 (SQLite in ./data)
  admin      `admin create --email you@example.com [--password-stdin]`: create the first admin
             (or promote an account) with the release server, on the database `run` serves
  seed-demo  insert the demo issues into that database, if it has no issues
  server     any other server command the same way (`cargo xtask server audit verify`)
  test       run every test: unit, integration (SQLite and PostgreSQL), end-to-end, the API
             fuzzing and the benchmark's smoke run
  e2e        build the debug site and run only the end-to-end tests (extra arguments go to
             Playwright: `cargo xtask e2e dashboard` runs one spec file)
  build      build the release and print the WASM bundle's sizes
  sizes      print the sizes of the last release build's WASM bundle
  bench      build the release, seed SQLite and PostgreSQL, measure every performance budget
             and write the table to bench/results/ (`--smoke`: small data, seconds, errors only)
  layers     check that no modules import each other (needs cargo-modules 0.27.0; minutes)
  chaos      endurance and faults on the release build: 10 minutes of mixed load at 300
             requests a second with memory sampled, PostgreSQL (a cluster of its own) restarted
             under it, and SIGKILL in a burst of writes on both databases; fails on any lost
             write (`--short`: the debug build, 20 s at 100 a second; part of `test`)
  coverage   line coverage of app and server from the unit and integration tests on both
             databases (cargo-llvm-cov): an HTML report and one line per crate; fails under 80%";

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_default();
    let result = match command.as_str() {
        "setup" => tools::setup(true).and_then(|()| oha::ensure(&project())),
        "run" => run(),
        // The release server's own commands, on what `run` serves: no second (debug) build.
        "admin" | "seed-demo" => release_server(&std::env::args().skip(1).collect::<Vec<_>>()),
        "server" => release_server(&std::env::args().skip(2).collect::<Vec<_>>()),
        "test" => test(),
        "e2e" => end_to_end(&std::env::args().skip(2).collect::<Vec<_>>()),
        "build" => build_release(),
        "sizes" => sizes::report(&project().site_pkg(Profile::Release)),
        "bench" => bench::run(&std::env::args().skip(2).collect::<Vec<_>>()),
        "layers" => layers::check(),
        "coverage" => prepare_tests().and_then(|project| coverage::run(&project)),
        "chaos" => bench::chaos::run(&std::env::args().skip(2).collect::<Vec<_>>()),
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

/// A build of the server and its site: the tests use the debug one, `run`, `build` and the
/// benchmark the release one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Profile {
    Debug,
    Release,
}

impl Project {
    /// The directory cargo-leptos writes `profile`'s site (WASM, JS, CSS, assets) into. Each
    /// build has its own, because cargo-leptos empties the site before building it: a debug build
    /// for the tests would otherwise pull the bundle from under a release server that is running.
    pub fn site(&self, profile: Profile) -> PathBuf {
        // The release site is where Cargo.toml's site-root and the server's default put it.
        self.target.join(match profile {
            Profile::Debug => "site-debug",
            Profile::Release => "site",
        })
    }

    /// The site's package directory, where the bundle lives.
    pub fn site_pkg(&self, profile: Profile) -> PathBuf {
        self.site(profile).join("pkg")
    }

    /// The server binary of `profile`.
    pub fn server_binary(&self, profile: Profile) -> PathBuf {
        self.target.join(match profile {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }).join("server")
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

/// Builds the server, the WASM bundle and the CSS of `profile` with the pinned tools on PATH,
/// into that profile's site. The release is built as deployed: the bundle and assets also written
/// brotli- and gzip-compressed at their best levels, which the server sends as they are. Both
/// split the WASM at the `#[lazy]` functions: their code is fetched on first use.
pub fn build(project: &Project, profile: Profile) -> Result<(), String> {
    let args: &[&str] = match profile {
        Profile::Debug => &["build", "--split"],
        Profile::Release => &["build", "--split", "--release", "--precompress"],
    };
    run_checked(
        Command::new("cargo")
            .arg("leptos")
            .args(args)
            .current_dir(&project.root)
            .env("PATH", tools::path_with_tools(project))
            // cargo-leptos 0.3 reads LEPTOS_SITE_ROOT from the environment over Cargo.toml's site-root.
            .env("LEPTOS_SITE_ROOT", project.site(profile)),
        &format!("cargo leptos {}", args.join(" ")),
    )
}

fn build_release() -> Result<(), String> {
    tools::setup(false)?;
    let project = project();
    build(&project, Profile::Release)?;
    sizes::report(&project.site_pkg(Profile::Release))
}

/// The release server in the project root with the site it serves, as `run` starts it: the same
/// `./data` (or DATABASE_URL, DATA_DIR, `.env`) for every command.
fn release_server_command(project: &Project) -> Command {
    let mut server = Command::new(project.server_binary(Profile::Release));
    server
        .current_dir(&project.root)
        .env("LEPTOS_SITE_ROOT", project.site(Profile::Release))
        .env("LEPTOS_OUTPUT_NAME", "tracker");
    server
}

/// Runs `server` in place of this process, so Ctrl-C, SIGTERM, the terminal and the exit code are
/// the server's own.
fn exec(mut server: Command) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        Err(format!("cannot start the server: {}", server.exec()))
    }
    #[cfg(not(unix))]
    run_checked(&mut server, "server")
}

fn run() -> Result<(), String> {
    build_release()?;
    let project = project();
    // A first run makes the database; say how to get someone to sign in as.
    let data_dir = std::env::var_os("DATA_DIR").map_or_else(|| project.root.join("data"), |dir| project.root.join(dir));
    if std::env::var_os("DATABASE_URL").is_none() && !data_dir.join("tracker.db").exists() {
        println!("a new database: create the first admin with `cargo xtask admin create --email you@example.com`");
    }
    println!("serving on http://{}", std::env::var("BIND_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into()));
    exec(release_server_command(&project))
}

/// One of the server's commands on the release build, which is built first only if it is missing
/// (it may be older than the sources: `cargo xtask build` brings it up to date).
fn release_server(args: &[String]) -> Result<(), String> {
    let project = project();
    if !project.server_binary(Profile::Release).exists() {
        tools::setup(false)?;
        build(&project, Profile::Release)?;
    }
    let mut server = release_server_command(&project);
    server.args(args);
    exec(server)
}

/// Everything the tests need: tools, services, and the debug build of the server, the WASM
/// bundle and the CSS.
fn prepare_tests() -> Result<Project, String> {
    tools::setup(true)?;
    let project = project();
    tools::check_test_services()?;
    build(&project, Profile::Debug)?;
    Ok(project)
}

/// Only the browser tests, for working on the UI; `filters` pick spec files or test names.
fn end_to_end(filters: &[String]) -> Result<(), String> {
    e2e::run(&prepare_tests()?, filters)
}

fn test() -> Result<(), String> {
    // oha is needed only by the smoke run at the end: on a fresh machine it compiles (about ten
    // minutes) meanwhile, on the CPU time the tests leave idle.
    let oha = oha::install_in_background(&project())?;
    let project = prepare_tests()?;
    run_checked(
        Command::new("cargo")
            .args(["test", "-p", "migration", "-p", "app", "-p", "server", "-p", "xtask", "--features", "app/ssr"])
            // One test at a time: each integration test runs its server on its own tokio runtime,
            // and Leptos's server rendering can stall when several runtimes in one process render
            // at once (a production server has one runtime and is not affected).
            .args(["--", "--test-threads=1"])
            .env("MOTO_SERVER", tools::moto_server(&project))
            .env("SMTP_SINK", tools::smtp_sink(&project))
            .current_dir(&project.root),
        "cargo test",
    )?;
    e2e::run(&project, &[])?;
    // Faults under load, briefly: a database restart and a killed server lose nothing.
    bench::chaos::run(&["--short".to_owned()])?;
    oha.wait()?;
    // Every benchmark scenario once more, on small data for a second or two each: it fails on
    // any error, never on a timing.
    bench::run(&["--smoke".to_owned()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a_project() -> Project {
        Project { root: PathBuf::from("/src"), target: PathBuf::from("/build") }
    }

    #[test]
    fn the_debug_build_never_writes_into_the_site_a_release_server_serves() {
        let project = a_project();
        let (debug, release) = (project.site(Profile::Debug), project.site(Profile::Release));
        // cargo-leptos empties a site before building it, so neither may hold the other either.
        assert!(!debug.starts_with(&release) && !release.starts_with(&debug), "{debug:?} and {release:?} overlap");
        assert_ne!(project.server_binary(Profile::Debug), project.server_binary(Profile::Release));
    }

    #[test]
    fn the_release_site_is_where_cargo_toml_and_the_server_expect_it() {
        let manifest: toml::Value = toml::from_str(include_str!("../../Cargo.toml")).expect("Cargo.toml parses");
        let site_root = manifest["workspace"]["metadata"]["leptos"][0]["site-root"].as_str();
        assert_eq!(site_root, Some("CARGO_TARGET_DIR/site"));
        assert_eq!(a_project().site(Profile::Release), PathBuf::from("/build/site"));
    }
}
