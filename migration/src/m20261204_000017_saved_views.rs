//! Saved views: a named query of the issue list, kept by one account, and shared with everyone
//! when a maintainer or admin says so.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000017_saved_views"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum SavedViews {
    Table,
    Id,
    OwnerId,
    Name,
    /// The name in lower case: one account has one view of a name, in any letter case.
    NameKey,
    /// The search box's text, as the query language reads it.
    Query,
    Shared,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SavedViews::Table)
                    .col(ColumnDef::new(SavedViews::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(SavedViews::OwnerId).big_integer().not_null())
                    .col(ColumnDef::new(SavedViews::Name).string_len(64).not_null())
                    .col(ColumnDef::new(SavedViews::NameKey).string_len(64).not_null())
                    .col(ColumnDef::new(SavedViews::Query).string_len(256).not_null())
                    .col(ColumnDef::new(SavedViews::Shared).boolean().not_null())
                    .col(ColumnDef::new(SavedViews::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_saved_views_owner")
                            .from(SavedViews::Table, SavedViews::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_saved_views_owner_name").table(SavedViews::Table).col(SavedViews::OwnerId).col(SavedViews::NameKey).unique().to_owned())
            .await?;
        // The shared ones are read by everyone, on every list page.
        manager.create_index(Index::create().name("idx_saved_views_shared").table(SavedViews::Table).col(SavedViews::Shared).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SavedViews::Table).to_owned()).await
    }
}
