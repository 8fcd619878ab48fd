//! The schema, as an ordered list of migrations that run the same on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_users;
mod m20261126_000002_create_issues;
mod m20261126_000003_create_daily_stats;
mod m20261126_000004_accounts;
mod m20261126_000005_issue_versions_and_events;
mod m20261126_000006_tags_and_search;
mod m20261126_000007_comments;
mod m20261126_000008_attachments;
mod m20261126_000009_audit_log;
mod m20261126_000010_stats_runs;
mod m20261126_000011_api_tokens;
mod m20261126_000012_list_indexes;
mod m20261204_000013_people_and_notifications;
mod m20261204_000014_text_in_nfc;
mod m20261204_000015_outbox_issue;
mod m20261204_000016_issue_templates;
mod m20261204_000017_saved_views;
mod m20261205_000018_outbox_notice;
mod m20261205_000019_unread_index;

pub use m20261204_000014_text_in_nfc::{TagCollision, colliding_tags};

/// Applies every migration in order; the server runs it at start-up.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_users::Migration),
            Box::new(m20261126_000002_create_issues::Migration),
            Box::new(m20261126_000003_create_daily_stats::Migration),
            Box::new(m20261126_000004_accounts::Migration),
            Box::new(m20261126_000005_issue_versions_and_events::Migration),
            Box::new(m20261126_000006_tags_and_search::Migration),
            Box::new(m20261126_000007_comments::Migration),
            Box::new(m20261126_000008_attachments::Migration),
            Box::new(m20261126_000009_audit_log::Migration),
            Box::new(m20261126_000010_stats_runs::Migration),
            Box::new(m20261126_000011_api_tokens::Migration),
            Box::new(m20261126_000012_list_indexes::Migration),
            Box::new(m20261204_000013_people_and_notifications::Migration),
            Box::new(m20261204_000014_text_in_nfc::Migration),
            Box::new(m20261204_000015_outbox_issue::Migration),
            Box::new(m20261204_000016_issue_templates::Migration),
            Box::new(m20261204_000017_saved_views::Migration),
            Box::new(m20261205_000018_outbox_notice::Migration),
            Box::new(m20261205_000019_unread_index::Migration),
        ]
    }
}

/// A CHECK constraint that keeps a text column inside a closed set of values,
/// so the database itself refuses a role, status or severity the code does not know.
pub(crate) fn one_of<T: IntoIden + Copy + 'static>(column: T, values: &[&str]) -> SimpleExpr {
    Expr::col(column).is_in(values.iter().map(|v| (*v).to_owned()))
}
