//! Server functions for tags: who is asking, call the service, return the DTO.
use super::model::{Tag, TagUsage};
use crate::error::AppError;
use leptos::prelude::*;

/// Every tag, for pickers and the list's tag filter.
#[server]
pub async fn list_tags() -> Result<Vec<Tag>, AppError> {
    let result = async {
        let (state, _) = crate::auth::api::require_user().await?;
        super::service::list_tags(&state.db).await
    }
    .await;
    crate::server::respond(result)
}

/// Every tag with how many live issues carry it (maintainers and admins).
#[server]
pub async fn list_tag_usage() -> Result<Vec<TagUsage>, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::tag_usage(&state.db, &user).await
    }
    .await;
    crate::server::respond(result)
}

/// Adds a tag (maintainers and admins).
#[server]
pub async fn create_tag(name: String, colour: String) -> Result<Tag, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::create_tag(&state.db, &user, &name, &colour).await
    }
    .await;
    crate::server::respond(result)
}

/// Renames or recolours a tag (maintainers and admins).
#[server]
pub async fn update_tag(tag_id: i64, name: String, colour: String) -> Result<Tag, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::update_tag(&state.db, &state.events, &user, tag_id, &name, &colour).await
    }
    .await;
    crate::server::respond(result)
}

/// Deletes a tag and takes it off every issue (maintainers and admins).
#[server]
pub async fn delete_tag(tag_id: i64) -> Result<(), AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::delete_tag(&state.db, &state.events, &user, tag_id).await
    }
    .await;
    crate::server::respond(result)
}
