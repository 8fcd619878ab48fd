use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

use crate::m20261126_000001_create_users::Users;
use crate::one_of;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// People are shown by a display name and a unique handle, never by their address.
#[derive(DeriveIden, Clone, Copy)]
enum UsersPeople {
    Handle,
    DisplayName,
}

#[derive(DeriveIden, Clone, Copy)]
enum Issues {
    Table,
    Id,
    AssigneeId,
}

/// Who watches an issue: `WATCHING` (told about its changes), `UNWATCHED` (chose not to be,
/// so being a commenter does not sign them up again) or `MUTED` (told nothing but a direct
/// mention).
#[derive(DeriveIden, Clone, Copy)]
enum IssueWatchers {
    Table,
    IssueId,
    UserId,
    State,
    UpdatedAt,
}

/// One line in a person's inbox: something happened to an issue, and why they are told.
#[derive(DeriveIden, Clone, Copy)]
enum Notifications {
    Table,
    Id,
    UserId,
    IssueId,
    /// The history row of the change, to open the issue at it; none for a mention in a
    /// description written at filing.
    EventId,
    /// The comment it is about, to open the issue at that comment.
    CommentId,
    ActorId,
    Kind,
    Reason,
    /// The value the change set, as the UI words it when it was made (the status or severity
    /// moved to); empty for the other kinds.
    Detail,
    CreatedAt,
    ReadAt,
    /// Set while the line waits for its owner's daily digest.
    DigestDue,
    /// Set while the line waits to be mailed at once (the mailer turns it into outbox mail).
    EmailDue,
}

/// Per person and per kind of notification, how they are told; no row means the default.
#[derive(DeriveIden, Clone, Copy)]
enum NotificationPrefs {
    Table,
    UserId,
    Kind,
    Delivery,
}

/// Mail waiting to be sent, written in the same transaction as the change that causes it.
#[derive(DeriveIden, Clone, Copy)]
enum MailOutbox {
    Table,
    Id,
    MessageId,
    UserId,
    ToAddress,
    Subject,
    TextBody,
    HtmlBody,
    /// The one-click unsubscribe address (RFC 8058), if the mail has one.
    Unsubscribe,
    Purpose,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    CreatedAt,
    SentAt,
}

