//! The results: one row per measured figure, printed as a table and written as JSON.
use serde::Serialize;
use std::{
    path::{Path, PathBuf},
    time::Duration,
};

/// What a figure must be to meet its budget.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    AtMost(f64),
    AtLeast(f64),
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub scenario: &'static str,
    pub database: &'static str,
    pub metric: String,
    pub measured: f64,
    pub unit: &'static str,
    pub budget: Option<Budget>,
    pub met: Option<bool>,
}

#[derive(Serialize)]
pub struct Report {
    pub smoke: bool,
    /// The part of the scenarios run (`--only`), or none for all of them.
    pub part: Option<String>,
    /// Seconds since the Unix epoch when the run started.
    pub started_at: u64,
    pub machine: Machine,
    pub rows: Vec<Row>,
    /// Raw outcomes (oha's figures, the fan-out's counts, seeding) by scenario, for digging.
    pub details: serde_json::Map<String, serde_json::Value>,
    /// What went wrong: failed requests, unreachable scenarios.
    pub errors: Vec<String>,
    pub build_seconds: f64,
    pub measure_seconds: f64,
}

#[derive(Serialize)]
pub struct Machine {
    pub cores: usize,
    pub kernel: String,
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `YYYYMMDD-HHMMSS` in UTC, for file names (civil date from days since the epoch).
fn stamp(secs: u64) -> String {
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}-{:02}{:02}{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}

impl Report {
    pub fn new(smoke: bool) -> Report {
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_owned();
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Report {
            smoke,
            part: None,
            started_at: now(),
            machine: Machine { cores, kernel },
            rows: Vec::new(),
            details: serde_json::Map::new(),
            errors: Vec::new(),
            build_seconds: 0.0,
            measure_seconds: 0.0,
        }
    }

    /// Adds a figure; with a budget, whether it was met.
    pub fn row(&mut self, scenario: &'static str, database: &'static str, metric: impl Into<String>, measured: f64, unit: &'static str, budget: Option<Budget>) {
        let met = budget.map(|b| match b {
            Budget::AtMost(limit) => measured <= limit,
            Budget::AtLeast(floor) => measured >= floor,
        });
        self.rows.push(Row { scenario, database, metric: metric.into(), measured, unit, budget, met });
    }

    pub fn detail(&mut self, key: String, value: impl Serialize) {
        self.details.insert(key, serde_json::to_value(value).unwrap_or_default());
    }

    /// Records that a scenario went wrong; the run goes on and fails at the end.
    pub fn error(&mut self, what: String) {
        eprintln!("bench: {what}");
        self.errors.push(what);
    }

    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    pub fn durations(&mut self, build: Duration, measure: Duration) {
        self.build_seconds = build.as_secs_f64();
        self.measure_seconds = measure.as_secs_f64();
    }

    pub fn print(&self) {
        println!();
        println!("{:<4} {:<9} {:<44} {:>14} {:>14}  met?", "id", "database", "metric", "measured", "budget");
        for row in &self.rows {
            let budget = match row.budget {
                Some(Budget::AtMost(v)) => format!("<= {}", figure(v)),
                Some(Budget::AtLeast(v)) => format!(">= {}", figure(v)),
                None => String::new(),
            };
            let met = match row.met {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "",
            };
            let measured = format!("{} {}", figure(row.measured), row.unit);
            println!("{:<4} {:<9} {:<44} {:>14} {:>14}  {met}", row.scenario, row.database, row.metric, measured, budget);
        }
        println!();
        println!("build {:.0} s, measuring {:.0} s{}", self.build_seconds, self.measure_seconds, if self.smoke { " (smoke: timings are not checked)" } else { "" });
    }

    /// Writes the JSON: `bench/results/<UTC time>.json`, or `<UTC time>-<part>.json` for one
    /// part; a smoke run's to `smoke.json.tmp` (git-ignored), since its timings mean nothing.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = if self.smoke { dir.join("smoke.json.tmp") } else { dir.join(format!("{}{}.json", stamp(self.started_at), self.part.as_ref().map(|part| format!("-{part}")).unwrap_or_default())) };
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }
}

/// A number as people read it: no decimals when large, two when small.
fn figure(value: f64) -> String {
    if value.abs() >= 100.0 || value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.2}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_utc_date_and_time() {
        assert_eq!(stamp(0), "19700101-000000");
        assert_eq!(stamp(1_764_151_234), "20251126-100034");
        assert_eq!(stamp(951_782_400), "20000229-000000");
    }

    #[test]
    fn a_budget_says_whether_it_was_met() {
        let mut report = Report::new(true);
        report.row("S1", "sqlite", "p99", 12.0, "ms", Some(Budget::AtMost(10.0)));
        report.row("S3", "sqlite", "creates", 1200.0, "/s", Some(Budget::AtLeast(1000.0)));
        report.row("C", "sqlite", "share", 0.4, "", None);
        assert_eq!(report.rows.iter().map(|r| r.met).collect::<Vec<_>>(), [Some(false), Some(true), None]);
    }
}
