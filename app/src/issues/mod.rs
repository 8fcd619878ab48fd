//! Issues: filing, the list with its search and pages, triage, editing and deletion.
pub mod api;
#[cfg(feature = "ssr")]
pub mod assign;
pub mod badges;
pub mod components;
pub mod detail;
#[cfg(feature = "ssr")]
pub mod list;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod tagging;
pub mod triage;
