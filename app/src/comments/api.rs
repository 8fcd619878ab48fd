//! Server functions for comments and the timeline: who is asking, call the service, return the DTO.
use super::model::{Comment, TimelineEntry};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::api::signed_in;

/// An issue's comments and changes, oldest first.
#[server]
pub async fn get_timeline(issue_id: i64) -> Result<Vec<TimelineEntry>, AppError> {
    signed_in(async |state, user| super::service::get_timeline(&state.db, &user, issue_id).await).await
}

/// Comments on an issue the signed-in user may see.
#[server]
pub async fn add_comment(issue_id: i64, body: String) -> Result<Comment, AppError> {
    signed_in(async |state, user| super::service::add_comment(&state.db, &state.events, &user, issue_id, &body).await).await
}

/// Changes the text of one's own comment.
#[server]
pub async fn edit_comment(comment_id: i64, body: String) -> Result<Comment, AppError> {
    signed_in(async |state, user| super::service::edit_comment(&state.db, &state.events, &user, comment_id, &body).await).await
}

/// Deletes one's own comment, or any comment as an admin.
#[server]
pub async fn delete_comment(comment_id: i64) -> Result<(), AppError> {
    signed_in(async |state, user| super::service::delete_comment(&state.db, &state.events, &user, comment_id).await).await
}
