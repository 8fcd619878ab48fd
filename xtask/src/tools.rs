//! The pinned tools from cargo-leptos.toml: installed when missing or at another version.
use crate::{Project, project, run_checked};
use serde::Deserialize;
use std::{
    ffi::OsString,
    net::{TcpStream, ToSocketAddrs},
    path::Path,
    process::Command,
    time::Duration,
};

#[derive(Deserialize)]
pub struct Pins {
    pub cargo: CargoPins,
    npm: NpmPins,
    pip: PipPins,
}

#[derive(Deserialize)]
struct PipPins {
    moto: String,
    aiosmtpd: String,
    schemathesis: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CargoPins {
    cargo_leptos: String,
    wasm_bindgen_cli: String,
    pub oha: String,
    cargo_llvm_cov: String,
}

#[derive(Deserialize)]
struct NpmPins {
    tailwindcss: String,
    binaryen: String,
    playwright: String,
    #[serde(rename = "axe-playwright")]
    axe_playwright: String,
    echarts: String,
}

/// The pinned versions in cargo-leptos.toml.
pub fn pins(project: &Project) -> Result<Pins, String> {
    let path = project.root.join("cargo-leptos.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Installs what is missing: the WASM target, cargo-leptos, the wasm-bindgen CLI, Tailwind,
/// and, with `test_tools`, Playwright and the Python tools (oha has its own module).
pub fn setup(test_tools: bool) -> Result<(), String> {
    let project = project();
    let pins = pins(&project)?;
    ensure_wasm_target()?;
    ensure_cargo_tool(
        "cargo-leptos",
        &pins.cargo.cargo_leptos,
        Command::new("cargo").args(["leptos", "--version"]),
        &["--locked", "--features", "no_downloads"],
    )?;
    // Its own lock file pins a crate the registry no longer serves, so no --locked here.
    ensure_cargo_tool("wasm-bindgen-cli", &pins.cargo.wasm_bindgen_cli, Command::new("wasm-bindgen").arg("--version"), &[])?;
    let tailwind = &pins.npm.tailwindcss;
    ensure_npm(
        &project.root,
        &[("tailwindcss", tailwind), ("@tailwindcss/cli", tailwind), ("binaryen", &pins.npm.binaryen), ("echarts", &pins.npm.echarts)],
    )?;
    vendor_echarts(&project)?;
    if test_tools {
        ensure_npm(&project.root.join("end2end"), &[("@playwright/test", &pins.npm.playwright), ("@axe-core/playwright", &pins.npm.axe_playwright)])?;
        ensure_pip(
            &project,
            &[("moto[server]", "moto", &pins.pip.moto), ("aiosmtpd", "aiosmtpd", &pins.pip.aiosmtpd), ("schemathesis", "schemathesis", &pins.pip.schemathesis)],
        )?;
    }
    Ok(())
}

/// Copies ECharts' browser build into the site's assets, where the dashboard loads it from.
fn vendor_echarts(project: &Project) -> Result<(), String> {
    let from = project.root.join("node_modules/echarts/dist/echarts.min.js");
    let dir = project.root.join("app/public/vendor");
    let to = dir.join("echarts.min.js");
    let bytes = std::fs::read(&from).map_err(|e| format!("{}: {e}", from.display()))?;
    if std::fs::read(&to).ok().as_deref() == Some(bytes.as_slice()) {
        return Ok(());
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(&to, bytes).map_err(|e| format!("{}: {e}", to.display()))
}

/// The virtualenv holding the test tools from PyPI.
fn venv(project: &Project) -> std::path::PathBuf {
    project.target.join("venv")
}

/// The local S3 server the attachment tests start.
pub fn moto_server(project: &Project) -> std::path::PathBuf {
    venv(project).join("bin/moto_server")
}

/// The Python that has aiosmtpd, for the mail tests' SMTP sink.
pub fn smtp_sink(project: &Project) -> std::path::PathBuf {
    venv(project).join("bin/python")
}

/// The API fuzzer the test command runs against the document.
pub fn schemathesis(project: &Project) -> std::path::PathBuf {
    venv(project).join("bin/schemathesis")
}

/// Installs each `(requirement, distribution, version)` missing from the virtualenv.
fn ensure_pip(project: &Project, packages: &[(&str, &str, &String)]) -> Result<(), String> {
    let venv = venv(project);
    let installed = |distribution: &str| {
        Command::new(venv.join("bin/python"))
            .args(["-c", &format!("import importlib.metadata as m; print(m.version('{distribution}'))")])
            .output()
            .ok()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let missing: Vec<String> = packages.iter().filter(|(_, dist, version)| installed(dist).as_deref() != Some(version.as_str())).map(|(req, _, version)| format!("{req}=={version}")).collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: pip install {} into {}", missing.join(" "), venv.display());
    if !venv.join("bin/pip").exists() {
        run_checked(Command::new("python3").arg("-m").arg("venv").arg(&venv), "python3 -m venv (install python3-venv)")?;
    }
    run_checked(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check"]).args(&missing), "pip install")
}

/// The programs the benchmark times SQL with (its smoke run ends the test command); fails
/// naming the package to install.
pub fn check_programs() -> Result<(), String> {
    for (program, package) in [("psql", "postgresql-client"), ("pgbench", "postgresql-contrib"), ("sqlite3", "sqlite3")] {
        if Command::new(program).arg("--version").output().is_err() {
            return Err(format!("{program} is missing: install it with `apt-get install {package}`"));
        }
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output();
    match installed {
        Ok(out) if String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown") => Ok(()),
        _ => run_checked(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]), "rustup target add wasm32-unknown-unknown"),
    }
}

/// The LLVM tools that coverage needs (`rustup component add llvm-tools-preview`).
pub fn ensure_llvm_tools() -> Result<(), String> {
    let installed = Command::new("rustup").args(["component", "list", "--installed"]).output();
    match installed {
        Ok(out) if String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim().starts_with("llvm-tools")) => Ok(()),
        _ => run_checked(Command::new("rustup").args(["component", "add", "llvm-tools-preview"]), "rustup component add llvm-tools-preview"),
    }
}

/// cargo-llvm-cov at its pinned version, for `cargo xtask coverage` only.
pub fn ensure_cargo_llvm_cov(project: &Project) -> Result<(), String> {
    let version = pins(project)?.cargo.cargo_llvm_cov;
    ensure_cargo_tool("cargo-llvm-cov", &version, Command::new("cargo").args(["llvm-cov", "--version"]), &["--locked"])
}

/// Whether the tool `probe` asks for its version reports exactly `version`.
pub fn installed(probe: &mut Command, version: &str) -> bool {
    let current = probe.output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    current.as_deref().is_some_and(|out| out.split_whitespace().any(|word| word == version))
}

/// The arguments of `cargo` that install `krate` at `version` over any other version.
pub fn cargo_install_args<'a>(krate: &'a str, version: &'a str, flags: &'a [&'a str]) -> impl Iterator<Item = &'a str> {
    ["install", krate, "--version", version, "--force"].into_iter().chain(flags.iter().copied())
}

/// `cargo install` for a tool, with the tool's release profile made quick to build: the
/// published profiles ask for fat LTO in one codegen unit, which alone took more than half of
/// a cold CI run's tool installs on two cores, for a few percent of speed these tools never need.
pub fn cargo_install(krate: &str, version: &str, flags: &[&str]) -> Command {
    let mut command = Command::new("cargo");
    command.args(cargo_install_args(krate, version, flags)).env("CARGO_PROFILE_RELEASE_LTO", "false").env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    command
}

/// Installs `krate` at `version` with cargo unless `probe` reports that version already.
pub fn ensure_cargo_tool(krate: &str, version: &str, probe: &mut Command, flags: &[&str]) -> Result<(), String> {
    if installed(probe, version) {
        return Ok(());
    }
    println!("xtask: installing {krate} {version} (once; this takes a few minutes)");
    run_checked(&mut cargo_install(krate, version, flags), &format!("cargo install {krate}@{version}"))
}

fn installed_npm_version(dir: &Path, package: &str) -> Option<String> {
    let manifest = std::fs::read_to_string(dir.join("node_modules").join(package).join("package.json")).ok()?;
    let value: serde_json::Value = serde_json::from_str(&manifest).ok()?;
    value["version"].as_str().map(str::to_owned)
}

fn ensure_npm(dir: &Path, packages: &[(&str, &String)]) -> Result<(), String> {
    if packages.iter().all(|(name, version)| installed_npm_version(dir, name).as_deref() == Some(version.as_str())) {
        return Ok(());
    }
    let specs: Vec<String> = packages.iter().map(|(name, version)| format!("{name}@{version}")).collect();
    println!("xtask: npm install {} in {}", specs.join(" "), dir.display());
    run_checked(
        Command::new("npm")
            .args(["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund"])
            .args(&specs)
            .current_dir(dir)
            // Tests use the system's Chromium; nothing is downloaded from outside the registry.
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
        &format!("npm install {}", specs.join(" ")),
    )
}

/// PATH with the project's npm tools first, so cargo-leptos finds the pinned Tailwind and
/// wasm-opt before any system copy.
pub fn path_with_tools(project: &Project) -> OsString {
    let mut dirs = vec![project.root.join("node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME").map(std::path::PathBuf::from).or_else(|| {
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo"))
    }) {
        dirs.push(home.join("bin"));
    }
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(dirs).unwrap_or_default()
}

/// The browser the end-to-end tests drive.
pub fn chromium() -> String {
    std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// The PostgreSQL server the integration tests create their databases on.
pub fn test_postgres_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://tracker:tracker@127.0.0.1:5432/postgres".to_owned())
}

/// Fails early, naming the fix, when a service the tests need is absent.
pub fn check_test_services() -> Result<(), String> {
    check_programs()?;
    let chromium = chromium();
    if !Path::new(&chromium).exists() {
        return Err(format!(
            "Chromium is not at {chromium}: install it with `apt-get install chromium` (or set CHROMIUM_PATH)"
        ));
    }
    let url = test_postgres_url();
    let host = url.rsplit_once('@').map_or(url.as_str(), |(_, h)| h).split(['/', '?']).next().unwrap_or_default().to_owned();
    let reachable = host
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(3)).is_ok());
    if !reachable {
        return Err(format!(
            "PostgreSQL is not reachable at {host}: start it and create the test role as the README says \
             (or set TEST_POSTGRES_URL)"
        ));
    }
    Ok(())
}
