//! Baton's cryptography: password hashing, opaque tokens and their digests,
//! the key sets under `BATON_KEYS_DIR`, signed access tokens (EdDSA JWTs) and
//! sealing of secrets at rest (XChaCha20-Poly1305).
//!
//! This module may read and write the key directory and use the OS random
//! source; it knows nothing of gRPC, the database or configuration, and it
//! never logs passwords, tokens or key material. Its only error type is
//! [`CryptoError`]; callers choose the gRPC status for it.

pub mod access_token;
pub mod keys;
pub mod opaque;
pub mod page_token;
pub mod password;
pub mod sealing;

use std::path::PathBuf;

use rand::TryRngCore;

pub use access_token::{AccessClaims, AccessTokens};
pub use keys::{KeyRing, KeySet, SealingKey, SealingKeys, SigningKey, SigningKeys};
pub use opaque::{new_opaque_token, token_digest};
pub use page_token::PageTokens;
pub use password::{HashParams, PasswordHasher};
pub use sealing::{Sealed, Sealer};

/// Everything that can go wrong in [`crate::crypto`].
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// Every hashing slot is taken and the wait queue is full, or the wait
    /// for a slot took too long; the caller should shed load.
    #[error("password hashing is at capacity")]
    Busy,
    /// An access token failed a check; deliberately says nothing about which.
    #[error("invalid token")]
    InvalidToken,
    /// The key directory holds something unusable (an empty set, a bad file).
    #[error("key store: {0}")]
    KeyStore(String),
    /// Reading or writing the key directory failed.
    #[error("key store I/O at {path}: {source}")]
    KeyStoreIo {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Signing an access token failed.
    #[error("signing an access token failed: {0}")]
    Sign(String),
    /// A sealed value names a key id that is not in the sealing key set.
    #[error("no sealing key with id {0}")]
    UnknownSealingKey(String),
    /// Encryption failed (random source or AEAD error).
    #[error("sealing failed")]
    Seal,
    /// A sealed value is truncated, was tampered with, or its AAD differs.
    #[error("opening a sealed value failed")]
    Open,
    /// Password hashing failed (bad parameters, malformed stored hash, or the
    /// hashing task died).
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// `N` bytes straight from the operating system's CSPRNG.
fn os_random<const N: usize>() -> Result<[u8; N], rand::rand_core::OsError> {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes)?;
    Ok(bytes)
}
