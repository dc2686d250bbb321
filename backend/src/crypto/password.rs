//! argon2id password hashing on the blocking pool, behind a bounded queue.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{CryptoError, new_opaque_token};

/// argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Iterations.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl HashParams {
    /// The OWASP baseline that SECURITY.md requires in production.
    pub const PRODUCTION: Self = Self { m_cost_kib: 19_456, t_cost: 2, p_cost: 1 };
    /// Cheap parameters for tests only.
    pub const TESTING: Self = Self { m_cost_kib: 64, t_cost: 1, p_cost: 1 };
}

/// Hashes and verifies passwords with argon2id.
///
/// At most `max_parallel` hashes run at once (on tokio's blocking pool); at
/// most `max_queue` callers wait for a slot, each for at most `max_wait`.
/// Past either limit the answer is [`CryptoError::Busy`] at once, so a flood
/// of logins can neither starve the runtime nor pile up into timeouts.
/// Cloning is cheap and shares the limits.
#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    argon2: Argon2<'static>,
    params: HashParams,
    running: Arc<Semaphore>,
    waiting: Arc<Semaphore>,
    max_wait: Duration,
    /// Verified against when there is no stored hash, so that path costs the
    /// same as a real one.
    dummy_phc: String,
}

impl PasswordHasher {
    /// Builds a hasher; computes one dummy hash with `params` (synchronously).
    pub fn new(
        params: HashParams,
        max_parallel: usize,
        max_wait: Duration,
        max_queue: usize,
    ) -> Result<Self, CryptoError> {
        if max_parallel == 0 {
            return Err(CryptoError::Hash("max_parallel must be at least 1".into()));
        }
        let argon2_params = Params::new(params.m_cost_kib, params.t_cost, params.p_cost, None)
            .map_err(|e| CryptoError::Hash(e.to_string()))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, argon2::Version::V0x13, argon2_params);
        let dummy_phc = hash_blocking(&argon2, new_opaque_token().as_bytes())?;
        let max_queue = max_queue.min(Semaphore::MAX_PERMITS);
        let max_parallel = max_parallel.min(Semaphore::MAX_PERMITS);
        Ok(Self {
            inner: Arc::new(Inner {
                argon2,
                params,
                running: Arc::new(Semaphore::new(max_parallel)),
                waiting: Arc::new(Semaphore::new(max_queue)),
                max_wait,
                dummy_phc,
            }),
        })
    }

    /// Hashes `password` with a fresh salt; returns the PHC string.
    pub async fn hash(&self, password: SecretString) -> Result<String, CryptoError> {
        let permit = self.slot().await?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            // The permit lives as long as the work, even if the caller gives up.
            let _permit = permit;
            hash_blocking(&inner.argon2, password.expose_secret().as_bytes())
        })
        .await
        .map_err(|e| CryptoError::Hash(format!("hashing task failed: {e}")))?
    }

    /// Whether `password` matches the PHC string `phc`.
    ///
    /// With `phc` = `None` (unknown user, or one who signs in only with
    /// Google) it verifies against a dummy hash and answers `false`, doing the
    /// same work as for a real account (ASVS 6.3.8).
    pub async fn verify(
        &self,
        password: SecretString,
        phc: Option<String>,
    ) -> Result<bool, CryptoError> {
        let permit = self.slot().await?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let password = password.expose_secret().as_bytes();
            match phc {
                Some(phc) => verify_blocking(&inner.argon2, password, &phc),
                None => {
                    let _ = verify_blocking(&inner.argon2, password, &inner.dummy_phc);
                    Ok(false)
                }
            }
        })
        .await
        .map_err(|e| CryptoError::Hash(format!("hashing task failed: {e}")))?
    }

    /// Takes a hashing slot: at once if one is free, else after queueing.
    async fn slot(&self) -> Result<OwnedSemaphorePermit, CryptoError> {
        if let Ok(permit) = Arc::clone(&self.inner.running).try_acquire_owned() {
            return Ok(permit);
        }
        let _place_in_queue =
            Arc::clone(&self.inner.waiting).try_acquire_owned().map_err(|_| CryptoError::Busy)?;
        let acquire = Arc::clone(&self.inner.running).acquire_owned();
        match tokio::time::timeout(self.inner.max_wait, acquire).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) | Err(_) => Err(CryptoError::Busy),
        }
    }
}

impl fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.inner.params)
            .field("max_wait", &self.inner.max_wait)
            .finish_non_exhaustive()
    }
}

fn hash_blocking(argon2: &Argon2<'_>, password: &[u8]) -> Result<String, CryptoError> {
    argon2
        .hash_password(password)
        .map(|hash| hash.to_string())
        .map_err(|e| CryptoError::Hash(e.to_string()))
}

