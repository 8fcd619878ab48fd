use crate::domain::Severity;
use sea_orm::entity::prelude::*;

/// A template to file an issue from, as maintainers keep it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "issue_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique, from the name: what `/issues/new?template=<slug>` names.
    pub slug: String,
    pub name: String,
    /// One line saying when to use it.
    pub about: String,
    pub severity: Severity,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// The picker's order, lowest first.
    pub position: i32,
    /// Set when archived: no longer offered, still named by the issues filed from it.
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