/// Password reset links: only the SHA-256 of the secret is kept.
#[derive(DeriveIden, Clone, Copy)]
enum PasswordResets {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

/// Where a handle made from an address may be cut: handles are at most this long.
const HANDLE_MAX: usize = 32;

/// A handle for an existing account, from its address's local part: letters, digits, `-` and
/// `_` kept, lowercased, never empty.
fn handle_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let handle: String = local
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .take(HANDLE_MAX - 8)
        .collect();
    let handle = handle.trim_matches('-').to_owned();
    if handle.is_empty() { "user".to_owned() } else { handle }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [UsersPeople::Handle, UsersPeople::DisplayName] {
            let length = if matches!(column, UsersPeople::Handle) { HANDLE_MAX as u32 } else { 80 };
            manager
                .alter_table(Table::alter().table(Users::Table).add_column(ColumnDef::new(column).string_len(length).not_null().default("")).to_owned())
                .await?;
        }
        // Existing accounts get a handle from their address (made unique with the account's id
        // where two would meet) and the same words as their name; both can be changed later.
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let rows = db.query_all_raw(Statement::from_string(backend, "SELECT id, email FROM users ORDER BY id")).await?;
        let mut taken = std::collections::HashSet::new();
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let email: String = row.try_get("", "email")?;
            let base = handle_from_email(&email);
            let handle = if taken.contains(&base) { format!("{base}-{id}") } else { base.clone() };
            taken.insert(handle.clone());
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm_migration::sea_orm::DatabaseBackend::Postgres => "UPDATE users SET handle = $1, display_name = $2 WHERE id = $3",
                    _ => "UPDATE users SET handle = ?, display_name = ? WHERE id = ?",
                },
                [handle.into(), base.into(), id.into()],
            ))
            .await?;
        }
        manager.create_index(Index::create().name("idx_users_handle").table(Users::Table).col(UsersPeople::Handle).unique().to_owned()).await?;

        manager
            .alter_table(Table::alter().table(Issues::Table).add_column(ColumnDef::new(Issues::AssigneeId).big_integer().null()).to_owned())
            .await?;
        db.execute_unprepared("CREATE INDEX idx_live_issues_assignee ON issues (assignee_id, created_at, id) WHERE deleted_at IS NULL").await?;

        manager
            .create_table(
                Table::create()
                    .table(IssueWatchers::Table)
                    .col(ColumnDef::new(IssueWatchers::IssueId).big_integer().not_null())
                    .col(ColumnDef::new(IssueWatchers::UserId).big_integer().not_null())
                    .col(
                        ColumnDef::new(IssueWatchers::State)
                            .string_len(16)
                            .not_null()
                            .check(one_of(IssueWatchers::State, &["WATCHING", "UNWATCHED", "MUTED"])),
                    )
                    .col(ColumnDef::new(IssueWatchers::UpdatedAt).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(IssueWatchers::IssueId).col(IssueWatchers::UserId))
                    .foreign_key(ForeignKey::create().name("fk_watchers_issue").from(IssueWatchers::Table, IssueWatchers::IssueId).to(Issues::Table, Issues::Id).on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(ForeignKey::create().name("fk_watchers_user").from(IssueWatchers::Table, IssueWatchers::UserId).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_watchers_user").table(IssueWatchers::Table).col(IssueWatchers::UserId).to_owned()).await?;

        let kinds = ["ASSIGNED", "STATUS", "SEVERITY", "COMMENT", "MENTION"];
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(ColumnDef::new(Notifications::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Notifications::UserId).big_integer().not_null())
                    .col(ColumnDef::new(Notifications::IssueId).big_integer().not_null())
                    .col(ColumnDef::new(Notifications::EventId).big_integer().null())
                    .col(ColumnDef::new(Notifications::CommentId).big_integer().null())
                    .col(ColumnDef::new(Notifications::ActorId).big_integer().not_null())
                    .col(ColumnDef::new(Notifications::Kind).string_len(16).not_null().check(one_of(Notifications::Kind, &kinds)))
                    .col(
                        ColumnDef::new(Notifications::Reason)
                            .string_len(16)
                            .not_null()
                            .check(one_of(Notifications::Reason, &["ASSIGNED", "WATCHING", "MENTIONED"])),
                    )
                    .col(ColumnDef::new(Notifications::Detail).string_len(255).not_null())
                    .col(ColumnDef::new(Notifications::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Notifications::ReadAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Notifications::DigestDue).boolean().not_null().default(false))
                    .col(ColumnDef::new(Notifications::EmailDue).boolean().not_null().default(false))
                    .foreign_key(ForeignKey::create().name("fk_notifications_user").from(Notifications::Table, Notifications::UserId).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(ForeignKey::create().name("fk_notifications_issue").from(Notifications::Table, Notifications::IssueId).to(Issues::Table, Issues::Id).on_delete(ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_notifications_user").table(Notifications::Table).col(Notifications::UserId).col(Notifications::Id).to_owned()).await?;
        manager
            .create_index(Index::create().name("idx_notifications_user_issue").table(Notifications::Table).col(Notifications::UserId).col(Notifications::IssueId).to_owned())
            .await?;
        db.execute_unprepared("CREATE INDEX idx_notifications_unread ON notifications (user_id) WHERE read_at IS NULL").await?;
        db.execute_unprepared("CREATE INDEX idx_notifications_digest ON notifications (user_id, id) WHERE digest_due").await?;
        db.execute_unprepared("CREATE INDEX idx_notifications_email ON notifications (id) WHERE email_due").await?;

        manager
            .create_table(
                Table::create()
                    .table(NotificationPrefs::Table)
                    .col(ColumnDef::new(NotificationPrefs::UserId).big_integer().not_null())
                    .col(ColumnDef::new(NotificationPrefs::Kind).string_len(16).not_null().check(one_of(NotificationPrefs::Kind, &kinds)))
                    .col(
                        ColumnDef::new(NotificationPrefs::Delivery)
                            .string_len(16)
                            .not_null()
                            .check(one_of(NotificationPrefs::Delivery, &["IN_APP", "EMAIL", "DIGEST"])),
                    )
                    .primary_key(Index::create().col(NotificationPrefs::UserId).col(NotificationPrefs::Kind))
                    .foreign_key(ForeignKey::create().name("fk_prefs_user").from(NotificationPrefs::Table, NotificationPrefs::UserId).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(ColumnDef::new(MailOutbox::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(MailOutbox::MessageId).string_len(255).not_null().unique_key())
                    .col(ColumnDef::new(MailOutbox::UserId).big_integer().null())
                    .col(ColumnDef::new(MailOutbox::ToAddress).string_len(254).not_null())
                    .col(ColumnDef::new(MailOutbox::Subject).string_len(255).not_null())
                    .col(ColumnDef::new(MailOutbox::TextBody).text().not_null())
                    .col(ColumnDef::new(MailOutbox::HtmlBody).text().not_null())
                    .col(ColumnDef::new(MailOutbox::Unsubscribe).string_len(1024).null())
                    .col(
                        ColumnDef::new(MailOutbox::Purpose)
                            .string_len(16)
                            .not_null()
                            .check(one_of(MailOutbox::Purpose, &["NOTIFICATION", "DIGEST", "PASSWORD_RESET"])),
                    )
                    .col(
                        ColumnDef::new(MailOutbox::Status)
                            .string_len(16)
                            .not_null()
                            .default("QUEUED")
                            .check(one_of(MailOutbox::Status, &["QUEUED", "SENT", "FAILED"])),
                    )
                    .col(ColumnDef::new(MailOutbox::Attempts).integer().not_null().default(0))
                    .col(ColumnDef::new(MailOutbox::NextAttemptAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(MailOutbox::LockedUntil).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(MailOutbox::LastError).string_len(500).null())
                    .col(ColumnDef::new(MailOutbox::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(MailOutbox::SentAt).timestamp_with_time_zone().null())
                    .foreign_key(ForeignKey::create().name("fk_outbox_user").from(MailOutbox::Table, MailOutbox::UserId).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::SetNull))
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared("CREATE INDEX idx_outbox_due ON mail_outbox (next_attempt_at, id) WHERE status = 'QUEUED'").await?;

        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(ColumnDef::new(PasswordResets::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(PasswordResets::UserId).big_integer().not_null())
                    .col(ColumnDef::new(PasswordResets::TokenHash).string_len(64).not_null().unique_key())
                    .col(ColumnDef::new(PasswordResets::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(PasswordResets::ExpiresAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(PasswordResets::UsedAt).timestamp_with_time_zone().null())
                    .foreign_key(ForeignKey::create().name("fk_resets_user").from(PasswordResets::Table, PasswordResets::UserId).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Cascade))
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_resets_user").table(PasswordResets::Table).col(PasswordResets::UserId).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["password_resets", "mail_outbox", "notification_prefs", "notifications", "issue_watchers"] {
            manager.drop_table(Table::drop().table(Alias::new(table)).to_owned()).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_live_issues_assignee").await?;
        manager.alter_table(Table::alter().table(Issues::Table).drop_column(Issues::AssigneeId).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_users_handle").table(Users::Table).to_owned()).await?;
        for column in [UsersPeople::DisplayName, UsersPeople::Handle] {
            manager.alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::handle_from_email;

    #[test]
    fn a_handle_from_an_address_keeps_only_the_allowed_characters() {
        assert_eq!(handle_from_email("Ana.Lopez@example.com"), "ana-lopez");
        assert_eq!(handle_from_email("bob_1@example.com"), "bob_1");
        assert_eq!(handle_from_email("...@example.com"), "user");
        assert_eq!(handle_from_email("émile@example.com"), "mile");
    }
}
