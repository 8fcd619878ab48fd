//! Server functions for tags: who is asking, call the service, return the DTO.
use super::model::{Tag, TagUsage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::api::signed_in;

/// Every tag, for pickers and the list's tag filter.
#[server]
pub async fn list_tags() -> Result<Vec<Tag>, AppError> {
    signed_in(async |state, _| super::service::list_tags(&state.db).await).await
}

/// Every tag with how many live issues carry it (maintainers and admins).
#[server]
pub async fn list_tag_usage() -> Result<Vec<TagUsage>, AppError> {
    signed_in(async |state, user| super::service::tag_usage(&state.db, &user).await).await
}

/// Adds a tag (maintainers and admins).
#[server]
pub async fn create_tag(name: String, colour: String) -> Result<Tag, AppError> {
    signed_in(async |state, user| super::service::create_tag(&state.db, &user, &name, &colour).await).await
}

/// Renames or recolours a tag (maintainers and admins).
#[server]
pub async fn update_tag(tag_id: i64, name: String, colour: String) -> Result<Tag, AppError> {
    signed_in(async |state, user| super::service::update_tag(&state.db, &state.events, &user, tag_id, &name, &colour).await).await
}

/// Deletes a tag and takes it off every issue (maintainers and admins).
#[server]
pub async fn delete_tag(tag_id: i64) -> Result<(), AppError> {
    signed_in(async |state, user| super::service::delete_tag(&state.db, &state.events, &user, tag_id).await).await
}
