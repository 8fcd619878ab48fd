//! Comments and the issue timeline: the conversation around an issue, and its history.
pub mod api;
pub mod components;
pub mod model;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
