//! Which sessions were revoked lately, kept in memory by every replica, so
//! an access token stops working within seconds of sign-out, revocation,
//! refresh-token reuse or deactivation, without a database query per
//! request. Each replica re-reads the recently revoked sessions every
//! [`POLL_INTERVAL`]; a session stays listed as long as an access token of
//! it could still be valid.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::Duration as StdDuration,
};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::{clock::Clock, error::Result, store::Db, store::sessions};

/// How often every replica looks for new revocations.
pub const POLL_INTERVAL: StdDuration = StdDuration::from_secs(1);
/// How far back each poll looks beyond the previous one: covers replicas
/// whose clocks differ a little and transactions that commit late.
const OVERLAP: Duration = Duration::seconds(30);

/// The revocation list; cheap to clone.
#[derive(Clone)]
pub struct Revocations {
    db: Db,
    clock: Arc<dyn Clock>,
    /// How long an access token lives: older revocations can be forgotten.
    token_lifetime: Duration,
    state: Arc<RwLock<State>>,
}

#[derive(Default)]
struct State {
    /// Session id → when it was revoked.
    revoked: HashMap<Uuid, DateTime<Utc>>,
    /// The clock time the last poll asked from; None before the first.
    polled_at: Option<DateTime<Utc>>,
}

impl Revocations {
    pub fn new(db: Db, clock: Arc<dyn Clock>, token_lifetime: Duration) -> Self {
        Self { db, clock, token_lifetime, state: Arc::default() }
    }

    /// Whether access tokens of this session must be refused.
    pub fn is_revoked(&self, session_id: Uuid) -> bool {
        let state = self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.revoked.contains_key(&session_id)
    }

    /// Reads revocations since the last poll (the first reads a whole token
    /// lifetime back) and forgets those no token can outlive.
    pub async fn refresh(&self) -> Result<()> {
        let now = self.clock.now();
        let horizon = now - self.token_lifetime - OVERLAP;
        let since = {
            let state = self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            state.polled_at.map_or(horizon, |at| (at - OVERLAP).max(horizon))
        };
        let fresh = sessions::revoked_since(self.db.reader(), since).await?;
        let mut state = self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.revoked.extend(fresh);
        state.revoked.retain(|_, at| *at >= horizon);
        state.polled_at = Some(now);
        Ok(())
    }

    /// Polls every [`POLL_INTERVAL`] until dropped; a failed poll is logged
    /// and retried on the next tick (the list stays as it was).
    pub async fn watch(self) {
        let mut interval = tokio::time::interval(POLL_INTERVAL);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(error) = self.refresh().await {
                tracing::warn!(%error, "could not read session revocations");
            }
        }
    }
}
