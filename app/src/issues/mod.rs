//! Issues: the list (and, as the tracker grows, filing, triage and detail).
pub mod api;
pub mod components;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
