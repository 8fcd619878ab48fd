use crate::domain::{Severity, Status};
use sea_orm::entity::prelude::*;

/// An issue as stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "issues")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub severity: Severity,
    pub status: Status,
    pub reporter_id: i64,
    /// Who owns the issue: a maintainer or an admin, or nobody.
    pub assignee_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Bumped by every update; an update must name the version it read.
    pub version: i64,
    /// Set when the issue is deleted; such issues are hidden everywhere but from admins.
    pub deleted_at: Option<DateTimeUtc>,
    /// The template it was filed from, if any.
    pub template_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::ReporterId",
        to = "super::users::Column::Id"
    )]
    Reporter,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Reporter.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
