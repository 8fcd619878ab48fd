use crate::domain::Severity;
use sea_orm::entity::prelude::*;

/// Median time to triage and to resolve for one severity, written by the statistics job.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stats_medians")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub severity: Severity,
    pub triaged: i64,
    pub triage_seconds: Option<i64>,
    pub resolved: i64,
    pub resolve_seconds: Option<i64>,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
