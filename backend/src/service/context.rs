//! What every use case shares: the database, the clock, password hashing,
//! token signing and sealing, the sign-in throttle, the revocation list and
//! the settings that shape behaviour.

use std::sync::Arc;

use chrono::Duration;

use super::{
    notifications::NotificationFeed, notifier::Notifier, revocations::Revocations,
    throttle::LoginThrottle,
};
use crate::{
    clock::Clock,
    crypto::{AccessTokens, PageTokens, PasswordHasher, Sealer},
    garmin::GarminClient,
    google::GoogleClient,
    store::Db,
};

/// Behaviour an operator configures.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where people reach Baton; invite and reset links start with it.
    pub public_url: String,
    pub self_signup: bool,
    pub invite_lifetime: Duration,
    pub password_reset_lifetime: Duration,
}

impl Settings {
    /// A link into the SPA carrying a one-time token. The token rides in the
    /// fragment, which browsers never send to servers or in Referer headers.
    pub fn link(&self, route: &str, token: &str) -> String {
        format!("{}/{route}#{token}", self.public_url.trim_end_matches('/'))
    }
}

/// Shared dependencies of the services; cheap to clone.
#[derive(Clone)]
pub struct Context {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasher,
    pub access_tokens: Arc<AccessTokens>,
    /// Seals secrets at rest (stored replies, Garmin tokens).
    pub sealer: Sealer,
    pub pages: PageTokens,
    pub revocations: Revocations,
    pub throttle: LoginThrottle,
    pub notifier: Arc<dyn Notifier>,
    /// Tells watchers of new notifications.
    pub notifications: NotificationFeed,
    /// None when Google sign-in is not configured.
    pub google: Option<GoogleClient>,
    pub garmin: GarminClient,
    pub settings: Arc<Settings>,
}
