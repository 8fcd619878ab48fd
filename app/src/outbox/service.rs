//! Reading the outbox, for admins only.
use super::model::{LIST_LIMIT, OutboxMail};
use crate::{
    access::require_admin_audited,
    auth::model::CurrentUser,
    domain::MailStatus,
    error::AppError,
    server::entities::mail_outbox,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};

impl From<mail_outbox::Model> for OutboxMail {
    fn from(row: mail_outbox::Model) -> Self {
        OutboxMail {
            id: row.id,
            message_id: row.message_id,
            to: row.to_address,
            subject: row.subject,
            purpose: row.purpose,
            status: row.status,
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: row.created_at,
            next_attempt_at: row.next_attempt_at,
            sent_at: row.sent_at,
        }
    }
}

/// The newest mails in `status` (all of them without one), for admins.
pub async fn list_mail(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, status: Option<MailStatus>) -> Result<Vec<OutboxMail>, AppError> {
    require_admin_audited(db, actor, "read the outbox").await?;
    let mut query = mail_outbox::Entity::find().order_by_desc(mail_outbox::Column::CreatedAt).order_by_desc(mail_outbox::Column::Id).limit(LIST_LIMIT);
    if let Some(status) = status {
        query = query.filter(mail_outbox::Column::Status.eq(status));
    }
    Ok(query.all(db).await?.into_iter().map(OutboxMail::from).collect())
}
