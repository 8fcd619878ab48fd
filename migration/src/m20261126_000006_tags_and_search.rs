use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Issues {
    Table,
    Id,
}

/// The tag list that maintainers keep: a name, unique regardless of letter case, and a colour.
#[derive(DeriveIden, Clone, Copy)]
enum Tags {
    Table,
    Id,
    Name,
    /// The name in lower case; the unique index on it keeps `Bug` and `bug` from both existing.
    NameKey,
    Colour,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IssueTags {
    Table,
    IssueId,
    TagId,
}

/// The colours a tag may have; the UI maps each to a fixed palette.
const COLOURS: &[&str] = &["GRAY", "RED", "ORANGE", "AMBER", "GREEN", "TEAL", "SKY", "BLUE", "VIOLET", "PINK"];

/// The rank of a severity, so "most severe first" walks an index instead of sorting on a CASE.
const SEVERITY_RANK: &str = "CASE severity WHEN 'CRITICAL' THEN 4 WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2 ELSE 1 END";

/// Full-text search on SQLite: an FTS5 index over title and description, kept in step by triggers.
const SQLITE_SEARCH_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE issues_fts USING fts5(title, description, content='issues', content_rowid='id', \
     tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER issues_fts_insert AFTER INSERT ON issues BEGIN \
     INSERT INTO issues_fts(rowid, title, description) VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER issues_fts_delete AFTER DELETE ON issues BEGIN \
     INSERT INTO issues_fts(issues_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER issues_fts_update AFTER UPDATE OF title, description ON issues BEGIN \
     INSERT INTO issues_fts(issues_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description); \
     INSERT INTO issues_fts(rowid, title, description) VALUES (new.id, new.title, new.description); END",
    "INSERT INTO issues_fts(issues_fts) VALUES ('rebuild')",
];

const SQLITE_SEARCH_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS issues_fts_update",
    "DROP TRIGGER IF EXISTS issues_fts_delete",
    "DROP TRIGGER IF EXISTS issues_fts_insert",
    "DROP TABLE IF EXISTS issues_fts",
];

/// Full-text search on PostgreSQL: a generated tsvector (title weighted above description) with a GIN index.
const POSTGRES_SEARCH_UP: &[&str] = &[
    "ALTER TABLE issues ADD COLUMN search tsvector GENERATED ALWAYS AS \
     (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')) STORED",
    "CREATE INDEX idx_issues_search ON issues USING GIN (search)",
];

/// The list's indexes, rebuilt to cover live issues only: every list query asks for
/// `deleted_at IS NULL`, so the planner can use them (and their counts) without touching
/// deleted rows. Each ends in the id, so keyset pagination walks the index instead of sorting.
/// (the index it replaces, the new name, its columns)
const LIST_INDEXES: &[(&str, &str, &str)] = &[
    ("idx_issues_created", "idx_live_issues_created", "created_at, id"),
    ("idx_issues_updated", "idx_live_issues_updated", "updated_at, id"),
    ("idx_issues_status_created", "idx_live_issues_status_created", "status, created_at, id"),
    ("idx_issues_severity_created", "idx_live_issues_severity_created", "severity, created_at, id"),
    ("idx_issues_reporter_created", "idx_live_issues_reporter_created", "reporter_id, created_at, id"),
    ("", "idx_live_issues_rank_created", "severity_rank, created_at, id"),
];

const POSTGRES_SEARCH_DOWN: &[&str] = &["DROP INDEX IF EXISTS idx_issues_search", "ALTER TABLE issues DROP COLUMN IF EXISTS search"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .col(ColumnDef::new(Tags::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Tags::Name).string_len(32).not_null())
                    .col(ColumnDef::new(Tags::NameKey).string_len(32).not_null().unique_key())
                    .col(ColumnDef::new(Tags::Colour).string_len(16).not_null().check(crate::one_of(Tags::Colour, COLOURS)))
                    .col(ColumnDef::new(Tags::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IssueTags::Table)
                    .col(ColumnDef::new(IssueTags::IssueId).big_integer().not_null())
                    .col(ColumnDef::new(IssueTags::TagId).big_integer().not_null())
                    .primary_key(Index::create().col(IssueTags::IssueId).col(IssueTags::TagId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_issue_tags_issue")
                            .from(IssueTags::Table, IssueTags::IssueId)
                            .to(Issues::Table, Issues::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_issue_tags_tag")
                            .from(IssueTags::Table, IssueTags::TagId)
                            .to(Tags::Table, Tags::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The tag filter starts from the tag.
        manager
            .create_index(
                Index::create().name("idx_issue_tags_tag").table(IssueTags::Table).col(IssueTags::TagId).col(IssueTags::IssueId).to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let (rank, search) = match manager.get_database_backend() {
            // SQLite can only add a virtual generated column; it can still be indexed.
            DatabaseBackend::Sqlite => (format!("ALTER TABLE issues ADD COLUMN severity_rank INTEGER GENERATED ALWAYS AS ({SEVERITY_RANK}) VIRTUAL"), SQLITE_SEARCH_UP),
            _ => (format!("ALTER TABLE issues ADD COLUMN severity_rank SMALLINT GENERATED ALWAYS AS ({SEVERITY_RANK}) STORED"), POSTGRES_SEARCH_UP),
        };
        db.execute_unprepared(&rank).await?;
        for (old, new, columns) in LIST_INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {new} ON issues ({columns}) WHERE deleted_at IS NULL")).await?;
            if !old.is_empty() {
                db.execute_unprepared(&format!("DROP INDEX {old}")).await?;
            }
        }
        // The admins' list of deleted issues.
        db.execute_unprepared("CREATE INDEX idx_issues_deleted ON issues (deleted_at, id) WHERE deleted_at IS NOT NULL").await?;
        for statement in search {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let search = match manager.get_database_backend() {
            DatabaseBackend::Sqlite => SQLITE_SEARCH_DOWN,
            _ => POSTGRES_SEARCH_DOWN,
        };
        for statement in search {
            db.execute_unprepared(statement).await?;
        }
        db.execute_unprepared("DROP INDEX IF EXISTS idx_issues_deleted").await?;
        for (old, new, columns) in LIST_INDEXES {
            if !old.is_empty() {
                db.execute_unprepared(&format!("CREATE INDEX {old} ON issues ({columns})")).await?;
            }
            db.execute_unprepared(&format!("DROP INDEX {new}")).await?;
        }
        db.execute_unprepared("ALTER TABLE issues DROP COLUMN severity_rank").await?;
        manager.drop_table(Table::drop().table(IssueTags::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Tags::Table).to_owned()).await?;
        Ok(())
    }
}
