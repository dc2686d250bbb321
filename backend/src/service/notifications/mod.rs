//! Notifications use cases: a user's list and unread count, marking read,
//! and the live stream of new ones (see `feed.rs`). Notifications are made
//! by the use cases whose events they tell of, in their transactions.

mod feed;

use std::time::Duration;

use tokio::{
    sync::{broadcast::error::RecvError, mpsc},
    time::{MissedTickBehavior, interval_at},
};
use uuid::Uuid;

pub use feed::{FeedEvent, Made, NotificationFeed};

use super::{Caller, Context, paging};
use crate::{
    domain::{Notification, PageRequest, PageScope},
    error::Result,
    store::notifications,
};

/// Messages buffered for a slow watcher.
const WATCH_BUFFER: usize = 16;

/// A quiet watch sends a heartbeat this often: under Envoy's stream idle
/// timeout (300 s) and the SPA's (60 s), so neither cuts a stream that is
/// merely waiting for news.
pub const HEARTBEAT: Duration = Duration::from_secs(25);

/// One message of a watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    /// None at the start, after a gap and in a heartbeat.
    pub notification: Option<Notification>,
    pub unread: u64,
    /// Nothing happened; the stream is alive.
    pub heartbeat: bool,
}

/// Notifications; cheap to clone.
#[derive(Clone)]
pub struct NotificationService {
    context: Context,
}

impl NotificationService {
    pub fn new(context: Context) -> Self {
        Self { context }
    }

    /// The replica's live feed.
    pub fn feed(&self) -> NotificationFeed {
        self.context.notifications.clone()
    }

    /// The caller's notifications, newest first, with the unread count.
    pub async fn list(
        &self,
        caller: &Caller,
        unread_only: bool,
        request: &PageRequest,
    ) -> Result<(Vec<Notification>, String, u64)> {
        let scope = PageScope::new("ListNotifications", caller.user_id)
            .field("unread_only", if unread_only { "1" } else { "0" });
        let cursor = paging::open(&self.context.pages, request, &scope)?;
        let db = self.context.db.reader();
        let rows = notifications::list(db, caller.user_id, unread_only, &cursor.page).await?;
        let unread = notifications::unread_count(db, caller.user_id).await?;
        let (rows, next) = cursor.finish(rows);
        Ok((rows, next, unread))
    }

    /// Marks the caller's `ids`, and everything up to `up_to`, read;
    /// returns the unread count left.
    pub async fn mark_read(
        &self,
        caller: &Caller,
        ids: &[Uuid],
        up_to: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<u64> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        notifications::mark_read(&txn, caller.user_id, ids, up_to, now).await?;
        let unread = notifications::unread_count(&txn, caller.user_id).await?;
        txn.commit().await?;
        Ok(unread)
    }

    /// The caller's new notifications as they are made, after a first
    /// message with the unread count; ends when the server shuts down or
    /// the receiver is dropped.
    pub async fn watch(&self, caller: &Caller) -> Result<mpsc::Receiver<Result<Watched>>> {
        let feed = &self.context.notifications;
        // Subscribed before counting, so nothing made in between is missed.
        let mut events = feed.subscribe();
        let mut closing = feed.closing();
        let user_id = caller.user_id;
        let unread = notifications::unread_count(self.context.db.reader(), user_id).await?;
        let (sender, receiver) = mpsc::channel(WATCH_BUFFER);
        sender
            .send(Ok(Watched { notification: None, unread, heartbeat: false }))
            .await
            .map_err(|_| crate::error::Error::Internal("a watch ended at once".into()))?;
        let context = self.context.clone();
        tokio::spawn(async move {
            let mut unread = unread;
            let mut beat = interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
            beat.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                let wake = tokio::select! {
                    event = events.recv() => Wake::Event(event),
                    _ = beat.tick() => Wake::Beat,
                    () = sender.closed() => return,
                    _ = closing.wait_for(|closing| *closing) => return,
                };
                let event = match wake {
                    Wake::Event(event) => event,
                    Wake::Beat => {
                        let heartbeat = Watched { notification: None, unread, heartbeat: true };
                        if sender.send(Ok(heartbeat)).await.is_err() {
                            return;
                        }
                        continue;
                    }
                };
                let message = match event {
                    Ok(FeedEvent::New { user_id: to, id }) if to == user_id => {
                        next(&context, user_id, Some(id)).await
                    }
                    Ok(FeedEvent::New { .. }) => continue,
                    Ok(FeedEvent::Gap) | Err(RecvError::Lagged(_)) => {
                        next(&context, user_id, None).await
                    }
                    Err(RecvError::Closed) => return,
                };
                if let Ok(message) = &message {
                    unread = message.unread;
                    beat.reset();
                }
                let failed = message.is_err();
                if sender.send(message).await.is_err() || failed {
                    return;
                }
            }
        });
        Ok(receiver)
    }
}

/// Why a watch woke up.
enum Wake {
    Event(Result<FeedEvent, RecvError>),
    Beat,
}

/// The message for notification `id` (or a gap), with the unread count.
async fn next(context: &Context, user_id: Uuid, id: Option<Uuid>) -> Result<Watched> {
    let db = context.db.reader();
    let notification = match id {
        Some(id) => notifications::find(db, user_id, id).await?,
        None => None,
    };
    let unread = notifications::unread_count(db, user_id).await?;
    Ok(Watched { notification, unread, heartbeat: false })
}
