use crate::domain::{MailPurpose, MailStatus};
use sea_orm::entity::prelude::*;

/// A mail to send, written in the same transaction as the change that causes it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The stable `Message-ID`, the same on every attempt.
    pub message_id: String,
    pub user_id: Option<i64>,
    /// The issue the mail is about, if one: the sender checks that the recipient may still see it.
    pub issue_id: Option<i64>,
    pub to_address: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub text_body: String,
    #[sea_orm(column_type = "Text")]
    pub html_body: String,
    /// The one-click unsubscribe address (RFC 8058), if the mail has one.
    pub unsubscribe: Option<String>,
    pub purpose: MailPurpose,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// Claimed by a sender until then; another instance leaves it alone meanwhile.
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// A notification's mail is queued as what its bodies are made from (JSON), with both bodies
    /// empty; the sender writes them just before it sends.
    #[sea_orm(column_type = "Text", nullable)]
    pub notice: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
