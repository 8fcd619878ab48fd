use crate::domain::TagColour;
use sea_orm::entity::prelude::*;

/// A tag that maintainers keep in the tag list.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tags")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The name in lower case; unique, so names differ in more than letter case.
    pub name_key: String,
    pub colour: TagColour,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
