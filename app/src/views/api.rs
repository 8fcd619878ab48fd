//! Server functions for saved views: who is asking, call the service, return the DTO.
use super::model::SavedView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::api::signed_in;

/// The signed-in user's views (built-in, their own, and everyone's shared ones) with counts.
#[server]
pub async fn list_views() -> Result<Vec<SavedView>, AppError> {
    signed_in(async |state, user| super::service::list_views(&state.db, &state.view_counts, &user).await).await
}

/// Saves the list's query as a view; `shared` offers it to everyone (maintainers and admins).
#[server]
pub async fn save_view(name: String, query: String, #[server(default)] shared: bool) -> Result<SavedView, AppError> {
    signed_in(async |state, user| super::service::save_view(&state.db, &state.view_counts, &user, &name, &query, shared).await).await
}

/// Deletes a view: one's own, or (admins) a shared one.
#[server]
pub async fn delete_view(view_id: i64) -> Result<(), AppError> {
    signed_in(async |state, user| super::service::delete_view(&state.db, &user, view_id).await).await
}
