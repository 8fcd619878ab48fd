//! The dashboard: live counts, daily trends written by the statistics job, and time to triage
//! and to resolve. Days are UTC days.
pub mod api;
#[cfg(feature = "hydrate")]
mod charts;
pub mod model;
#[cfg(feature = "ssr")]
mod options;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
