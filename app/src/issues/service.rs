//! The rules and database access for issues: the only place that decides what a caller sees.
use super::model::{IssueFilter, IssuePage, IssueSort, IssueSummary, PAGE_SIZE};
use crate::{
    auth::model::CurrentUser,
    domain::{Severity, Status},
    error::AppError,
    server::entities::{issues, users},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Select,
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
        }
    }
}

/// The issues `actor` may see, narrowed by `filter`: reporters see only their own.
fn filtered(actor: &CurrentUser, filter: &IssueFilter) -> Select<issues::Entity> {
    let mut query = issues::Entity::find();
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
        ])
        .column_as(users::Column::Email, "reporter_email")
        .join(JoinType::InnerJoin, issues::Relation::Reporter.def())
        .limit(PAGE_SIZE)
        .into_model::<SummaryRow>()
        .all(db)
        .await?;
    Ok(IssuePage { items: items.into_iter().map(IssueSummary::from).collect(), total })
}
