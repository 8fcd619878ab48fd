use crate::domain::Role;
use sea_orm::entity::prelude::*;

/// An account. `hashed_password` is empty for single sign-on accounts.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    /// The unique name people are mentioned and linked by: lowercase letters, digits, `-`, `_`.
    #[sea_orm(unique)]
    pub handle: String,
    /// The name shown for the person.
    pub display_name: String,
    pub hashed_password: Option<String>,
    pub google_id: Option<String>,
    pub role: Role,
    pub created_at: DateTimeUtc,
    /// Set when an admin deactivates the account: it can no longer sign in or use a session.
    pub deactivated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::issues::Entity")]
    Issues,
    #[sea_orm(has_many = "super::sessions::Entity")]
    Sessions,
    #[sea_orm(has_many = "super::notification_prefs::Entity")]
    NotificationPrefs,
}

impl Related<super::notification_prefs::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::NotificationPrefs.def()
    }
}

impl Related<super::issues::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Issues.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
