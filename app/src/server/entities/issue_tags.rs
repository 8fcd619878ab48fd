use sea_orm::entity::prelude::*;

/// One tag on one issue.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "issue_tags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub issue_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::tags::Entity", from = "Column::TagId", to = "super::tags::Column::Id")]
    Tag,
    #[sea_orm(belongs_to = "super::issues::Entity", from = "Column::IssueId", to = "super::issues::Column::Id")]
    Issue,
}

impl Related<super::tags::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tag.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
