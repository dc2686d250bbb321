//! The live feed of new notifications on this replica. Notifications are
//! written in the transaction of their event; the feed then tells whoever
//! watches. On PostgreSQL the transaction also sends a NOTIFY, and one
//! LISTEN connection per replica hears every replica's (this one's too),
//! so a watcher on any replica sees every notification. On SQLite (one
//! replica) the feed is told directly after the commit.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use crate::{
    domain::NewNotification,
    error::Result,
    store::{
        Connection, Db,
        feed::{self, Listener},
        notifications,
    },
};

/// Events buffered for a slow watcher; one that falls behind re-reads.
const BUFFER: usize = 1024;
/// The wait before listening again after the connection failed.
const RELISTEN_AFTER: Duration = Duration::from_secs(1);

/// What a watcher hears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedEvent {
    /// `user_id` has the new notification `id`.
    New { user_id: Uuid, id: Uuid },
    /// Notifications may have been missed: read the list again.
    Gap,
}

/// Notifications made in a transaction, to announce once it committed.
#[must_use = "announce the notifications after the commit"]
pub struct Made(Vec<(Uuid, Uuid)>);

/// This replica's feed; cheap to clone.
#[derive(Clone)]
pub struct NotificationFeed {
    sender: broadcast::Sender<FeedEvent>,
    /// True once the server is shutting down: watchers end their streams.
    closing: watch::Sender<bool>,
    /// On PostgreSQL the LISTEN connection announces, not [`Self::announce`].
    listens: bool,
}

impl NotificationFeed {
    pub fn new(db: &Db) -> Self {
        Self {
            sender: broadcast::channel(BUFFER).0,
            closing: watch::channel(false).0,
            listens: db.postgres_pool().is_some(),
        }
    }

    /// Stores `new` in `txn`, with the NOTIFY that announces it at commit
    /// on PostgreSQL.
    pub async fn record<C: Connection>(
        &self,
        txn: &C,
        new: &[NewNotification],
        now: DateTime<Utc>,
    ) -> Result<Made> {
        let made: Vec<(Uuid, Uuid)> = notifications::insert_many(txn, new, now)
            .await?
            .into_iter()
            .map(|made| (made.user_id, made.id))
            .collect();
        feed::notify_at_commit(txn, &made).await?;
        Ok(Made(made))
    }

    /// Tells this replica's watchers, after the commit (SQLite; on
    /// PostgreSQL the LISTEN connection does).
    pub fn announce(&self, made: Made) {
        if self.listens {
            return;
        }
        for (user_id, id) in made.0 {
            // Nobody watching is fine.
            let _ = self.sender.send(FeedEvent::New { user_id, id });
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<FeedEvent> {
        self.sender.subscribe()
    }

    /// Resolves once the server starts shutting down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every watcher's stream (the server is draining).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Hears every replica's notifications until the server shuts down (a
    /// task of its own; returns at once on SQLite).
    pub async fn listen(self, db: Db) {
        let Some(pool) = db.postgres_pool().cloned() else { return };
        let mut closing = self.closing();
        loop {
            tokio::select! {
                error = self.relay(&pool) => {
                    tracing::warn!(%error, "the notification feed lost its connection");
                }
                _ = closing.wait_for(|closing| *closing) => return,
            }
            tokio::select! {
                () = tokio::time::sleep(RELISTEN_AFTER) => {}
                _ = closing.wait_for(|closing| *closing) => return,
            }
        }
    }

    /// Passes on what the LISTEN connection hears, until it fails.
    async fn relay(&self, pool: &sea_orm::sqlx::PgPool) -> crate::error::Error {
        let mut listener = match Listener::connect(pool).await {
            Ok(listener) => listener,
            Err(error) => return error,
        };
        // Anything made while nobody listened: watchers re-read.
        let _ = self.sender.send(FeedEvent::Gap);
        loop {
            match listener.next().await {
                Ok(Some(made)) => {
                    for (user_id, id) in made {
                        let _ = self.sender.send(FeedEvent::New { user_id, id });
                    }
                }
                Ok(None) => {
                    let _ = self.sender.send(FeedEvent::Gap);
                }
                Err(error) => return error,
            }
        }
    }
}
