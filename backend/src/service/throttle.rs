//! Sign-in throttling. Per account: after a few consecutive failures the
//! account is soft-locked for a time that doubles with every further
//! failure (kept in the database, so every replica agrees). Per client
//! address: a GCRA rate limit on credential-checking RPCs (in memory, per
//! replica). Both follow the injected clock.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc};

use chrono::{DateTime, Duration, Utc};
use governor::{Quota, RateLimiter, clock::Clock as GovernorClock, nanos::Nanos};

use crate::{
    clock::Clock,
    error::{Error, Result},
    store::{
        Db,
        throttle::{self, AttemptRecord},
    },
};

/// Limits an operator sets with `BATON_LOGIN_*`.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleSettings {
    /// Failures allowed before the first lock.
    pub max_failures: u32,
    /// The first lock; each further failure doubles it.
    pub lockout: Duration,
    pub max_lockout: Duration,
    /// Credential checks per client address per minute.
    pub per_address_per_minute: u32,
}

/// What the account side decided about an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    Open,
    Locked,
}

type AddressLimiter = RateLimiter<
    IpAddr,
    governor::state::keyed::HashMapStateStore<IpAddr>,
    ClockAdapter,
    governor::middleware::NoOpMiddleware<Nanos>,
>;

/// The throttle; cheap to clone.
#[derive(Clone)]
pub struct LoginThrottle {
    db: Db,
    clock: Arc<dyn Clock>,
    settings: ThrottleSettings,
    addresses: Arc<AddressLimiter>,
}

impl LoginThrottle {
    pub fn new(db: Db, clock: Arc<dyn Clock>, settings: ThrottleSettings) -> Self {
        let per_minute =
            NonZeroU32::new(settings.per_address_per_minute).unwrap_or(NonZeroU32::MIN);
        let limiter = RateLimiter::hashmap_with_clock(
            Quota::per_minute(per_minute),
            ClockAdapter(clock.clone()),
        );
        Self { db, clock, settings, addresses: Arc::new(limiter) }
    }

    /// RESOURCE_EXHAUSTED when this address has checked credentials too often.
    pub fn check_address(&self, address: Option<IpAddr>) -> Result<()> {
        let Some(address) = address else { return Ok(()) };
        if self.addresses.check_key(&address).is_err() {
            tracing::warn!(%address, "sign-in rate limit reached for an address");
            return Err(Error::ResourceExhausted(
                "too many attempts from this address; try again in a minute".to_owned(),
            ));
        }
        // Forget addresses whose allowance is full again, so the map stays small.
        if self.addresses.len() > 10_000 {
            self.addresses.retain_recent();
        }
        Ok(())
    }

    /// Whether the account may try now.
    pub async fn account_state(&self, account_key: &str) -> Result<AccountState> {
        let record = throttle::find(self.db.reader(), account_key).await?;
        Ok(match record {
            Some(record) if throttle::is_locked(&record, self.clock.now()) => AccountState::Locked,
            _ => AccountState::Open,
        })
    }

    /// Counts a failure; returns the lock's end when this failure locks the account.
    pub async fn record_failure(&self, account_key: &str) -> Result<Option<DateTime<Utc>>> {
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let previous = throttle::find(&txn, account_key).await?;
        // Failures a day apart are not a guessing run; start counting afresh.
        let failures = match previous {
            Some(record) if now - record.last_failure_at < Duration::days(1) => record.failures + 1,
            _ => 1,
        };
        let locked_until = lock_duration(&self.settings, failures).map(|lock| now + lock);
        throttle::save(
            &txn,
            AttemptRecord {
                account_key: account_key.to_owned(),
                failures,
                last_failure_at: now,
                locked_until,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(locked_until)
    }

    /// Forgets an account's failures after a successful sign-in.
    pub async fn record_success(&self, account_key: &str) -> Result<()> {
        throttle::clear(self.db.reader(), account_key).await
    }
}

/// How long `failures` consecutive failures lock an account: nothing up to
/// the allowance, then the base lock doubling per failure, up to the cap.
fn lock_duration(settings: &ThrottleSettings, failures: i32) -> Option<Duration> {
    let over = u32::try_from(failures).ok()?.checked_sub(settings.max_failures)?;
    let factor = 1i32.checked_shl(over.min(20)).unwrap_or(i32::MAX);
    let lock = settings.lockout.checked_mul(factor).unwrap_or(settings.max_lockout);
    Some(lock.min(settings.max_lockout))
}

/// Lets governor read Baton's clock, so tests can move time.
#[derive(Clone)]
struct ClockAdapter(Arc<dyn Clock>);

impl GovernorClock for ClockAdapter {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        let nanos = self.0.now().timestamp_nanos_opt().unwrap_or(0);
        Nanos::from(u64::try_from(nanos).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ThrottleSettings {
        ThrottleSettings {
            max_failures: 3,
            lockout: Duration::seconds(30),
            max_lockout: Duration::minutes(10),
            per_address_per_minute: 5,
        }
    }

    #[test]
    fn lock_time_doubles_after_the_allowed_failures_and_is_capped() {
        let lock = |failures| lock_duration(&settings(), failures);
        assert_eq!(lock(1), None);
        assert_eq!(lock(2), None);
        assert_eq!(lock(3), Some(Duration::seconds(30)));
        assert_eq!(lock(4), Some(Duration::seconds(60)));
        assert_eq!(lock(5), Some(Duration::seconds(120)));
        assert_eq!(lock(9), Some(Duration::minutes(10)));
        assert_eq!(lock(1000), Some(Duration::minutes(10)));
    }
}
