//! Persistence: the only module (with start-up) that speaks sea-orm.
//! Queries are grouped by aggregate; entities live in `entity/`.
//!
//! SQLite needs care under concurrency: WAL so readers never block the
//! writer, a busy timeout, foreign keys on, and every write through one
//! connection so a transaction that reads before it writes cannot fail with
//! SQLITE_BUSY. PostgreSQL uses one pool for both.

pub mod audit;
pub mod entity;
pub mod google_logins;
pub mod idempotency;
pub mod one_time_tokens;
pub mod roster;
pub mod sessions;
pub mod throttle;
pub mod users;

use std::time::Duration;

use baton_migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqlErr, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

use crate::error::Error;

/// An arbitrary constant: the PostgreSQL advisory lock that serializes
/// migrations across replicas starting together.
const MIGRATION_LOCK: i64 = 0x0062_6174_6f6e; // "baton"

/// The database, with separate handles for reads and writes.
#[derive(Debug, Clone)]
pub struct Db {
    read: DatabaseConnection,
    write: DatabaseConnection,
}

impl Db {
    /// Connects to `url` (`sqlite://...` or `postgres://...`).
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        if url.starts_with("sqlite:") && url.contains(":memory:") {
            // Every connection to an in-memory database is a database of its
            // own: one connection serves both roles.
            let only = Database::connect(sqlite_options(url, 1)).await?;
            Ok(Self { read: only.clone(), write: only })
        } else if url.starts_with("sqlite:") {
            let read = Database::connect(sqlite_options(url, 8)).await?;
            let write = Database::connect(sqlite_options(url, 1)).await?;
            Ok(Self { read, write })
        } else {
            let mut options = ConnectOptions::new(url);
            options
                .max_connections(16)
                .min_connections(0)
                .connect_timeout(Duration::from_secs(5))
                .acquire_timeout(Duration::from_secs(5))
                .sqlx_logging(false);
            let pool = Database::connect(options).await?;
            Ok(Self { read: pool.clone(), write: pool })
        }
    }

    /// For reads outside a transaction.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.read
    }

    /// Starts a write transaction (on SQLite, on the single writer connection).
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.write.begin().await
    }

    /// Applies pending migrations. On PostgreSQL an advisory lock makes
    /// replicas that start together take turns; the later ones find nothing
    /// left to do.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        if self.write.get_database_backend() != DbBackend::Postgres {
            // The first statement writes, so SQLite grants this transaction
            // the write lock up front and a second migrator waits its turn
            // (busy timeout) instead of racing to create the same tables.
            let txn = self.write.begin().await?;
            txn.execute_unprepared("CREATE TABLE IF NOT EXISTS baton_migration_lock (id INTEGER)")
                .await?;
            Migrator::up(&txn, None).await?;
            return txn.commit().await;
        }
        let pool = self.write.get_postgres_connection_pool();
        let mut lock = pool.acquire().await.map_err(sqlx_to_db)?;
        sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await
            .map_err(sqlx_to_db)?;
        let result = Migrator::up(&self.write, None).await;
        let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await
            .map_err(sqlx_to_db);
        result.and(unlocked.map(drop))
    }

    /// Whether every migration this build knows has been applied.
    pub async fn is_migrated(&self) -> Result<bool, DbErr> {
        Ok(Migrator::get_pending_migrations(&self.read).await?.is_empty())
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.read.ping().await
    }

    pub async fn close(self) -> Result<(), DbErr> {
        self.read.close().await?;
        self.write.close().await
    }
}

fn sqlite_options(url: &str, connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    options
}

fn sqlx_to_db(error: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(error)))
}

/// Turns a unique-constraint violation into `AlreadyExists(message)`; any
/// other database error passes through.
pub fn on_unique_violation(message: &'static str) -> impl FnOnce(DbErr) -> Error {
    move |error| match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => Error::AlreadyExists(message.to_owned()),
        _ => Error::Db(error),
    }
}
