//! Replaying the first reply to a retried create (same user, RPC and key,
//! within 24 hours), so a client that lost a reply can safely try again.

use chrono::Duration;
use uuid::Uuid;

use super::Context;
use crate::{error::Result, store::idempotency};

/// How long a stored reply is replayed.
const REPLAY_WINDOW: Duration = Duration::hours(24);

#[derive(Clone)]
pub struct IdempotencyService {
    context: Context,
}

impl IdempotencyService {
    pub fn new(context: Context) -> Self {
        Self { context }
    }

    /// The stored reply, if this key was used within the window.
    pub async fn replay(&self, user_id: Uuid, rpc: &str, key: &str) -> Result<Option<Vec<u8>>> {
        let since = self.context.clock.now() - REPLAY_WINDOW;
        idempotency::find(self.context.db.reader(), user_id, rpc, key, since).await
    }

    /// Stores the reply to replay.
    pub async fn remember(
        &self,
        user_id: Uuid,
        rpc: &str,
        key: &str,
        reply: Vec<u8>,
    ) -> Result<()> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        idempotency::save(&txn, user_id, rpc, key, reply, now).await?;
        txn.commit().await?;
        Ok(())
    }
}
