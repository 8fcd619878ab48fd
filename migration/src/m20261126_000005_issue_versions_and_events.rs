use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Issues {
    Table,
    Id,
    Version,
    DeletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

/// One row per change to an issue, written in the same transaction as the change.
#[derive(DeriveIden, Clone, Copy)]
enum IssueEvents {
    Table,
    Id,
    IssueId,
    ActorId,
    Kind,
    FromValue,
    ToValue,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Issues::Table)
                    // Bumped by every update, so a stale edit is caught instead of overwriting.
                    .add_column(ColumnDef::new(Issues::Version).big_integer().not_null().default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Issues::Table)
                    .add_column(ColumnDef::new(Issues::DeletedAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IssueEvents::Table)
                    .col(ColumnDef::new(IssueEvents::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(IssueEvents::IssueId).big_integer().not_null())
                    .col(ColumnDef::new(IssueEvents::ActorId).big_integer().not_null())
                    .col(ColumnDef::new(IssueEvents::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(IssueEvents::FromValue).text().null())
                    .col(ColumnDef::new(IssueEvents::ToValue).text().null())
                    .col(ColumnDef::new(IssueEvents::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_issue_events_issue")
                            .from(IssueEvents::Table, IssueEvents::IssueId)
                            .to(Issues::Table, Issues::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_issue_events_actor")
                            .from(IssueEvents::Table, IssueEvents::ActorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_issue_events_issue_created")
                    .table(IssueEvents::Table)
                    .col(IssueEvents::IssueId)
                    .col(IssueEvents::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(IssueEvents::Table).to_owned()).await?;
        for column in [Issues::DeletedAt, Issues::Version] {
            manager.alter_table(Table::alter().table(Issues::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
