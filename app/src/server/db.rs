//! Opening the database: SQLite by default, PostgreSQL for production and several instances.
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait};
use std::time::Duration;

/// Opens a pool on `url` and applies the settings each backend needs.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // Statements are traced by our own spans; sqlx's per-statement log is noise.
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // SQLite allows one writer at a time; a small pool avoids lock contention.
        options.max_connections(8).min_connections(1);
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                // In WAL mode this is still safe against a crash of the server; only an
                // operating-system crash or power cut can lose the last commits (never corrupt
                // the file). It saves an fsync per write.
                .pragma("synchronous", "NORMAL")
                // Sorting and grouping scratch space stays in memory.
                .pragma("temp_store", "MEMORY")
        });
    } else {
        options.max_connections(20).min_connections(1);
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers proceed during a write; the setting is stored in the file.
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
        db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    }
    Ok(db)
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), so it waits its turn behind another writer; a deferred one that read first
/// could not wait and would fail with "database is locked" when overlapping writes meet.
/// PostgreSQL starts as usual, and inside a transaction it is a savepoint as always.
pub async fn begin_write<C: TransactionTrait + ?Sized>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() }).await
}
