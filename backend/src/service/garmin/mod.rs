//! Garmin Connect use cases: linking an account (three ways in, one stored
//! link), the link's status, and the caller's workout library. Every call to
//! Garmin for an account goes through [`session::Account`], which paces it,
//! keeps the tokens fresh and records how Garmin answered.

mod connect;
mod failures;
mod library;
mod locks;
mod refresh;
mod session;
mod sync;
mod writes;

use uuid::Uuid;

pub use connect::{PasswordConnect, PendingMfa, TicketOrigin};
pub use library::{ConnectionState, WorkoutDetail};
pub use sync::{SyncEvent, SyncOutcome, SyncSummary};
pub use writes::{GarminWriter, Refusable};

use super::Context;
use crate::{
    crypto::{Sealed, Sealer},
    error::{Error, Result},
    garmin::{PendingSignIn, TokenSet},
    store::garmin_accounts,
};
use locks::GarminLocks;

/// The caller's Garmin link and workouts; cheap to clone.
#[derive(Clone)]
pub struct GarminService {
    context: Context,
    locks: GarminLocks,
}

impl GarminService {
    pub fn new(context: Context) -> Self {
        Self { context, locks: GarminLocks::default() }
    }

    fn sealer(&self) -> &Sealer {
        &self.context.sealer
    }

    /// Re-seals every stored token set under the newest sealing key (after
    /// `baton rotate-keys`); returns how many rows changed.
    pub async fn reseal(&self) -> Result<u64> {
        let current = self.sealer().current_key_id().to_owned();
        let db = self.context.db.reader();
        let rows = garmin_accounts::sealed_with_other_keys(db, &current).await?;
        let now = self.context.clock.now();
        let mut resealed = 0;
        for (user_id, key_id, sealed) in rows {
            let tokens = open_tokens(self.sealer(), user_id, &key_id, &sealed)?;
            let fresh = seal_tokens(self.sealer(), user_id, &tokens)?;
            let txn = self.context.db.begin().await?;
            garmin_accounts::store_tokens(&txn, user_id, &fresh.key_id, fresh.blob, now).await?;
            txn.commit().await?;
            resealed += 1;
        }
        Ok(resealed)
    }
}

/// Binds sealed tokens to their user: copied to another user's row, they
/// do not open (SECURITY.md, secrets at rest).
fn tokens_aad(user_id: Uuid) -> Vec<u8> {
    format!("garmin-tokens:{user_id}").into_bytes()
}

fn sign_in_aad(user_id: Uuid, id: Uuid) -> Vec<u8> {
    format!("garmin-sign-in:{user_id}:{id}").into_bytes()
}

fn seal_tokens(sealer: &Sealer, user_id: Uuid, tokens: &TokenSet) -> Result<Sealed> {
    let bytes = serde_json::to_vec(tokens)
        .map_err(|error| Error::Internal(format!("tokens do not serialize: {error}")))?;
    Ok(sealer.seal(&bytes, &tokens_aad(user_id))?)
}

fn open_tokens(sealer: &Sealer, user_id: Uuid, key_id: &str, sealed: &[u8]) -> Result<TokenSet> {
    let bytes = sealer.open(key_id, sealed, &tokens_aad(user_id))?;
    serde_json::from_slice(&bytes)
        .map_err(|error| Error::Internal(format!("sealed tokens do not read: {error}")))
}

fn seal_sign_in(
    sealer: &Sealer,
    user_id: Uuid,
    id: Uuid,
    pending: &PendingSignIn,
) -> Result<Sealed> {
    let bytes = serde_json::to_vec(pending)
        .map_err(|error| Error::Internal(format!("a sign-in does not serialize: {error}")))?;
    Ok(sealer.seal(&bytes, &sign_in_aad(user_id, id))?)
}

fn open_sign_in(
    sealer: &Sealer,
    user_id: Uuid,
    id: Uuid,
    key_id: &str,
    sealed: &[u8],
) -> Result<PendingSignIn> {
    let bytes = sealer.open(key_id, sealed, &sign_in_aad(user_id, id))?;
    serde_json::from_slice(&bytes)
        .map_err(|error| Error::Internal(format!("a sealed sign-in does not read: {error}")))
}
