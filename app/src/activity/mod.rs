//! The history of issues, typed: which kind of change was recorded, and what it changed from
//! and to. The one owner of the `issue_events` table: every writer records through
//! [`service::record`], and every reader (the timeline, the statistics) reads through it.
pub mod model;
#[cfg(feature = "ssr")]
pub mod notify;
#[cfg(feature = "ssr")]
pub mod service;
