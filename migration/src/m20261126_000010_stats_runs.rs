use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One row per run of the daily statistics job. A scheduled run names its tick (the number of
/// whole intervals since the epoch), and a tick can be run once only, by whichever instance
/// gets there first.
#[derive(DeriveIden, Clone, Copy)]
enum StatsRuns {
    Table,
    Id,
    Tick,
    Trigger,
    ActorId,
    StartedAt,
    DurationMs,
    Days,
}

/// Median time to triage and to resolve by severity, over the last 90 days, as of the last run.
#[derive(DeriveIden, Clone, Copy)]
enum StatsMedians {
    Table,
    Severity,
    Triaged,
    TriageSeconds,
    Resolved,
    ResolveSeconds,
    ComputedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IssueEvents {
    Table,
    Kind,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatsRuns::Table)
                    .col(ColumnDef::new(StatsRuns::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(StatsRuns::Tick).big_integer().null().unique_key())
                    .col(ColumnDef::new(StatsRuns::Trigger).string_len(16).not_null().check(crate::one_of(StatsRuns::Trigger, &["schedule", "manual"])))
                    .col(ColumnDef::new(StatsRuns::ActorId).big_integer().null())
                    .col(ColumnDef::new(StatsRuns::StartedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(StatsRuns::DurationMs).big_integer().not_null())
                    .col(ColumnDef::new(StatsRuns::Days).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StatsMedians::Table)
                    .col(ColumnDef::new(StatsMedians::Severity).string_len(16).not_null().primary_key())
                    .col(ColumnDef::new(StatsMedians::Triaged).big_integer().not_null())
                    .col(ColumnDef::new(StatsMedians::TriageSeconds).big_integer().null())
                    .col(ColumnDef::new(StatsMedians::Resolved).big_integer().not_null())
                    .col(ColumnDef::new(StatsMedians::ResolveSeconds).big_integer().null())
                    .col(ColumnDef::new(StatsMedians::ComputedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        // The job reads the status and severity changes of every issue.
        manager
            .create_index(Index::create().name("idx_issue_events_kind_created").table(IssueEvents::Table).col(IssueEvents::Kind).col(IssueEvents::CreatedAt).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_issue_events_kind_created").table(IssueEvents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StatsMedians::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StatsRuns::Table).to_owned()).await
    }
}
