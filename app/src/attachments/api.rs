//! Server functions for attachments. Uploads and downloads stream through their own routes
//! (`POST /api/v1/issues/{id}/attachments`, `GET /attachments/{id}`); these list and remove.
use super::model::Attachment;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::api::signed_in;

/// An issue's attachments.
#[server]
pub async fn list_attachments(issue_id: i64) -> Result<Vec<Attachment>, AppError> {
    signed_in(async |state, user| super::service::list_attachments(&state.db, &user, issue_id).await).await
}

/// Removes an attachment (its uploader, maintainers and admins), then its bytes.
#[server]
pub async fn delete_attachment(attachment_id: i64) -> Result<(), AppError> {
    signed_in(async |state, user| super::service::delete_attachment(&state.db, &state.events, state.storage.as_ref(), &user, attachment_id).await).await
}
