//! Shared server-side infrastructure: state, database access, entities, tokens, markdown, mail and CSP.
//! It knows no feature; features build on it.
pub mod db;
pub mod entities;
pub mod events;
pub mod feed;
pub mod job_lock;
pub mod mail;
pub mod markdown;
pub mod request_id;
pub mod rest;
pub mod security;
pub mod storage;
pub mod state;
pub mod tokens;
pub mod writer;

pub use state::{AppState, OidcSettings, Settings};

// Server functions report their errors' statuses through these; they live beside the error
// type, which knows nothing of this module.
pub use crate::error::{report_status, respond};
