//! The rules and database access for issues: the only place that decides what a caller sees.
use super::model::{IssueDetail, IssueFilter, IssuePage, IssueSort, IssueSummary, PAGE_SIZE};
use crate::{
    auth::model::CurrentUser,
    domain::{Severity, Status},
    error::AppError,
    server::entities::{issue_events, issues, users},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Select, Set, TransactionSession, TransactionTrait, sea_query::Expr,
};

#[derive(FromQueryResult)]
struct SummaryRow {
    id: i64,
    title: String,
    severity: Severity,
    status: Status,
    reporter_email: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl From<SummaryRow> for IssueSummary {
    fn from(row: SummaryRow) -> Self {
        IssueSummary {
            id: row.id,
            title: row.title,
            severity: row.severity,
            status: row.status,
            reporter_email: row.reporter_email,
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        }
    }
}

/// The issues `actor` may see, narrowed by `filter`: reporters see only their own.
fn filtered(actor: &CurrentUser, filter: &IssueFilter) -> Select<issues::Entity> {
    // Only admins ever see deleted issues, and only when they ask for them.
    let deleted = filter.deleted && actor.is_admin();
    let mut query = issues::Entity::find().filter(if deleted {
        issues::Column::DeletedAt.is_not_null()
    } else {
        issues::Column::DeletedAt.is_null()
    });
    if !actor.can_triage() {
        query = query.filter(issues::Column::ReporterId.eq(actor.id));
    }
    if let Some(status) = filter.status {
        query = query.filter(issues::Column::Status.eq(status));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(issues::Column::Severity.eq(severity));
    }
    query
}

/// The first page of the issues `actor` may see that match `filter`, in its order, with the total.
pub async fn list_issues(db: &impl ConnectionTrait, actor: &CurrentUser, filter: &IssueFilter) -> Result<IssuePage, AppError> {
    let total = filtered(actor, filter).count(db).await?;
    let ordered = match filter.sort {
        IssueSort::Newest => filtered(actor, filter).order_by_desc(issues::Column::CreatedAt),
        IssueSort::Updated => filtered(actor, filter).order_by_desc(issues::Column::UpdatedAt),
    };
    let items = ordered
        // The id breaks ties, so the order is stable across pages.
        .order_by_desc(issues::Column::Id)
        .select_only()
        .columns([
            issues::Column::Id,
            issues::Column::Title,
            issues::Column::Severity,
            issues::Column::Status,
            issues::Column::CreatedAt,
            issues::Column::UpdatedAt,
            issues::Column::Version,
        ])
        .column_as(users::Column::Email, "reporter_email")
        .join(JoinType::InnerJoin, issues::Relation::Reporter.def())
        .limit(PAGE_SIZE)
        .into_model::<SummaryRow>()
        .all(db)
        .await?;
    Ok(IssuePage { items: items.into_iter().map(IssueSummary::from).collect(), total })
}

/// A triage change: a new status or a new severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Triage {
    Status(Status),
    Severity(Severity),
}

/// Applies `change` to issue `issue_id` as `actor`, if the issue is still at `version`.
/// Maintainers and admins triage any issue; a reporter gets 403 on their own issue and 404
/// on anyone else's (nothing is revealed). The change and its event row land together.
pub async fn triage(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &CurrentUser,
    issue_id: i64,
    version: i64,
    change: Triage,
) -> Result<IssueSummary, AppError> {
    let txn = db.begin().await?;
    let issue = visible_issue(&txn, actor, issue_id).await?;
    if !actor.can_triage() {
        return Err(AppError::Forbidden);
    }
    if issue.version != version {
        return Err(AppError::StaleVersion { current_version: issue.version });
    }
    let (kind, from, to) = match change {
        Triage::Status(next) => {
            if !issue.status.can_move_to(next) {
                return Err(AppError::field(
                    "status",
                    format!("an issue cannot move from {} to {}", issue.status.label(), next.label()),
                ));
            }
            ("status", issue.status.as_str(), next.as_str())
        }
        Triage::Severity(next) => ("severity", issue.severity.as_str(), next.as_str()),
    };
    let now = Utc::now();
    let mut update = issues::Entity::update_many()
        .col_expr(issues::Column::Version, Expr::value(version + 1))
        .col_expr(issues::Column::UpdatedAt, Expr::value(now))
        // The version in the WHERE clause makes the check and the write one step.
        .filter(issues::Column::Id.eq(issue_id))
        .filter(issues::Column::Version.eq(version));
    update = match change {
        Triage::Status(next) => update.col_expr(issues::Column::Status, Expr::value(next)),
        Triage::Severity(next) => update.col_expr(issues::Column::Severity, Expr::value(next)),
    };
    if update.exec(&txn).await?.rows_affected != 1 {
        return Err(AppError::StaleVersion { current_version: version + 1 });
    }
    record_event(&txn, issue_id, actor, kind, Some(from.to_owned()), Some(to.to_owned())).await?;
    let reporter_email = users::Entity::find_by_id(issue.reporter_id).one(&txn).await?.map(|u| u.email).unwrap_or_default();
    txn.commit().await?;
    let (status, severity) = match change {
        Triage::Status(next) => (next, issue.severity),
        Triage::Severity(next) => (issue.status, next),
    };
    Ok(IssueSummary {
        id: issue.id,
        title: issue.title,
        severity,
        status,
        reporter_email,
        created_at: issue.created_at,
        updated_at: now,
        version: version + 1,
    })
}

