//! Wraps a retryable create so a repeated idempotency key gets the first
//! reply again instead of a second effect.

use std::future::Future;

use prost::Message;
use uuid::Uuid;

use crate::{error::Error, service::IdempotencyService};

/// Runs `create` once per (user, rpc, key); without a key, always.
pub async fn once<M, Fut>(
    store: &IdempotencyService,
    user_id: Uuid,
    rpc: &str,
    key: Option<String>,
    create: impl FnOnce() -> Fut,
) -> Result<M, Error>
where
    M: Message + Default,
    Fut: Future<Output = Result<M, Error>>,
{
    let Some(key) = key else { return create().await };
    if let Some(stored) = store.replay(user_id, rpc, &key).await? {
        return M::decode(stored.as_slice())
            .map_err(|error| Error::Internal(format!("stored reply does not decode: {error}")));
    }
    let reply = create().await?;
    store.remember(user_id, rpc, &key, reply.encode_to_vec()).await?;
    Ok(reply)
}
