//! SeaORM entities: the tables as the server sees them. They never cross the wire;
//! features convert them into DTOs.
pub mod api_tokens;
pub mod attachments;
pub mod audit_head;
pub mod audit_log;
pub mod auth_throttles;
pub mod comments;
pub mod daily_stats;
pub mod issue_events;
pub mod issue_tags;
pub mod issues;
pub mod sessions;
pub mod stats_medians;
pub mod stats_runs;
pub mod tags;
pub mod users;
