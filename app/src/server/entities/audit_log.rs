use sea_orm::entity::prelude::*;

/// One audit entry; `hash` covers every other column and the previous entry's hash.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<i64>,
    /// Kept as text, so the entry reads the same after the account is gone.
    pub actor_email: Option<String>,
    pub action: String,
    pub target: Option<String>,
    /// A JSON object.
    #[sea_orm(column_type = "Text")]
    pub details: String,
    pub ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
