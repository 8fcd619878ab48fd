//! The SQLite writer runs the writes that arrive together in one transaction, each in a
//! savepoint: one that fails or panics is undone alone and answered with its own error, and the
//! others land and are answered only once they have committed.
use app::{error::AppError, server::writer::Writer};
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement};

/// Inserts `value` into the test table, in `txn`.
async fn put(txn: &DatabaseTransaction, value: String) -> Result<(), AppError> {
    txn.execute_raw(Statement::from_sql_and_values(txn.get_database_backend(), "INSERT INTO t (v) VALUES (?)", [value.into()])).await?;
    Ok(())
}

#[tokio::test]
async fn writes_sent_together_land_together_and_a_failed_one_alone_is_undone() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("writer.db").display());
    let db = app::server::db::connect(&url).await.unwrap();
    db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)").await.unwrap();
    let writer = Writer::start(app::server::db::connect_writer(&url).await.unwrap().expect("a file has a writer"));

    // Sixty writes at once, more than one transaction takes: the 7th writes and then fails, the
    // 9th writes and then panics, the 11th breaks a constraint; the rest write one row each.
    let writes = (0..60_i64).map(|i| {
        let writer = writer.clone();
        async move {
            writer
                .write(Box::new(move |txn| {
                    Box::pin(async move {
                        put(txn, format!("row {i}")).await?;
                        match i {
                            7 => return Err(AppError::Conflict("the seventh refuses".into())),
                            9 => panic!("the ninth breaks"),
                            11 => put(txn, "row 0".into()).await?,
                            _ => {}
                        }
                        Ok(i)
                    })
                }))
                .await
        }
    });
    let answers = futures::future::join_all(writes).await;

    for (i, answer) in answers.iter().enumerate() {
        match i {
            7 => assert_eq!(answer, &Err(AppError::Conflict("the seventh refuses".into()))),
            9 | 11 => assert!(matches!(answer, Err(AppError::Internal { .. })), "write {i}: {answer:?}"),
            _ => assert_eq!(answer, &Ok(i as i64), "write {i}"),
        }
    }
    let rows: Vec<String> = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT v FROM t ORDER BY id"))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "v").unwrap())
        .collect();
    let expected: Vec<String> = (0..60).filter(|i| ![7, 9, 11].contains(i)).map(|i| format!("row {i}")).collect();
    let mut landed = rows;
    landed.sort_by_key(|v| v[4..].parse::<i64>().unwrap());
    assert_eq!(landed, expected, "every write but the failed ones, each once");

    // The writer goes on after a panic: a write sent now lands.
    writer.write(Box::new(|txn| Box::pin(async move { put(txn, "after".into()).await }))).await.unwrap();
    let count = db.query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM t WHERE v = 'after'")).await.unwrap().unwrap();
    assert_eq!(count.try_get::<i64>("", "n").unwrap(), 1);
}

#[tokio::test]
async fn a_database_in_memory_has_no_writer_of_its_own() {
    assert!(app::server::db::connect_writer("sqlite::memory:").await.unwrap().is_none());
    assert!(app::server::db::connect_writer("postgres://tracker@localhost/tracker").await.unwrap().is_none());
}
