//! Baton as an OpenID Connect relying party of Google: builds the
//! authorization URL (code flow, PKCE S256, `state`, `nonce`), redeems the
//! code at the token endpoint and verifies the ID token (signature by the
//! provider's JWKS, RS256 only, `iss`, `aud`/`azp`, `exp`, `iat`, `nonce`).
//!
//! This module may talk HTTP to the configured issuer's endpoints and cache
//! their discovery document and keys. It knows nothing of gRPC, the database,
//! users or sessions: binding `state` and `nonce` to a pending login and to
//! the browser, and deciding what a Google `sub` may do, belong to the auth
//! service. It never logs, and its errors never carry codes, tokens or the
//! client secret.

mod client;
mod discovery;
mod http;
mod id_token;
mod keys;
#[cfg(test)]
mod tests;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;
use sha2::{Digest, Sha256};

pub use client::GoogleClient;

/// Google's issuer. Its ID tokens may also carry it without the scheme.
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";

/// Where Google sign-in points (`BATON_GOOGLE_*`). `Debug` redacts the secret.
#[derive(Debug, Clone)]
pub struct GoogleConfig {
    /// The OpenID issuer, e.g. [`GOOGLE_ISSUER`] or a sandbox's
    /// `http://127.0.0.1:PORT`; discovery is fetched from
    /// `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// Baton's OAuth client id; the only accepted ID-token audience.
    pub client_id: String,
    /// Baton's OAuth client secret, sent only to the token endpoint.
    pub client_secret: SecretString,
    /// The redirect URI registered with the provider for Baton.
    pub redirect_url: String,
}

/// Who signed in, from a verified ID token. Key accounts on `subject` only:
/// an email address can change hands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleIdentity {
    /// The provider's stable, never reassigned account id (`sub`).
    pub subject: String,
    pub email: Option<String>,
    /// Whether the provider vouches for `email`; `false` when absent.
    pub email_verified: bool,
    pub name: Option<String>,
    pub picture: Option<String>,
}

/// Why a Google sign-in did not produce an identity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoogleError {
    /// The provider could not be reached or answered unusably (network,
    /// timeout, 5xx, bad discovery or JWKS), or Baton's own configuration is
    /// wrong (bad URL, client credentials refused). Worth retrying later.
    #[error("Google sign-in is unavailable: {0}")]
    Unavailable(String),
    /// This sign-in attempt is not acceptable: the code was refused
    /// (`invalid_grant`), or the ID token is forged, expired, for another
    /// client or for another login (nonce). Start over.
    #[error("Google sign-in was rejected: {0}")]
    Rejected(String),
}

/// The PKCE S256 challenge for `verifier` (RFC 7636 §4.2):
/// base64url(SHA-256(verifier)) without padding.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}
