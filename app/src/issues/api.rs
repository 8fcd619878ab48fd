//! Server functions for issues: who is asking, call the service, return the DTO.
use super::model::{IssueFilter, IssuePage};
use crate::error::AppError;
use leptos::prelude::*;

/// The issue list for a filter, as the signed-in user may see it.
#[server]
pub async fn list_issues(filter: IssueFilter) -> Result<IssuePage, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::list_issues(&state.db, &user, &filter).await
    }
    .await;
    crate::server::respond(result)
}
