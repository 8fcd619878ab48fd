//! A queued mail remembers the issue it is about, so the sender can check, just before it sends,
//! that the recipient may still see that issue.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000015_outbox_issue"
    }
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    IssueId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(MailOutbox::Table).add_column(ColumnDef::new(MailOutbox::IssueId).big_integer().null()).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(MailOutbox::Table).drop_column(MailOutbox::IssueId).to_owned()).await
    }
}