/// A title of 1 to 200 characters after trimming, without control characters.
pub struct IssueTitle(String);

impl IssueTitle {
    pub fn parse(raw: &str) -> Result<IssueTitle, AppError> {
        let title = raw.trim();
        if title.is_empty() {
            return Err(AppError::field("title", "a title is required"));
        }
        if title.chars().count() > super::model::TITLE_MAX_CHARS {
            return Err(AppError::field("title", format!("use at most {} characters", super::model::TITLE_MAX_CHARS)));
        }
        if title.chars().any(char::is_control) {
            return Err(AppError::field("title", "the title contains control characters"));
        }
        Ok(IssueTitle(title.to_owned()))
    }
}

/// A markdown description of at most 64 KiB.
pub fn parse_description(raw: &str) -> Result<String, AppError> {
    if raw.len() > super::model::DESCRIPTION_MAX_BYTES {
        return Err(AppError::field("description", "the description is longer than 64 KiB"));
    }
    if raw.contains('\0') {
        return Err(AppError::field("description", "the description contains a NUL character"));
    }
    Ok(raw.to_owned())
}

/// A title and a description, both checked; every bad field is named in one error.
fn parse_content(title: &str, description: &str) -> Result<(String, String), AppError> {
    match (IssueTitle::parse(title), parse_description(description)) {
        (Ok(title), Ok(description)) => Ok((title.0, description)),
        (title, description) => Err(AppError::merge_fields([title.err(), description.err()])),
    }
}

/// The live issue `issue_id` if `actor` may see it: triagers any, reporters their own.
/// Anything else is 404, so a reporter learns nothing about other issues.
async fn visible_issue(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64) -> Result<issues::Model, AppError> {
    issues::Entity::find_by_id(issue_id)
        .filter(issues::Column::DeletedAt.is_null())
        .one(db)
        .await?
        .filter(|issue| actor.can_triage() || issue.reporter_id == actor.id)
        .ok_or(AppError::NotFound)
}

fn detail(issue: issues::Model, reporter_email: String) -> IssueDetail {
    IssueDetail {
        description_html: crate::server::markdown::render(&issue.description),
        description: issue.description,
        summary: IssueSummary {
            id: issue.id,
            title: issue.title,
            severity: issue.severity,
            status: issue.status,
            reporter_email,
            created_at: issue.created_at,
            updated_at: issue.updated_at,
            version: issue.version,
        },
    }
}

