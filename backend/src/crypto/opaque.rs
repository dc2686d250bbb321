//! Opaque bearer tokens (refresh, invite, reset) and the digest stored for them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{RngCore, TryRngCore};
use sha2::{Digest, Sha256};

/// A new opaque token: 256 bits from the OS CSPRNG, base64url without padding
/// (43 characters).
///
/// # Panics
/// If the operating system's random source fails, as `rand::rng()` would;
/// there is no safe token to return then.
pub fn new_opaque_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.unwrap_err().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of `token` as lowercase hex: what the database stores and
/// looks tokens up by, so a leaked table reveals no usable token.
pub fn token_digest(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_token_is_256_bits_of_base64url() {
        let token = new_opaque_token();
        assert_eq!(token.len(), 43);
        let decoded = URL_SAFE_NO_PAD.decode(&token).unwrap();
        assert_eq!(decoded.len(), 32);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn opaque_tokens_differ() {
        let tokens: std::collections::HashSet<String> =
            (0..100).map(|_| new_opaque_token()).collect();
        assert_eq!(tokens.len(), 100);
    }

    #[test]
    fn token_digest_is_lowercase_hex_sha256() {
        assert_eq!(
            token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn token_digest_differs_per_token_and_is_stable() {
        let token = new_opaque_token();
        assert_eq!(token_digest(&token), token_digest(&token));
        assert_ne!(token_digest(&token), token_digest(&new_opaque_token()));
        assert_eq!(token_digest(&token).len(), 64);
    }
}
