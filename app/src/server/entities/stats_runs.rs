use sea_orm::entity::prelude::*;

/// One run of the daily statistics job; a scheduled run's tick is unique.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stats_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tick: Option<i64>,
    /// `schedule` or `manual`.
    pub trigger: String,
    pub actor_id: Option<i64>,
    pub started_at: DateTimeUtc,
    pub duration_ms: i64,
    pub days: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
