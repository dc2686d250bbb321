//! How calls to one Garmin account are paced on this replica: reads share
//! a few slots (a sync fetches details a few at a time), a write takes them
//! all (one create or schedule at a time, nothing beside it), and token
//! refreshes are single-flight. Across replicas, refreshes also hold the
//! account's row lock (see `session.rs`) and syncs a lease in the database.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

use crate::error::{Error, Result};

/// Reads of one account in flight at once: six, what a browser keeps open
/// to one host, so a sync asks no more of an account than Garmin Connect's
/// own pages do when a person opens them.
pub const READ_SLOTS: u32 = 6;

/// The per-account limits; cheap to clone.
#[derive(Clone, Default)]
pub struct GarminLocks {
    accounts: Arc<Mutex<HashMap<Uuid, AccountLocks>>>,
}

#[derive(Clone)]
struct AccountLocks {
    calls: Arc<Semaphore>,
    refresh: Arc<tokio::sync::Mutex<()>>,
}

/// Held while a call to the account runs.
pub struct CallPermit(#[allow(dead_code, reason = "held for its Drop")] OwnedSemaphorePermit);

impl GarminLocks {
    fn of(&self, user_id: Uuid) -> AccountLocks {
        let mut accounts = self.accounts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget idle accounts now and then, so the map stays small.
        if accounts.len() > 10_000 {
            accounts.retain(|_, locks| Arc::strong_count(&locks.calls) > 1);
        }
        accounts
            .entry(user_id)
            .or_insert_with(|| AccountLocks {
                calls: Arc::new(Semaphore::new(READ_SLOTS as usize)),
                refresh: Arc::new(tokio::sync::Mutex::new(())),
            })
            .clone()
    }

    /// A read slot of the account.
    pub async fn read(&self, user_id: Uuid) -> Result<CallPermit> {
        self.acquire(user_id, 1).await
    }

    /// Every slot of the account: a write runs alone.
    pub async fn write(&self, user_id: Uuid) -> Result<CallPermit> {
        self.acquire(user_id, READ_SLOTS).await
    }

    async fn acquire(&self, user_id: Uuid, slots: u32) -> Result<CallPermit> {
        let calls = self.of(user_id).calls;
        // Only a closed semaphore refuses, and these are never closed.
        let permit = calls
            .acquire_many_owned(slots)
            .await
            .map_err(|_| Error::Internal("a Garmin account's call slots were closed".into()))?;
        Ok(CallPermit(permit))
    }

    /// The account's refresh lock (single-flight on this replica).
    pub fn refresh(&self, user_id: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        self.of(user_id).refresh
    }
}
