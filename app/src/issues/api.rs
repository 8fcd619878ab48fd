//! Server functions for issues: who is asking, call the service, return the DTO.
use super::model::{IssueFilter, IssuePage};
use crate::error::AppError;
use leptos::prelude::*;

/// The issue list for a filter.
#[server]
pub async fn list_issues(filter: IssueFilter) -> Result<IssuePage, AppError> {
    let state = expect_context::<crate::server::AppState>();
    crate::server::respond(super::service::list_issues(&state.db, &filter).await)
}
