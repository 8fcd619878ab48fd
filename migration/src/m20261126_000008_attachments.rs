use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Issues {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Comments {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

/// Files attached to issues (and optionally to one of their comments). The bytes live in the
/// object store under a key the server generates; the user's file name is only metadata.
#[derive(DeriveIden, Clone, Copy)]
enum Attachments {
    Table,
    Id,
    IssueId,
    CommentId,
    UploaderId,
    StorageKey,
    FileName,
    ContentType,
    SizeBytes,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(ColumnDef::new(Attachments::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Attachments::IssueId).big_integer().not_null())
                    .col(ColumnDef::new(Attachments::CommentId).big_integer().null())
                    .col(ColumnDef::new(Attachments::UploaderId).big_integer().not_null())
                    .col(ColumnDef::new(Attachments::StorageKey).string_len(64).not_null().unique_key())
                    .col(ColumnDef::new(Attachments::FileName).string_len(255).not_null())
                    .col(ColumnDef::new(Attachments::ContentType).string_len(100).not_null())
                    .col(ColumnDef::new(Attachments::SizeBytes).big_integer().not_null())
                    .col(ColumnDef::new(Attachments::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(ForeignKey::create().name("fk_attachments_issue").from(Attachments::Table, Attachments::IssueId).to(Issues::Table, Issues::Id).on_delete(ForeignKeyAction::Cascade))
                    .foreign_key(ForeignKey::create().name("fk_attachments_comment").from(Attachments::Table, Attachments::CommentId).to(Comments::Table, Comments::Id).on_delete(ForeignKeyAction::SetNull))
                    .foreign_key(ForeignKey::create().name("fk_attachments_uploader").from(Attachments::Table, Attachments::UploaderId).to(Users::Table, Users::Id).on_delete(ForeignKeyAction::Restrict))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_attachments_issue").table(Attachments::Table).col(Attachments::IssueId).col(Attachments::Id).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Attachments::Table).to_owned()).await
    }
}
