use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Security-relevant and administrative events, hash-chained: each entry holds the hash of the
/// one before, so changing or removing a past entry breaks the chain from there on.
#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Seq,
    At,
    ActorId,
    ActorEmail,
    Action,
    Target,
    Details,
    Ip,
    PrevHash,
    Hash,
}

/// The chain's head in one row: appending updates it first, which serialises appends on both
/// databases (a row lock on PostgreSQL, the write lock on SQLite).
#[derive(DeriveIden, Clone, Copy)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(ColumnDef::new(AuditLog::Seq).big_integer().not_null().primary_key())
                    .col(ColumnDef::new(AuditLog::At).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(AuditLog::ActorId).big_integer().null())
                    .col(ColumnDef::new(AuditLog::ActorEmail).string_len(320).null())
                    .col(ColumnDef::new(AuditLog::Action).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::Target).string_len(200).null())
                    .col(ColumnDef::new(AuditLog::Details).text().not_null())
                    .col(ColumnDef::new(AuditLog::Ip).string_len(64).null())
                    .col(ColumnDef::new(AuditLog::PrevHash).string_len(64).not_null())
                    .col(ColumnDef::new(AuditLog::Hash).string_len(64).not_null())
                    .to_owned(),
            )
            .await?;
        for (name, column) in [("idx_audit_log_at", AuditLog::At), ("idx_audit_log_action", AuditLog::Action), ("idx_audit_log_actor", AuditLog::ActorEmail)] {
            manager.create_index(Index::create().name(name).table(AuditLog::Table).col(column).col(AuditLog::Seq).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .col(ColumnDef::new(AuditHead::Id).integer().not_null().primary_key())
                    .col(ColumnDef::new(AuditHead::Seq).big_integer().not_null())
                    .col(ColumnDef::new(AuditHead::Hash).string_len(64).not_null())
                    .to_owned(),
            )
            .await?;
        let genesis = Query::insert()
            .into_table(AuditHead::Table)
            .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
            .values_panic([1.into(), 0i64.into(), "0".repeat(64).into()])
            .to_owned();
        manager.exec_stmt(genesis).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditHead::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await
    }
}
