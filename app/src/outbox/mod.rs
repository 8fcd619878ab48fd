//! The mail outbox as admins see it: what waits to be sent and what was given up.
pub mod api;
pub mod components;
pub mod model;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
