//! A notification's mail is queued in the transaction of the change that causes it, as the few
//! facts its bodies are made from; the sender writes the bodies just before it sends. The change
//! stays cheap to write (a short row, not two rendered bodies), and the mail still exists exactly
//! when the change does.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000018_outbox_notice"
    }
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Notice,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(MailOutbox::Table).add_column(ColumnDef::new(MailOutbox::Notice).text().null()).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(MailOutbox::Table).drop_column(MailOutbox::Notice).to_owned()).await
    }
}
