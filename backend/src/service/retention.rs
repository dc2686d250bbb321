//! Purging rows that no longer serve anyone: finished Google flows, old
//! sign-in failure records, refresh tokens of ended sessions (and, later,
//! the sessions themselves), one-time links that ended unused, expired
//! idempotency replies. Runs periodically on every replica; on PostgreSQL
//! an advisory lock lets one replica at a time do it.

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::Duration;

use super::idempotency::REPLAY_WINDOW;
use crate::{
    clock::Clock,
    error::Result,
    store::{Db, garmin_sign_ins, google_logins, idempotency, one_time_tokens, sessions, throttle},
};

/// How often the purge runs.
pub const PURGE_INTERVAL: StdDuration = StdDuration::from_secs(60 * 60);
/// The advisory lock the purging replica holds ("purge" in ASCII).
const PURGE_LOCK: i64 = 0x0070_7572_6765;
/// Kept this long after they end, for people looking back (sign-in flows:
/// Google's and Garmin's pending MFA sign-ins).
const FLOW_RETENTION: Duration = Duration::days(1);
const FAILURE_RETENTION: Duration = Duration::days(1);
const ENDED_LINK_RETENTION: Duration = Duration::days(30);
const ENDED_SESSION_RETENTION: Duration = Duration::days(30);

/// What one purge removed, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub google_logins: u64,
    pub login_attempts: u64,
    pub sessions_and_refresh_tokens: u64,
    pub one_time_tokens: u64,
    pub idempotency_keys: u64,
    pub garmin_sign_ins: u64,
}

/// The periodic purge; cheap to clone.
#[derive(Clone)]
pub struct Retention {
    db: Db,
    clock: Arc<dyn Clock>,
}

impl Retention {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    /// Purges once; None when another replica is purging right now.
    pub async fn purge(&self) -> Result<Option<Purged>> {
        let now = self.clock.now();
        let Some(txn) = self.db.begin_exclusive(PURGE_LOCK).await? else { return Ok(None) };
        let purged = Purged {
            google_logins: google_logins::purge(&txn, now - FLOW_RETENTION).await?,
            login_attempts: throttle::purge(&txn, now - FAILURE_RETENTION, now).await?,
            // Refresh tokens go as soon as their session has ended: a
            // replayed one then matches nothing and is refused anyway.
            sessions_and_refresh_tokens: sessions::purge(&txn, now, now - ENDED_SESSION_RETENTION)
                .await?,
            one_time_tokens: one_time_tokens::purge(&txn, now - ENDED_LINK_RETENTION).await?,
            idempotency_keys: idempotency::purge(&txn, now - REPLAY_WINDOW).await?,
            garmin_sign_ins: garmin_sign_ins::purge(&txn, now - FLOW_RETENTION).await?,
        };
        txn.commit().await?;
        Ok(Some(purged))
    }

    /// Purges now and then every [`PURGE_INTERVAL`] until dropped.
    pub async fn run(self) {
        let mut interval = tokio::time::interval(PURGE_INTERVAL);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match self.purge().await {
                Ok(Some(purged)) => tracing::info!(?purged, "purged expired rows"),
                Ok(None) => tracing::debug!("another replica is purging"),
                Err(error) => tracing::warn!(%error, "purging expired rows failed"),
            }
        }
    }
}
