use crate::domain::{NotificationKind, NotificationReason};
use sea_orm::entity::prelude::*;

/// One line in a person's inbox.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub issue_id: i64,
    /// The history row of the change, to open the issue at it.
    pub event_id: Option<i64>,
    /// The comment it is about, if any, to open the issue at that comment.
    pub comment_id: Option<i64>,
    pub actor_id: i64,
    pub kind: NotificationKind,
    pub reason: NotificationReason,
    /// The value the change set (the status or severity's label), empty for other kinds.
    pub detail: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// Waiting for its owner's daily digest.
    pub digest_due: bool,
    /// Waiting to be mailed at once.
    pub email_due: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