fn verify_blocking(argon2: &Argon2<'_>, password: &[u8], phc: &str) -> Result<bool, CryptoError> {
    let parsed = PasswordHash::new(phc).map_err(|e| CryptoError::Hash(e.to_string()))?;
    match argon2.verify_password(password, &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
        Err(e) => Err(CryptoError::Hash(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    fn hasher(max_parallel: usize, max_wait: Duration, max_queue: usize) -> PasswordHasher {
        PasswordHasher::new(HashParams::TESTING, max_parallel, max_wait, max_queue).unwrap()
    }

    #[tokio::test]
    async fn hash_then_verify_accepts_the_same_password() {
        let hasher = hasher(2, Duration::from_secs(5), 8);
        let phc = hasher.hash(secret("correct horse battery")).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert!(hasher.verify(secret("correct horse battery"), Some(phc)).await.unwrap());
    }

    #[tokio::test]
    async fn verify_rejects_a_wrong_password() {
        let hasher = hasher(2, Duration::from_secs(5), 8);
        let phc = hasher.hash(secret("correct horse battery")).await.unwrap();
        assert!(!hasher.verify(secret("correct horse battery!"), Some(phc)).await.unwrap());
    }

    #[tokio::test]
    async fn same_password_gets_a_fresh_salt_each_time() {
        let hasher = hasher(2, Duration::from_secs(5), 8);
        let a = hasher.hash(secret("correct horse battery")).await.unwrap();
        let b = hasher.hash(secret("correct horse battery")).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn verify_without_a_stored_hash_is_false() {
        let hasher = hasher(2, Duration::from_secs(5), 8);
        assert!(!hasher.verify(secret(""), None).await.unwrap());
        assert!(!hasher.verify(secret("correct horse battery"), None).await.unwrap());
    }

    #[tokio::test]
    async fn verify_reports_a_malformed_stored_hash() {
        let hasher = hasher(2, Duration::from_secs(5), 8);
        let result = hasher.verify(secret("pw"), Some("not a phc string".into())).await;
        assert!(matches!(result, Err(CryptoError::Hash(_))));
    }

    #[tokio::test]
    async fn busy_when_all_slots_are_taken_and_no_queue_is_allowed() {
        let hasher = hasher(1, Duration::from_secs(60), 0);
        let held = Arc::clone(&hasher.inner.running).try_acquire_owned().unwrap();
        let result = hasher.hash(secret("correct horse battery")).await;
        assert!(matches!(result, Err(CryptoError::Busy)));
        let result = hasher.verify(secret("correct horse battery"), None).await;
        assert!(matches!(result, Err(CryptoError::Busy)));
        drop(held);
        assert!(hasher.hash(secret("correct horse battery")).await.is_ok());
    }

    #[tokio::test]
    async fn busy_when_the_wait_queue_is_full() {
        let hasher = hasher(1, Duration::from_secs(60), 1);
        let _running = Arc::clone(&hasher.inner.running).try_acquire_owned().unwrap();
        let _queued = Arc::clone(&hasher.inner.waiting).try_acquire_owned().unwrap();
        let result = hasher.hash(secret("correct horse battery")).await;
        assert!(matches!(result, Err(CryptoError::Busy)));
    }

    #[tokio::test]
    async fn busy_when_the_wait_for_a_slot_runs_out() {
        let hasher = hasher(1, Duration::from_millis(20), 4);
        let _running = Arc::clone(&hasher.inner.running).try_acquire_owned().unwrap();
        let result = hasher.verify(secret("correct horse battery"), None).await;
        assert!(matches!(result, Err(CryptoError::Busy)));
        // The timed-out caller left the queue.
        assert_eq!(hasher.inner.waiting.available_permits(), 4);
    }

    #[tokio::test]
    async fn a_queued_caller_proceeds_once_a_slot_frees() {
        let hasher = hasher(1, Duration::from_secs(60), 1);
        let running = Arc::clone(&hasher.inner.running).try_acquire_owned().unwrap();
        let queued = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.hash(secret("correct horse battery")).await }
        });
        // Whether the task queued before or after this drop, it must succeed.
        drop(running);
        assert!(queued.await.unwrap().is_ok());
    }

    #[test]
    fn zero_parallelism_is_rejected() {
        let result = PasswordHasher::new(HashParams::TESTING, 0, Duration::from_secs(1), 1);
        assert!(matches!(result, Err(CryptoError::Hash(_))));
    }

    #[test]
    fn production_parameters_are_the_owasp_baseline() {
        assert_eq!(HashParams::PRODUCTION, HashParams { m_cost_kib: 19_456, t_cost: 2, p_cost: 1 });
    }
}
