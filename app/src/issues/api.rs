//! Server functions for issues: who is asking, call the service, return the DTO.
use super::model::{IssueFilter, IssuePage, IssueSummary};
use crate::{
    domain::{Severity, Status},
    error::AppError,
};
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

/// Moves an issue to another workflow stage (maintainers and admins), if it is still at `version`.
#[server]
pub async fn change_status(issue_id: i64, status: Status, version: i64) -> Result<IssueSummary, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::triage(&state.db, &user, issue_id, version, super::service::Triage::Status(status)).await
    }
    .await;
    crate::server::respond(result)
}

/// Sets an issue's severity (maintainers and admins), if it is still at `version`.
#[server]
pub async fn change_severity(issue_id: i64, severity: Severity, version: i64) -> Result<IssueSummary, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::triage(&state.db, &user, issue_id, version, super::service::Triage::Severity(severity)).await
    }
    .await;
    crate::server::respond(result)
}
