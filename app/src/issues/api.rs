//! Server functions for issues: who is asking, call the service, return the DTO.
use super::model::{IssueDetail, IssueFilter, IssuePage, IssueSummary};
use crate::{
    domain::{Severity, Status},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::api::signed_in;

/// The issue list for a filter, as the signed-in user may see it.
#[server]
pub async fn list_issues(filter: IssueFilter) -> Result<IssuePage, AppError> {
    signed_in(async |state, user| state.lists.list(&state.db, state.events.generation(), &user, &filter).await).await
}

/// Up to five open issues the signed-in user may see whose words match `title`, most alike first:
/// the filing page's "this looks like #123".
#[server]
pub async fn similar_issues(title: String) -> Result<Vec<super::model::LookAlike>, AppError> {
    signed_in(async |state, user| super::alike::look_alike(&state.db, &user, &title).await).await
}

/// What changed since `since` among the issues the signed-in user may see (for catching up after
/// a dropped connection).
#[server]
pub async fn changed_since(since: chrono::DateTime<chrono::Utc>) -> Result<Vec<super::model::ChangedIssue>, AppError> {
    signed_in(async |state, user| super::list::changed_since(&state.db, &user, since).await).await
}

/// Moves an issue to another workflow stage (maintainers and admins), if it is still at `version`.
#[server]
pub async fn transition_issue(issue_id: i64, status: Status, version: i64) -> Result<IssueSummary, AppError> {
    signed_in(async |state, user| super::service::transition(&state.db, &state.events, &user, issue_id, version, status).await).await
}

/// Sets an issue's severity (maintainers and admins), if it is still at `version`.
#[server]
pub async fn change_severity(issue_id: i64, severity: Severity, version: i64) -> Result<IssueSummary, AppError> {
    signed_in(async |state, user| super::service::change_severity(&state.db, &state.events, &user, issue_id, version, severity).await).await
}

/// Gives an issue to a maintainer or admin by account id, or to nobody (maintainers and admins),
/// if it is still at `version`.
#[server]
pub async fn assign_issue(
    issue_id: i64,
    version: i64,
    #[server(default)]
    assignee_id: Option<i64>,
) -> Result<IssueSummary, AppError> {
    signed_in(async |state, user| {
        let assignee = assignee_id.map(super::assign::Assignee::Id);
        super::service::assign(&state.db, &state.events, &user, issue_id, version, assignee).await
    })
    .await
}

/// The people an issue can be given to: active maintainers and admins (for triagers).
#[server]
pub async fn list_assignable() -> Result<Vec<crate::people::model::Person>, AppError> {
    signed_in(async |state, user| {
        crate::access::require_triager(&user)?;
        Ok(crate::people::service::assignable(&state.db).await?)
    })
    .await
}

/// Applies one change to many issues (the list's selection), each in its own transaction; what
/// was refused is listed with its reason.
#[server(input = leptos::server_fn::codec::Json)]
pub async fn bulk_triage(change: super::model::BulkChange, items: Vec<super::model::BulkItem>) -> Result<super::model::BulkOutcome, AppError> {
    signed_in(async |state, user| super::bulk::bulk_change(&state.db, &state.events, &user, &change, &items).await).await
}

/// The people the search box suggests after `assignee:` or `reporter:` (`key`), for what was typed.
#[server]
pub async fn query_people(key: String, typed: String) -> Result<Vec<crate::people::model::Person>, AppError> {
    signed_in(async |state, user| crate::people::service::for_query(&state.db, &user, &key, &typed).await).await
}

/// Files an issue as the signed-in user and opens it.
#[server]
pub async fn create_issue(
    title: String,
    description: String,
    severity: Severity,
    /// Posted as `tags[]`, one per checked box; none when no box is checked.
    #[server(default)]
    tags: Vec<i64>,
    /// Who owns it from the start (maintainers and admins only), by account id.
    #[server(default)]
    assignee_id: Option<i64>,
    /// The template it starts from.
    #[server(default)]
    template_id: Option<i64>,
) -> Result<IssueDetail, AppError> {
    signed_in(async |state, user| {
        let assignee = assignee_id.map(super::assign::Assignee::Id);
        let filing = super::service::Filing { title: &title, description: &description, severity, tag_ids: &tags, assignee: assignee.as_ref(), template_id };
        let issue = super::service::create_issue(&state.db, &state.events, &user, filing).await?;
        leptos_axum::redirect(&format!("/issues/{}", issue.summary.id));
        Ok(issue)
    })
    .await
}

/// One issue with its rendered description.
#[server]
pub async fn get_issue(issue_id: i64) -> Result<IssueDetail, AppError> {
    signed_in(async |state, user| super::service::get_issue(&state.db, &user, issue_id).await).await
}

/// Markdown rendered exactly as a saved description would be, for the editor's preview; with
/// `issue_id`, that issue's pictures show inline.
#[server]
pub async fn preview_description(
    markdown: String,
    #[server(default)]
    issue_id: Option<i64>,
) -> Result<String, AppError> {
    signed_in(async |state, user| super::service::preview_description(&state.db, &user, issue_id, &markdown).await).await
}

/// Edits an issue's title and description, if it is still at `version`.
#[server]
pub async fn update_issue(issue_id: i64, version: i64, title: String, description: String) -> Result<IssueDetail, AppError> {
    signed_in(async |state, user| super::service::update_issue(&state.db, &state.events, &user, issue_id, version, &title, &description).await).await
}

/// Deletes an issue (admins only); it can be restored.
#[server]
pub async fn delete_issue(issue_id: i64) -> Result<(), AppError> {
    signed_in(async |state, user| {
        super::service::delete_issue(&state.db, &state.events, &user, issue_id).await?;
        leptos_axum::redirect("/issues");
        Ok(())
    })
    .await
}

/// Restores a deleted issue (admins only).
#[server]
pub async fn restore_issue(issue_id: i64) -> Result<(), AppError> {
    signed_in(async |state, user| super::service::restore_issue(&state.db, &state.events, &user, issue_id).await).await
}

/// Replaces an issue's tags (maintainers and admins), if it is still at `version`.
#[server]
pub async fn set_issue_tags(
    issue_id: i64,
    version: i64,
    #[server(default)]
    tags: Vec<i64>,
) -> Result<IssueSummary, AppError> {
    signed_in(async |state, user| super::service::set_issue_tags(&state.db, &state.events, &user, issue_id, version, &tags).await).await
}
