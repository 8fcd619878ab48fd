//! Attachments: files on issues and comments, stored through the object store.
pub mod api;
pub mod components;
pub mod model;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
