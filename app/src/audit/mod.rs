//! The audit log: security-relevant and administrative events in a hash chain, for admins.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
