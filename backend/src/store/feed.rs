//! The database side of the live notification feed on PostgreSQL: a
//! NOTIFY sent inside the transaction that made the notifications (so it
//! is delivered at commit, and never for a rollback), and a LISTEN
//! connection that hears every replica's.

use sea_orm::{ConnectionTrait, DbBackend, Statement, sqlx::postgres::PgListener};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The NOTIFY channel.
const CHANNEL: &str = "baton_notifications";
/// Notifications per NOTIFY: each is 73 bytes of the 8000 a payload holds.
const PER_PAYLOAD: usize = 100;

/// Queues a NOTIFY of `(user_id, notification_id)` pairs, sent when `txn`
/// commits. Does nothing on SQLite, which has one replica.
pub async fn notify_at_commit<C: ConnectionTrait>(txn: &C, made: &[(Uuid, Uuid)]) -> Result<()> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for chunk in made.chunks(PER_PAYLOAD) {
        let payload: Vec<String> =
            chunk.iter().map(|(user_id, id)| format!("{user_id} {id}")).collect();
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.join(",").into()],
        );
        txn.execute_raw(statement).await?;
    }
    Ok(())
}

/// A LISTEN connection of its own (outside the pool's accounting).
pub struct Listener(PgListener);

impl Listener {
    pub async fn connect(pool: &sea_orm::sqlx::PgPool) -> Result<Self> {
        let mut listener = PgListener::connect_with(pool).await.map_err(listen_error)?;
        listener.listen(CHANNEL).await.map_err(listen_error)?;
        Ok(Self(listener))
    }

    /// The next batch of `(user_id, notification_id)` pairs; None when the
    /// connection was lost and re-made, so notifications may have been
    /// missed meanwhile.
    pub async fn next(&mut self) -> Result<Option<Vec<(Uuid, Uuid)>>> {
        let Some(notification) = self.0.try_recv().await.map_err(listen_error)? else {
            return Ok(None);
        };
        Ok(Some(
            notification
                .payload()
                .split(',')
                .filter_map(|pair| {
                    let (user_id, id) = pair.split_once(' ')?;
                    Some((Uuid::parse_str(user_id).ok()?, Uuid::parse_str(id).ok()?))
                })
                .collect(),
        ))
    }
}

fn listen_error(error: sea_orm::sqlx::Error) -> Error {
    Error::Internal(format!("notification feed: {error}"))
}
