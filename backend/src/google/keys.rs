//! What the client remembers between sign-ins: the discovery endpoints and
//! the provider's signing keys, each for a while. An ID token under an
//! unknown `kid` triggers one refetch of the keys (the provider rotated).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Discovery documents change rarely; a day bounds the staleness.
pub(super) const DISCOVERY_TTL: Duration = Duration::from_secs(24 * 3600);
/// Google rotates keys over days and publishes new ones early.
pub(super) const JWKS_TTL: Duration = Duration::from_secs(3600);

/// One value, fresh for `ttl` after it was stored.
#[derive(Debug)]
pub(super) struct TtlCache<T> {
    ttl: Duration,
    slot: Mutex<Option<(Arc<T>, Instant)>>,
}

impl<T> TtlCache<T> {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, slot: Mutex::new(None) }
    }

    /// The stored value, unless it is older than the TTL.
    pub fn fresh(&self) -> Option<Arc<T>> {
        let slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        slot.as_ref()
            .filter(|(_, stored)| stored.elapsed() < self.ttl)
            .map(|(value, _)| value.clone())
    }

    /// Replaces the value; concurrent fetches may race, and the last wins.
    pub fn store(&self, value: T) -> Arc<T> {
        let value = Arc::new(value);
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((value.clone(), Instant::now()));
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_value_is_fresh_until_the_ttl() {
        let cache = TtlCache::new(Duration::from_secs(60));
        assert!(cache.fresh().is_none());
        cache.store(7);
        assert_eq!(cache.fresh().as_deref(), Some(&7));
        let expired = TtlCache::new(Duration::ZERO);
        expired.store(7);
        assert!(expired.fresh().is_none());
    }
}
