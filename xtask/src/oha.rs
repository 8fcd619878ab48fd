//! oha, the HTTP load generator of `cargo xtask bench`: `cargo xtask setup` installs it with the
//! other tools, and the test command compiles it in the background while the tests run, since only
//! the benchmark's smoke run at its end needs it.
use crate::{Project, tools};
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
};

/// 1.16.0 needs rustc 1.88 and does not compile without its default TLS feature; `--locked` keeps
/// its dependencies at the versions it was released with.
const FLAGS: &[&str] = &["--locked"];

/// The HTTP load generator `cargo xtask bench` drives the server with.
pub fn ensure(project: &Project) -> Result<(), String> {
    let pins = tools::pins(project)?;
    tools::ensure_cargo_tool("oha", &pins.cargo.oha, Command::new("oha").arg("--version"), FLAGS)
}

/// An install of oha compiling at the lowest priority while the tests run; stopped if the test
/// command ends before waiting for it.
pub struct BackgroundInstall {
    child: Option<Child>,
    what: String,
    log: PathBuf,
    target_dir: PathBuf,
}

/// Starts installing oha in the background when it is missing, its output going to
/// `<target>/oha-install.log`.
pub fn install_in_background(project: &Project) -> Result<BackgroundInstall, String> {
    let version = tools::pins(project)?.cargo.oha;
    let mut install = BackgroundInstall {
        child: None,
        what: format!("cargo install oha@{version}"),
        log: project.target.join("oha-install.log"),
        // Its own build directory: in a shared CARGO_TARGET_DIR it would hold the release builds'
        // lock (`cargo xtask run` may be building) and leave its files behind.
        target_dir: project.target.join("oha-install"),
    };
    if tools::installed(Command::new("oha").arg("--version"), &version) {
        return Ok(install);
    }
    std::fs::create_dir_all(&project.target).map_err(|e| format!("{}: {e}", project.target.display()))?;
    let log = std::fs::File::create(&install.log).map_err(|e| format!("{}: {e}", install.log.display()))?;
    let log_too = log.try_clone().map_err(|e| format!("{}: {e}", install.log.display()))?;
    println!("xtask: installing oha {version} in the background at low priority (log: {})", install.log.display());
    let install_command = tools::cargo_install("oha", &version, FLAGS);
    let child = Command::new("nice")
        .args(["-n", "19"])
        .arg(install_command.get_program())
        .args(install_command.get_args())
        .envs(install_command.get_envs().filter_map(|(key, value)| Some((key, value?))))
        .arg("--target-dir")
        .arg(&install.target_dir)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_too)
        .spawn()
        .map_err(|e| format!("{}: cannot start ({e})", install.what))?;
    install.child = Some(child);
    Ok(install)
}

impl BackgroundInstall {
    /// Waits for the install to finish; fails with the end of its log if it did not succeed.
    pub fn wait(mut self) -> Result<(), String> {
        let Some(mut child) = self.child.take() else { return Ok(()) };
        if matches!(child.try_wait(), Ok(None)) {
            println!("xtask: waiting for the oha install to finish (log: {})", self.log.display());
        }
        let status = child.wait().map_err(|e| format!("{}: {e}", self.what))?;
        if status.success() {
            // What a plain `cargo install` does with its temporary build directory.
            let _ = std::fs::remove_dir_all(&self.target_dir);
            return Ok(());
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        Err(format!("{} failed ({status}); the end of {}:\n{}", self.what, self.log.display(), last_lines(&log, 20)))
    }
}

impl Drop for BackgroundInstall {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The last `count` lines of `text`.
fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::last_lines;

    #[test]
    fn a_failed_install_shows_only_the_end_of_its_log() {
        assert_eq!(last_lines("Compiling a\nCompiling b\nerror: linker failed\n", 2), "Compiling b\nerror: linker failed");
        assert_eq!(last_lines("only line", 20), "only line");
        assert_eq!(last_lines("", 20), "");
    }
}
