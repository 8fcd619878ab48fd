//! A notification is written with one index fewer: the unread count and "reading the issue
//! marks its notifications read" both look only at unread rows, by person and issue, so one
//! partial index on `(user_id, issue_id)` of the unread rows serves them both (and holds only
//! what is unread), in place of an index of every row by person and issue and one of the unread
//! by person. A notifying change writes several notifications under SQLite's write lock.
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000019_unread_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX idx_notifications_unread_issue ON notifications (user_id, issue_id) WHERE read_at IS NULL").await?;
        db.execute_unprepared("DROP INDEX idx_notifications_unread").await?;
        db.execute_unprepared("DROP INDEX idx_notifications_user_issue").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX idx_notifications_user_issue ON notifications (user_id, issue_id)").await?;
        db.execute_unprepared("CREATE INDEX idx_notifications_unread ON notifications (user_id) WHERE read_at IS NULL").await?;
        db.execute_unprepared("DROP INDEX idx_notifications_unread_issue").await?;
        Ok(())
    }
}
