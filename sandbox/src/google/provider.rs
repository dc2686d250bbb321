//! The provider's shared state: configuration, the approving identity, the
//! pending authorization codes, issued access tokens, injected faults and
//! request counters. Handlers lock it briefly and never across an `.await`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

use super::keys::SigningKeys;
use super::{AuthorizationRecord, Fault, GoogleSandboxConfig, Identity, RequestCounts};

/// How long an authorization code stays redeemable (Google: about a minute).
pub(crate) const CODE_LIFETIME_SECS: u64 = 60;
/// How long an access token and the ID token stay valid.
pub(crate) const TOKEN_LIFETIME_SECS: u64 = 3600;

/// A code handed to the browser, waiting for the token request.
#[derive(Clone)]
pub(crate) struct PendingCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: String,
    pub code_challenge: String,
    pub code_challenge_method: String,
    pub identity: Identity,
    pub expires_at: u64,
}

/// An access token the userinfo endpoint answers for.
pub(crate) struct IssuedAccessToken {
    pub identity: Identity,
    pub scope: String,
    pub expires_at: u64,
}

#[derive(Default)]
pub(crate) struct Mutable {
    pub identity: Identity,
    pub deny_next: bool,
    pub faults: Vec<Fault>,
    pub codes: HashMap<String, PendingCode>,
    pub access_tokens: HashMap<String, IssuedAccessToken>,
    pub counts: RequestCounts,
    pub authorizations: Vec<AuthorizationRecord>,
    pub clock_offset: Duration,
    pub rotated: bool,
}

/// Everything the handlers share.
pub(crate) struct Provider {
    pub issuer: String,
    pub config: GoogleSandboxConfig,
    pub keys: SigningKeys,
    state: Mutex<Mutable>,
}

impl Provider {
    pub fn new(issuer: String, config: GoogleSandboxConfig, keys: SigningKeys) -> Self {
        Self { issuer, config, keys, state: Mutex::new(Mutable::default()) }
    }

    /// The state, even if a panicking test thread poisoned the lock: the
    /// sandbox's data stays consistent between statements.
    pub fn lock(&self) -> MutexGuard<'_, Mutable> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The provider's clock in Unix seconds, moved by `advance_clock`.
    pub fn now(&self) -> u64 {
        let offset = self.lock().clock_offset;
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        (wall + offset).as_secs()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

/// A random, URL-safe value of 256 bits with a Google-like prefix.
pub(crate) fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}
