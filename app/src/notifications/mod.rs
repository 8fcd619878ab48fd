//! The inbox: notifications about the issues someone watches, is assigned or is mentioned in,
//! the bell that counts the unread ones, how each kind is delivered, watching and muting an
//! issue, and the mail that carries notifications out (at once, or in a daily digest).
pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod mailer;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
