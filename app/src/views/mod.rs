//! Saved views: named queries of the issue list, with how many issues each holds.
pub mod api;
pub mod components;
pub mod model;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
