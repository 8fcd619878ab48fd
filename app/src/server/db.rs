//! Opening the database: SQLite by default, PostgreSQL for production and several instances.
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait};
use std::time::Duration;

/// Opens a pool on `url` and applies the settings each backend needs.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.starts_with("sqlite:");
    // SQLite allows one writer at a time; a small pool avoids lock contention.
    let db = Database::connect(options(url, if sqlite { 8 } else { 20 })).await?;
    if sqlite {
        // WAL lets readers proceed during a write; the setting is stored in the file.
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    Ok(db)
}

/// On a SQLite file, one connection of its own that the busiest writes go through (see
/// [`crate::server::events::Events::write`]); `None` elsewhere. SQLite drops a
/// connection's page cache whenever another connection has written since it last read, so a
/// write on a pool connection starts cold, reading again every page of every table and index
/// it touches; writes that always go through the same connection find them where they left
/// them.
pub async fn connect_writer(url: &str) -> Result<Option<DatabaseConnection>, DbErr> {
    // A database in memory is one per connection: a second connection would see another.
    if !url.starts_with("sqlite:") || url.contains(":memory:") || url.contains("mode=memory") {
        return Ok(None);
    }
    let mut options = options(url, 1);
    // The connection lives in this process and cannot drop as a network one can: asking it
    // whether it is alive before each write would be a wasted round trip to its thread.
    options.test_before_acquire(false).idle_timeout(None::<Duration>).max_lifetime(None::<Duration>);
    Database::connect(options).await.map(Some)
}

/// How a pool of at most `max` connections on `url` is opened.
fn options(url: &str, max: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // Statements are traced by our own spans; sqlx's per-statement log is noise.
        .sqlx_logging(false)
        .max_connections(max)
        .min_connections(1);
    if url.starts_with("sqlite:") {
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                // In WAL mode this is still safe against a crash of the server; only an
                // operating-system crash or power cut can lose the last commits (never corrupt
                // the file). It saves an fsync per write.
                .pragma("synchronous", "NORMAL")
                // Sorting and grouping scratch space stays in memory.
                .pragma("temp_store", "MEMORY")
                // Each connection checks the references between rows (sqlx's default, said here
                // because every connection must).
                .foreign_keys(true)
        });
    }
    options
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`), so it waits its turn behind another writer; a deferred one that read first
/// could not wait and would fail with "database is locked" when overlapping writes meet.
/// PostgreSQL starts as usual, and inside a transaction it is a savepoint as always.
pub async fn begin_write<C: TransactionTrait + ?Sized>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() }).await
}

/// Runs `inserts` in one round trip to the database, in order: on a write transaction each
/// statement costs a round trip while the write lock is held, so a change that writes to several
/// tables sends them together. PostgreSQL gets one statement, the earlier inserts as
/// data-modifying `WITH` parts; SQLite gets them `;`-separated with their values bound in turn.
/// Values stay bound parameters on both. Empty lists send nothing.
pub async fn insert_together(db: &impl ConnectionTrait, inserts: Vec<sea_orm::sea_query::InsertStatement>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let mut sql = String::new();
    let mut values = Vec::new();
    let count = inserts.len();
    for (index, insert) in inserts.into_iter().enumerate() {
        match backend {
            DbBackend::Postgres => {
                let (part, part_values) = insert.build(sea_orm::sea_query::PostgresQueryBuilder);
                let part = renumbered(&part, values.len());
                if index + 1 < count {
                    sql.push_str(if index == 0 { "WITH " } else { ", " });
                    sql.push_str(&format!("\"together_{index}\" AS ({part})"));
                } else {
                    if index > 0 {
                        sql.push(' ');
                    }
                    sql.push_str(&part);
                }
                values.extend(part_values);
            }
            _ => {
                let (part, part_values) = insert.build(sea_orm::sea_query::SqliteQueryBuilder);
                if index > 0 {
                    sql.push_str("; ");
                }
                sql.push_str(&part);
                values.extend(part_values);
            }
        }
    }
    if count > 0 {
        db.execute_raw(sea_orm::Statement::from_sql_and_values(backend, sql, values)).await?;
    }
    Ok(())
}

/// `sql` with every PostgreSQL placeholder `$n` moved up by `offset`. The query builder writes
/// every value as a placeholder, so a `$` followed by digits is always one.
fn renumbered(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let start = at + 1;
        let mut end = start;
        while let Some(&(i, d)) = chars.peek() {
            if !d.is_ascii_digit() {
                break;
            }
            end = i + 1;
            chars.next();
        }
        if end > start {
            let n: usize = sql[start..end].parse().unwrap_or(0);
            out.push_str(&(n + offset).to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::renumbered;

    #[test]
    fn placeholders_move_up_by_the_values_before_them() {
        assert_eq!(renumbered(r#"INSERT INTO "t" ("a", "b") VALUES ($1, $2), ($3, $10)"#, 4), r#"INSERT INTO "t" ("a", "b") VALUES ($5, $6), ($7, $14)"#);
        assert_eq!(renumbered("SELECT $1", 0), "SELECT $1");
        assert_eq!(renumbered("a $ b", 3), "a $ b");
    }
}
