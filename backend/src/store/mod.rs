//! Persistence: the only module (with start-up) that speaks sea-orm.
//! Queries are grouped by aggregate; entities live in `entity/`.
//!
//! SQLite needs care under concurrency: WAL so readers never block the
//! writer, a busy timeout, foreign keys on, and every write through one
//! connection so a transaction that reads before it writes cannot fail with
//! SQLITE_BUSY. PostgreSQL uses one pool for both.

pub mod audit;
mod entity;
pub mod feed;
pub mod garmin_accounts;
pub mod garmin_sign_ins;
pub mod google_logins;
pub mod idempotency;
#[cfg(test)]
mod inbox_sql;
pub mod jobs;
pub mod notifications;
pub mod one_time_tokens;
pub mod roster;
pub mod sessions;
pub mod shares;
pub mod throttle;
pub mod users;
pub mod workouts;

use std::time::Duration;

use baton_migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqlErr, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

use crate::error::{Error, Reason};

/// A write transaction (from [`Db::begin`]); dropping it uncommitted rolls
/// it back.
pub type Transaction = DatabaseTransaction;

/// Anything queries can run on: a transaction or [`Db::reader`].
pub trait Connection: ConnectionTrait {}

impl<C: ConnectionTrait> Connection for C {}

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
            private_sqlite_files(url)?;
            // The writer first: it creates the file and switches it to WAL.
            let write = Database::connect(sqlite_options(url, 1)).await?;
            // Each SQLite connection is a thread of its own that every query
            // is handed to and back from; more readers than cores only adds
            // context switches.
            let cores = std::thread::available_parallelism().map_or(2, usize::from);
            let readers = u32::try_from(cores.clamp(2, 8)).unwrap_or(2);
            let read = Database::connect(reader_options(url, readers)).await?;
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

    /// For reads outside a transaction. On SQLite these connections are
    /// `query_only`, so a write sent here by mistake fails at once instead
    /// of racing the single writer.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.read
    }

    /// Starts a write transaction (on SQLite, on the single writer connection).
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.write.begin().await
    }

    /// The PostgreSQL pool, for LISTEN (None on SQLite).
    pub fn postgres_pool(&self) -> Option<&sea_orm::sqlx::PgPool> {
        (self.write.get_database_backend() == DbBackend::Postgres)
            .then(|| self.write.get_postgres_connection_pool())
    }

    /// Whether transactions can hold row locks (PostgreSQL) — on SQLite the
    /// single writer serializes instead.
    pub fn locks_rows(&self) -> bool {
        self.write.get_database_backend() == DbBackend::Postgres
    }

    /// Starts a write transaction that holds the lock `name` until it ends,
    /// or None when another replica holds it: for periodic work that one
    /// replica at a time should do. On PostgreSQL a transaction-scoped
    /// advisory lock; SQLite's single writer serializes anyway.
    pub async fn begin_exclusive(&self, lock: i64) -> Result<Option<DatabaseTransaction>, DbErr> {
        let txn = self.write.begin().await?;
        if txn.get_database_backend() == DbBackend::Postgres {
            let statement = sea_orm::Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_try_advisory_xact_lock($1) AS locked",
                [lock.into()],
            );
            let locked = match txn.query_one_raw(statement).await? {
                Some(row) => row.try_get::<bool>("", "locked")?,
                None => false,
            };
            if !locked {
                return Ok(None);
            }
        }
        Ok(Some(txn))
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

    /// Whether every migration this build knows has been applied. (Asked
    /// of the writer: the migrator creates its bookkeeping table when it is
    /// missing, which the read-only readers refuse.)
    pub async fn is_migrated(&self) -> Result<bool, DbErr> {
        Ok(Migrator::get_pending_migrations(&self.write).await?.is_empty())
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

/// Makes the database file (created here, before SQLite would create it
/// with the process umask) and its WAL and shared-memory files readable by
/// Baton's user only. SQLite gives the WAL and -shm files the database
/// file's mode, so they stay 0600 when it recreates them.
fn private_sqlite_files(url: &str) -> Result<(), DbErr> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = std::path::Path::new(path.split('?').next().unwrap_or(path));
    let failed = |error: std::io::Error| {
        DbErr::Custom(format!("cannot secure the database file {}: {error}", path.display()))
    };
    std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path).map_err(failed)?;
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::metadata(&file) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .map_err(failed)?;
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(failed(error)),
        }
    }
    Ok(())
}

/// A reader: like a writer connection, but refusing every write.
fn reader_options(url: &str, connections: u32) -> ConnectOptions {
    let mut options = sqlite_options(url, connections);
    options.map_sqlx_sqlite_opts(|opts| opts.pragma("query_only", "ON"));
    options
}

fn sqlx_to_db(error: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(error)))
}

/// A database failure, opaque above this module.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DbError(#[from] DbErr);

impl DbError {
    /// Whether this means "the database cannot be reached right now" rather
    /// than a bug: no connection could be had, or the one in use broke.
    pub fn is_connection_error(&self) -> bool {
        use sea_orm::{RuntimeErr, sqlx::Error as SqlxError};
        match &self.0 {
            DbErr::ConnectionAcquire(_) => true,
            DbErr::Conn(RuntimeErr::SqlxError(cause))
            | DbErr::Exec(RuntimeErr::SqlxError(cause))
            | DbErr::Query(RuntimeErr::SqlxError(cause)) => matches!(
                cause.as_ref(),
                SqlxError::Io(_)
                    | SqlxError::Tls(_)
                    | SqlxError::PoolTimedOut
                    | SqlxError::PoolClosed
                    | SqlxError::WorkerCrashed
            ),
            _ => false,
        }
    }
}

impl From<DbErr> for Error {
    fn from(error: DbErr) -> Self {
        Error::Db(DbError(error))
    }
}

/// Turns a unique-constraint violation into a refusal for `reason`; any
/// other database error passes through.
pub fn on_unique_violation(reason: Reason) -> impl FnOnce(DbErr) -> Error {
    move |error| match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => Error::refused(reason),
        _ => Error::from(error),
    }
}
