//! Sign-in throttling. Per account: after a few consecutive failures the
//! account is soft-locked for a time that doubles with every further
//! failure (kept in the database, so every replica agrees). Per client
//! address: a GCRA rate limit on credential-checking RPCs (in memory, per
//! replica). Both follow the injected clock.

use std::{
    net::{IpAddr, Ipv6Addr},
    num::NonZeroU32,
    sync::Arc,
};

use chrono::{DateTime, Duration, Utc};
use governor::{Quota, RateLimiter, clock::Clock as GovernorClock, nanos::Nanos};

use crate::{
    clock::Clock,
    error::{Error, Reason, Result},
    store::{Db, Transaction, throttle},
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
    /// IPv6 clients are counted by /64, the block one subscriber gets, so
    /// hopping between addresses of one's own block gains nothing.
    pub fn check_address(&self, address: Option<IpAddr>) -> Result<()> {
        let Some(address) = address else { return Ok(()) };
        let key = limiter_key(address);
        if let Err(not_until) = self.addresses.check_key(&key) {
            tracing::warn!(%address, "sign-in rate limit reached for an address");
            let wait = not_until.wait_time_from(ClockAdapter(self.clock.clone()).now());
            return Err(Error::Refused {
                reason: Reason::TooManyAttempts,
                retry_after: Some(wait),
            });
        }
        // Forget addresses whose allowance is full again, so the map stays small.
        if self.addresses.len() > 10_000 {
            self.addresses.retain_recent();
        }
        Ok(())
    }

    /// When the account's lock ends, if it is locked now. Read fresh, after
    /// the password was checked, so a lock set meanwhile counts.
    pub async fn locked_until(&self, account_key: &str) -> Result<Option<DateTime<Utc>>> {
        throttle::locked_until(self.db.reader(), account_key, self.clock.now()).await
    }

    /// Counts a failure inside `txn`, atomically, and locks the account when
    /// this failure earns it. A failure while locked is not counted.
    pub async fn count_failure(&self, txn: &Transaction, account_key: &str) -> Result<Failure> {
        let now = self.clock.now();
        // Failures a day apart are not a guessing run; start counting afresh.
        let fresh_after = now - Duration::days(1);
        let Some(failures) = throttle::count_failure(txn, account_key, now, fresh_after).await?
        else {
            return Ok(Failure::WhileLocked);
        };
        match lock_duration(&self.settings, failures) {
            Some(lock) => {
                throttle::lock(txn, account_key, now + lock).await?;
                Ok(Failure::Locked { until: now + lock })
            }
            None => Ok(Failure::Counted),
        }
    }

    /// Forgets an account's failures after a successful sign-in.
    pub async fn record_success(&self, account_key: &str) -> Result<()> {
        let txn = self.db.begin().await?;
        throttle::clear(&txn, account_key).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// What counting a failure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Counted; the account stays open.
    Counted,
    /// Counted, and the account is now locked until then.
    Locked { until: DateTime<Utc> },
    /// The account was locked already: nothing counted.
    WhileLocked,
}

/// The key an address is limited under: IPv4 as is, IPv6 by its /64.
fn limiter_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(network))
        }
        v4 => v4,
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

    #[test]
    fn ipv6_clients_are_limited_by_their_64_block_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limiter_key(a), limiter_key(b));
        assert_ne!(limiter_key(a), limiter_key(other));
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(limiter_key(mapped), "203.0.113.7".parse::<IpAddr>().unwrap());
    }
}
