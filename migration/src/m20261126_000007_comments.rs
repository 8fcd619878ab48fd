use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Issues {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

/// Comments on issues. Deleting one keeps the row (the timeline says it was deleted) and drops the body.
#[derive(DeriveIden, Clone, Copy)]
enum Comments {
    Table,
    Id,
    IssueId,
    AuthorId,
    Body,
    CreatedAt,
    EditedAt,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(ColumnDef::new(Comments::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Comments::IssueId).big_integer().not_null())
                    .col(ColumnDef::new(Comments::AuthorId).big_integer().not_null())
                    .col(ColumnDef::new(Comments::Body).text().not_null())
                    .col(ColumnDef::new(Comments::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Comments::EditedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Comments::DeletedAt).timestamp_with_time_zone().null())
                    .foreign_key(ForeignKey::create().name("fk_comments_issue").from(Comments::Table, Comments::IssueId).to(Issues::Table, Issues::Id).on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(ForeignKey::create().name("fk_comments_author").from(Comments::Table, Comments::AuthorId).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Restrict))
                    .to_owned(),
            )
            .await?;
        // The timeline reads one issue's comments in order.
        manager
            .create_index(Index::create().name("idx_comments_issue_created").table(Comments::Table).col(Comments::IssueId).col(Comments::CreatedAt).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Comments::Table).to_owned()).await
    }
}
