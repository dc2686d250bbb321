//! Exactly one effect per idempotency key: a create that carries a key
//! claims it in its own transaction, stores its reply sealed (the reply
//! holds a one-time link, a credential), and a retry with the same key
//! within 24 hours gets that reply back instead of a second account or
//! invite — also when it arrives while the first is still running.

use chrono::Duration;
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

use super::Context;
use crate::{
    crypto::Sealer,
    domain::IdempotencyKey,
    error::{Error, Result},
    store::{
        Transaction,
        idempotency::{self, KeyScope, StoredReply},
    },
};

/// How long a stored reply is replayed.
pub const REPLAY_WINDOW: Duration = Duration::hours(24);

/// One create's idempotency key, if it sent one.
pub(super) struct Once<'a> {
    context: &'a Context,
    user_id: Uuid,
    rpc: &'static str,
    key: Option<&'a IdempotencyKey>,
}

/// What claiming a key found.
pub(super) enum Claim<T> {
    /// Do the work; then [`Once::record`] the reply in the same transaction.
    Fresh,
    /// The key was used before: here is the first reply.
    Replay(T),
}

impl<'a> Once<'a> {
    pub(super) fn new(
        context: &'a Context,
        user_id: Uuid,
        rpc: &'static str,
        key: Option<&'a IdempotencyKey>,
    ) -> Self {
        Self { context, user_id, rpc, key }
    }

    /// Claims the key as the first statement of `txn`, or finds the reply of
    /// the request that claimed it first. Without a key, always Fresh.
    pub(super) async fn claim<T: DeserializeOwned>(&self, txn: &Transaction) -> Result<Claim<T>> {
        let Some(scope) = self.scope() else { return Ok(Claim::Fresh) };
        let now = self.context.clock.now();
        if idempotency::claim(txn, scope, now, now - REPLAY_WINDOW).await? {
            return Ok(Claim::Fresh);
        }
        // Claimed by a request that has committed (a claim waits for a
        // concurrent one to finish), so its reply is there to read.
        let stored =
            idempotency::find(txn, scope, now - REPLAY_WINDOW).await?.ok_or_else(|| {
                Error::Internal("an idempotency key is claimed but has no reply".to_owned())
            })?;
        let bytes = self.sealer().open(&stored.key_id, &stored.sealed, &self.aad(scope))?;
        let reply = serde_json::from_slice(&bytes)
            .map_err(|error| Error::Internal(format!("a stored reply does not read: {error}")))?;
        Ok(Claim::Replay(reply))
    }

    /// Stores `reply`, sealed, for retries; call in the claiming transaction.
    pub(super) async fn record<T: Serialize>(&self, txn: &Transaction, reply: &T) -> Result<()> {
        let Some(scope) = self.scope() else { return Ok(()) };
        let bytes = serde_json::to_vec(reply)
            .map_err(|error| Error::Internal(format!("a reply does not serialize: {error}")))?;
        let sealed = self.sealer().seal(&bytes, &self.aad(scope))?;
        idempotency::complete(
            txn,
            scope,
            StoredReply { key_id: sealed.key_id, sealed: sealed.blob },
        )
        .await
    }

    fn scope(&self) -> Option<KeyScope<'_>> {
        let key = self.key?;
        Some(KeyScope { user_id: self.user_id, rpc: self.rpc, key: key.as_str() })
    }

    fn sealer(&self) -> &Sealer {
        &self.context.sealer
    }

    /// Binds a sealed reply to its user, RPC and key: copied to another row,
    /// it does not open.
    fn aad(&self, scope: KeyScope<'_>) -> Vec<u8> {
        format!("idempotency:{}:{}:{}", scope.user_id, scope.rpc, scope.key).into_bytes()
    }
}

/// The stored reply of a create that hands out a one-time link: what it
/// made and the link (which is why the reply is sealed).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub(super) struct CreatedWithLink {
    pub(super) id: Uuid,
    pub(super) url: String,
    pub(super) expires_at: chrono::DateTime<chrono::Utc>,
}
