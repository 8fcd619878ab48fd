use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One row per UTC day: how many issues stood in each status and severity at the end of it,
/// and how many were created and resolved during it.
#[derive(DeriveIden, Clone, Copy)]
enum DailyStats {
    Table,
    Day,
    Open,
    Triaged,
    InProgress,
    Done,
    Low,
    Medium,
    High,
    Critical,
    Created,
    Resolved,
    ComputedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(DailyStats::Table)
            .col(ColumnDef::new(DailyStats::Day).date().not_null().primary_key());
        for count in [
            DailyStats::Open,
            DailyStats::Triaged,
            DailyStats::InProgress,
            DailyStats::Done,
            DailyStats::Low,
            DailyStats::Medium,
            DailyStats::High,
            DailyStats::Critical,
            DailyStats::Created,
            DailyStats::Resolved,
        ] {
            table.col(ColumnDef::new(count).big_integer().not_null().default(0));
        }
        table.col(ColumnDef::new(DailyStats::ComputedAt).timestamp_with_time_zone().not_null());
        manager.create_table(table.to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DailyStats::Table).to_owned()).await
    }
}
