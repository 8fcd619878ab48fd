//! Bulk triage: one change applied to many issues, each in its own transaction with its own
//! history row and version check, through the same service calls as a change to one issue. What
//! is refused (a stale version, a workflow rule, a deleted issue) is listed with its reason; the
//! rest lands.
use super::{
    assign::Assignee,
    model::{BULK_MOST, BulkChange, BulkItem, BulkOutcome, BulkRefusal},
    service,
};
use crate::{access, auth::model::CurrentUser, error::AppError, server::events::Events};
use sea_orm::{ConnectionTrait, TransactionTrait};
use std::collections::HashSet;

/// Applies `change` to each of `items` as `actor`. The request as a whole is refused (nothing
/// changes) when the actor may not make the change at all (403), names no issue or more than
/// [`BULK_MOST`] (422 on `items`), or names a tag or an assignee that cannot be used (422).
pub async fn bulk_change(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, change: &BulkChange, items: &[BulkItem]) -> Result<BulkOutcome, AppError> {
    match change {
        BulkChange::Delete => access::require_admin(actor)?,
        _ => access::require_triager(actor)?,
    }
    if items.is_empty() {
        return Err(AppError::field("items", "choose at least one issue"));
    }
    if items.len() > BULK_MOST {
        return Err(AppError::field("items", format!("at most {BULK_MOST} issues at once; this names {}", items.len())));
    }
    // Checked once, before any issue changes.
    let assignee = match change {
        BulkChange::Assign { assignee: Some(handle) } => super::assign::resolve(db, Some(&Assignee::Handle(handle.clone()))).await?.map(Assignee::Id),
        _ => None,
    };
    if let BulkChange::AddTag { tag_id } | BulkChange::RemoveTag { tag_id } = change {
        super::tagging::resolve(db, &[*tag_id]).await.map_err(|e| e.renamed_field("tags", "tag_id"))?;
    }
    // Each issue's notice waits for the others: open pages hear of the whole change at once.
    let events = &events.holding();
    let mut outcome = BulkOutcome::default();
    let mut seen = HashSet::new();
    for item in items.iter().filter(|item| seen.insert(item.id)) {
        let (id, version) = (item.id, item.version);
        let result = match change {
            BulkChange::Status { status } => service::transition(db, events, actor, id, version, *status).await.map(Some),
            BulkChange::Severity { severity } => service::change_severity(db, events, actor, id, version, *severity).await.map(Some),
            BulkChange::Assign { .. } => service::assign(db, events, actor, id, version, assignee.clone()).await.map(Some),
            BulkChange::AddTag { tag_id } | BulkChange::RemoveTag { tag_id } => {
                let adding = matches!(change, BulkChange::AddTag { .. });
                retag(db, events, actor, item, *tag_id, adding).await.map(Some)
            }
            BulkChange::Delete => service::delete_issue_at(db, events, actor, id, version).await.map(|()| None),
        };
        match result {
            Ok(Some(summary)) if summary.version == version => outcome.unchanged.push(id),
            Ok(Some(summary)) => outcome.changed.push(summary),
            Ok(None) => outcome.deleted.push(id),
            Err(error) => outcome.refused.push(refusal(id, error)),
        }
    }
    events.clone().release();
    Ok(outcome)
}

/// Adds tag `tag_id` to the issue of `item`, or takes it off, keeping its other tags.
async fn retag(
    db: &(impl ConnectionTrait + TransactionTrait),
    events: &Events,
    actor: &CurrentUser,
    item: &BulkItem,
    tag_id: i64,
    adding: bool,
) -> Result<super::model::IssueSummary, AppError> {
    let current = super::tagging::tags_of(db, &[item.id]).await?.remove(&item.id).unwrap_or_default();
    let mut ids: Vec<i64> = current.iter().map(|tag| tag.id).filter(|id| *id != tag_id).collect();
    if adding {
        ids.push(tag_id);
    }
    // The version check inside makes a tag list read here and changed since a refusal, not a loss.
    service::set_issue_tags(db, events, actor, item.id, item.version, &ids).await
}

/// Why an issue was left as it was, in words for the person and a code for programs.
fn refusal(id: i64, error: AppError) -> BulkRefusal {
    let code = match &error {
        AppError::StaleVersion { .. } => "stale_version",
        AppError::Validation(_) | AppError::Conflict(_) => "workflow",
        AppError::NotFound => "not_found",
        AppError::Forbidden | AppError::Unauthorized => "forbidden",
        _ => "unavailable",
    };
    let reason = match error {
        AppError::Validation(fields) => fields.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; "),
        AppError::NotFound => "there is no such issue, or it was deleted".to_owned(),
        other => other.to_string(),
    };
    BulkRefusal { id, code: code.to_owned(), reason }
}
