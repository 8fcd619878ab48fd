//! Accounts and sessions: sign-up, sign-in, sign-out, profiles, and the admin's user list.
pub mod api;
#[cfg(feature = "ssr")]
pub mod api_tokens;
pub mod components;
pub mod model;
pub mod pages;
pub mod reset_pages;
#[cfg(feature = "ssr")]
pub mod oidc;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod throttle;
