//! The statistics job and the dashboard's numbers, by job: [`history`] turns the recorded
//! history into day counts and medians, [`job`] runs the job that stores them, [`runs`] keeps
//! its log, and [`dashboard`] reads it all back.
//!
//! Every count is over live issues (soft-deleted ones are left out of every day, past days
//! included, whenever those days are rewritten) and days are UTC days: a change at 23:59 UTC
//! counts on that day, one at 00:00 UTC on the next.
pub mod dashboard;
pub mod history;
pub mod job;
pub mod runs;

pub use dashboard::get_dashboard;
pub use history::{Change, DayCounts, IssueHistory, aggregate, each_history_in, load_history, medians};
pub use job::{ADVISORY_LOCK_KEY, ALREADY_RUNNING, run, run_stats};
pub use runs::{Trigger, tick_of};

/// How many recent days every run rewrites, and how far back the medians look.
pub const RECENT_DAYS: u64 = 90;