/// Files an issue for `actor`; the issue and its `created` event land together.
pub async fn create_issue(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &CurrentUser,
    title: &str,
    description: &str,
    severity: Severity,
) -> Result<IssueDetail, AppError> {
    let (title, description) = parse_content(title, description)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let issue = issues::ActiveModel {
        title: Set(title),
        description: Set(description),
        severity: Set(severity),
        status: Set(Status::Open),
        reporter_id: Set(actor.id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record_event(&txn, issue.id, actor, "created", None, Some(issue.title.clone())).await?;
    txn.commit().await?;
    Ok(detail(issue, actor.email.clone()))
}

/// One issue, if `actor` may see it: triagers see any, reporters their own (404 otherwise).
pub async fn get_issue(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64) -> Result<IssueDetail, AppError> {
    let (issue, reporter) = issues::Entity::find_by_id(issue_id)
        .filter(issues::Column::DeletedAt.is_null())
        .find_also_related(users::Entity)
        .one(db)
        .await?
        .filter(|(issue, _)| actor.can_triage() || issue.reporter_id == actor.id)
        .ok_or(AppError::NotFound)?;
    Ok(detail(issue, reporter.map(|u| u.email).unwrap_or_default()))
}

/// Records one change to an issue, inside the caller's transaction.
async fn record_event(
    txn: &impl ConnectionTrait,
    issue_id: i64,
    actor: &CurrentUser,
    kind: &str,
    from: Option<String>,
    to: Option<String>,
) -> Result<(), AppError> {
    issue_events::ActiveModel {
        issue_id: Set(issue_id),
        actor_id: Set(actor.id),
        kind: Set(kind.to_owned()),
        from_value: Set(from),
        to_value: Set(to),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Edits the title and description: the reporter of the issue or an admin, at `version`.
/// Each changed field is recorded, in the same transaction as the edit.
pub async fn update_issue(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &CurrentUser,
    issue_id: i64,
    version: i64,
    title: &str,
    description: &str,
) -> Result<IssueDetail, AppError> {
    let (title, description) = parse_content(title, description)?;
    let txn = db.begin().await?;
    let issue = visible_issue(&txn, actor, issue_id).await?;
    if issue.reporter_id != actor.id && !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    if issue.version != version {
        return Err(AppError::StaleVersion { current_version: issue.version });
    }
    let now = Utc::now();
    let updated = issues::Entity::update_many()
        .col_expr(issues::Column::Title, Expr::value(title.clone()))
        .col_expr(issues::Column::Description, Expr::value(description.clone()))
        .col_expr(issues::Column::Version, Expr::value(version + 1))
        .col_expr(issues::Column::UpdatedAt, Expr::value(now))
        .filter(issues::Column::Id.eq(issue_id))
        .filter(issues::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::StaleVersion { current_version: version + 1 });
    }
    if issue.title != title {
        record_event(&txn, issue_id, actor, "title", Some(issue.title.clone()), Some(title.clone())).await?;
    }
    if issue.description != description {
        record_event(&txn, issue_id, actor, "description", Some(issue.description.clone()), Some(description.clone())).await?;
    }
    txn.commit().await?;
    get_issue(db, actor, issue_id).await
}

/// Hides an issue from every list, page and count (admins only); it can be restored.
pub async fn delete_issue(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, issue_id: i64) -> Result<(), AppError> {
    set_deleted(db, actor, issue_id, true).await
}

/// Brings a deleted issue back (admins only).
pub async fn restore_issue(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, issue_id: i64) -> Result<(), AppError> {
    set_deleted(db, actor, issue_id, false).await
}

async fn set_deleted(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &CurrentUser,
    issue_id: i64,
    deleted: bool,
) -> Result<(), AppError> {
    if !actor.is_admin() {
        // Reporters learn nothing about issues that are not theirs.
        let own = issues::Entity::find_by_id(issue_id).one(db).await?.is_some_and(|i| i.reporter_id == actor.id);
        return Err(if actor.can_triage() || own { AppError::Forbidden } else { AppError::NotFound });
    }
    let txn = db.begin().await?;
    let issue = issues::Entity::find_by_id(issue_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    if issue.deleted_at.is_some() == deleted {
        return Err(AppError::Conflict(if deleted { "the issue is already deleted".into() } else { "the issue is not deleted".into() }));
    }
    let now = Utc::now();
    issues::Entity::update_many()
        .col_expr(issues::Column::DeletedAt, Expr::value(deleted.then_some(now)))
        .col_expr(issues::Column::Version, Expr::value(issue.version + 1))
        .col_expr(issues::Column::UpdatedAt, Expr::value(now))
        .filter(issues::Column::Id.eq(issue_id))
        .exec(&txn)
        .await?;
    record_event(&txn, issue_id, actor, if deleted { "deleted" } else { "restored" }, None, None).await?;
    txn.commit().await?;
    Ok(())
}
