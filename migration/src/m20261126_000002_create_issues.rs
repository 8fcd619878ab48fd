use sea_orm_migration::prelude::*;

use crate::{m20261126_000001_create_users::Users, one_of};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Issues {
    Table,
    Id,
    Title,
    Description,
    Severity,
    Status,
    ReporterId,
    CreatedAt,
    UpdatedAt,
}

/// The list page's filters and sorts, each ending in the id so that keyset
/// pagination walks an index instead of sorting.
const INDEXES: &[(&str, &[Issues])] = &[
    ("idx_issues_created", &[Issues::CreatedAt, Issues::Id]),
    ("idx_issues_updated", &[Issues::UpdatedAt, Issues::Id]),
    ("idx_issues_status_created", &[Issues::Status, Issues::CreatedAt, Issues::Id]),
    ("idx_issues_severity_created", &[Issues::Severity, Issues::CreatedAt, Issues::Id]),
    ("idx_issues_reporter_created", &[Issues::ReporterId, Issues::CreatedAt, Issues::Id]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Issues::Table)
                    .col(ColumnDef::new(Issues::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Issues::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Issues::Description).text().not_null().default(""))
                    .col(
                        ColumnDef::new(Issues::Severity)
                            .string_len(16)
                            .not_null()
                            .check(one_of(Issues::Severity, &["LOW", "MEDIUM", "HIGH", "CRITICAL"])),
                    )
                    .col(
                        ColumnDef::new(Issues::Status)
                            .string_len(16)
                            .not_null()
                            .default("OPEN")
                            .check(one_of(Issues::Status, &["OPEN", "TRIAGED", "IN_PROGRESS", "DONE"])),
                    )
                    .col(ColumnDef::new(Issues::ReporterId).big_integer().not_null())
                    .col(ColumnDef::new(Issues::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Issues::UpdatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_issues_reporter")
                            .from(Issues::Table, Issues::ReporterId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in INDEXES {
            let mut index = Index::create();
            index.name(*name).table(Issues::Table);
            for column in *columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Issues::Table).to_owned()).await
    }
}
