//! The audit log's writing side, shared by every feature that records an administrative or
//! security event: the closed set of actions, and (on the server) the append to the hash
//! chain. It imports no feature, so any feature may record and the audit feature may read.
mod action;
#[cfg(feature = "ssr")]
mod chain;

pub use action::AuditAction;
#[cfg(feature = "ssr")]
pub use chain::{Actor, Event, GENESIS, append, entry_hash};
