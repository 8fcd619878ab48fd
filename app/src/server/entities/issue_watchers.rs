use crate::domain::WatchState;
use sea_orm::entity::prelude::*;

/// One person's choice about one issue: watching, not watching, or muted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "issue_watchers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub issue_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    pub state: WatchState,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
