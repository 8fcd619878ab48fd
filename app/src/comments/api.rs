//! Server functions for comments and the timeline: who is asking, call the service, return the DTO.
use super::model::{Comment, TimelineEntry};
use crate::error::AppError;
use leptos::prelude::*;

/// An issue's comments and changes, oldest first.
#[server]
pub async fn get_timeline(issue_id: i64) -> Result<Vec<TimelineEntry>, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::get_timeline(&state.db, &user, issue_id).await
    }
    .await;
    crate::server::respond(result)
}

/// Comments on an issue the signed-in user may see.
#[server]
pub async fn add_comment(issue_id: i64, body: String) -> Result<Comment, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::add_comment(&state.db, &state.events, &user, issue_id, &body).await
    }
    .await;
    crate::server::respond(result)
}

/// Changes the text of one's own comment.
#[server]
pub async fn edit_comment(comment_id: i64, body: String) -> Result<Comment, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::edit_comment(&state.db, &state.events, &user, comment_id, &body).await
    }
    .await;
    crate::server::respond(result)
}

/// Deletes one's own comment, or any comment as an admin.
#[server]
pub async fn delete_comment(comment_id: i64) -> Result<(), AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::delete_comment(&state.db, &state.events, &user, comment_id).await
    }
    .await;
    crate::server::respond(result)
}
