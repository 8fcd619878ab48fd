//! Issue templates: maintainers keep them, the filing page starts from one.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
