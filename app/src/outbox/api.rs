//! Server functions for the outbox (admins only).
use super::model::OutboxMail;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::api::signed_in;

/// The mails the sender gave up on, newest first.
#[server]
pub async fn list_failed_mail() -> Result<Vec<OutboxMail>, AppError> {
    signed_in(async |state, user| super::service::list_mail(&state.db, &user, Some(crate::domain::MailStatus::Failed)).await).await
}
