//! Migrations run on both databases, and replicas migrating at once are safe.

use baton::store::Db;

use crate::helpers::TestStorage;

#[tokio::test]
async fn replicas_migrating_at_the_same_time_both_succeed() {
    let storage = TestStorage::new().await;
    let first = Db::connect(&storage.database_url).await.unwrap();
    let second = Db::connect(&storage.database_url).await.unwrap();
    assert!(!first.is_migrated().await.unwrap());

    let (a, b) = tokio::join!(first.migrate(), second.migrate());
    a.unwrap();
    b.unwrap();
    assert!(first.is_migrated().await.unwrap());
    assert!(second.is_migrated().await.unwrap());
    // Migrating again is a no-op.
    first.migrate().await.unwrap();
}

#[tokio::test]
async fn an_in_memory_sqlite_database_is_one_database_for_reads_and_writes() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    db.migrate().await.unwrap();
    assert!(db.is_migrated().await.unwrap(), "the reader sees what the writer made");
}
