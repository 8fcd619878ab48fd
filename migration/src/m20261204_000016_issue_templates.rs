//! Issue templates: what maintainers give reporters to start from (a name, a one-line
//! description, a default severity and tags, a markdown body), in an order they choose, archived
//! rather than deleted; and on each issue, the template it was filed from.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000016_issue_templates"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum IssueTemplates {
    Table,
    Id,
    /// Unique, from the name: what `/issues/new?template=<slug>` names.
    Slug,
    Name,
    /// One line saying when to use it.
    About,
    Severity,
    Body,
    /// The order of the picker, lowest first.
    Position,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IssueTemplateTags {
    Table,
    TemplateId,
    TagId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Tags {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Issues {
    Table,
    TemplateId,
}

const SEVERITIES: &[&str] = &["LOW", "MEDIUM", "HIGH", "CRITICAL"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IssueTemplates::Table)
                    .col(ColumnDef::new(IssueTemplates::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(IssueTemplates::Slug).string_len(64).not_null().unique_key())
                    .col(ColumnDef::new(IssueTemplates::Name).string_len(64).not_null())
                    .col(ColumnDef::new(IssueTemplates::About).string_len(160).not_null())
                    .col(ColumnDef::new(IssueTemplates::Severity).string_len(16).not_null().check(crate::one_of(IssueTemplates::Severity, SEVERITIES)))
                    .col(ColumnDef::new(IssueTemplates::Body).text().not_null())
                    .col(ColumnDef::new(IssueTemplates::Position).integer().not_null())
                    .col(ColumnDef::new(IssueTemplates::ArchivedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(IssueTemplates::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(IssueTemplates::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IssueTemplateTags::Table)
                    .col(ColumnDef::new(IssueTemplateTags::TemplateId).big_integer().not_null())
                    .col(ColumnDef::new(IssueTemplateTags::TagId).big_integer().not_null())
                    .primary_key(Index::create().col(IssueTemplateTags::TemplateId).col(IssueTemplateTags::TagId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_issue_template_tags_template")
                            .from(IssueTemplateTags::Table, IssueTemplateTags::TemplateId)
                            .to(IssueTemplates::Table, IssueTemplates::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_issue_template_tags_tag")
                            .from(IssueTemplateTags::Table, IssueTemplateTags::TagId)
                            .to(Tags::Table, Tags::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Templates are archived, never deleted, so the id an issue keeps always names one.
        manager.alter_table(Table::alter().table(Issues::Table).add_column(ColumnDef::new(Issues::TemplateId).big_integer().null()).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Issues::Table).drop_column(Issues::TemplateId).to_owned()).await?;
        manager.drop_table(Table::drop().table(IssueTemplateTags::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(IssueTemplates::Table).to_owned()).await
    }
}
