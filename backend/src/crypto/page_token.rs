//! Page tokens: the offset of the next page, authenticated with a MAC over
//! the query it continues (the `PageScope` digest: RPC, caller, filters).
//! A client can read a token but not forge, stretch or move it: any change
//! fails the MAC. The newest sealing key's derived MAC key signs; every key
//! in the set verifies, so tokens survive a key rotation.

use aws_lc_rs::{constant_time, hmac};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use super::SealingKeys;

const VERSION: u8 = 1;
/// Bytes of the MAC kept in the token: 128 bits cannot be guessed.
const TAG_LEN: usize = 16;
const TOKEN_LEN: usize = 1 + 4 + TAG_LEN;

/// Signs and checks page tokens; cheap to clone.
#[derive(Debug, Clone)]
pub struct PageTokens {
    keys: SealingKeys,
}

impl PageTokens {
    pub fn new(keys: SealingKeys) -> Self {
        Self { keys }
    }

    /// The token for the page starting at `offset` of the query `scope`.
    pub fn sign(&self, scope: &[u8; 32], offset: u32) -> String {
        let (_, key) = self.keys.current();
        let mut bytes = Vec::with_capacity(TOKEN_LEN);
        bytes.push(VERSION);
        bytes.extend_from_slice(&offset.to_be_bytes());
        bytes.extend_from_slice(&tag(&key.page_mac, scope, offset));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The offset in `token` when it was signed by us for `scope`.
    pub fn open(&self, scope: &[u8; 32], token: &str) -> Option<u32> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != TOKEN_LEN || bytes.first() != Some(&VERSION) {
            return None;
        }
        let offset = u32::from_be_bytes(bytes.get(1..5)?.try_into().ok()?);
        let presented = bytes.get(5..)?;
        self.keys
            .newest_first()
            .any(|key| {
                constant_time::verify_slices_are_equal(
                    &tag(&key.page_mac, scope, offset),
                    presented,
                )
                .is_ok()
            })
            .then_some(offset)
    }
}

fn tag(key: &hmac::Key, scope: &[u8; 32], offset: u32) -> [u8; TAG_LEN] {
    let mut context = hmac::Context::with_key(key);
    context.update(&[VERSION]);
    context.update(scope);
    context.update(&offset.to_be_bytes());
    let mut tag = [0u8; TAG_LEN];
    tag.copy_from_slice(&context.sign().as_ref()[..TAG_LEN]);
    tag
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::{KeyRing, rotate};

    fn tokens(dir: &std::path::Path) -> PageTokens {
        PageTokens::new(KeyRing::load_or_generate(dir).unwrap().sealing)
    }

    #[test]
    fn a_token_opens_for_its_own_scope_only() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = tokens(dir.path());
        let token = tokens.sign(&[1; 32], 50);
        assert_eq!(tokens.open(&[1; 32], &token), Some(50));
        assert_eq!(tokens.open(&[2; 32], &token), None);
    }

    #[test]
    fn forged_truncated_and_padded_tokens_do_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = tokens(dir.path());
        let token = tokens.sign(&[1; 32], 50);
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[1..5].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(tokens.open(&[1; 32], &URL_SAFE_NO_PAD.encode(&bytes)), None);
        assert_eq!(tokens.open(&[1; 32], &token[..token.len() - 2]), None);
        assert_eq!(tokens.open(&[1; 32], &format!("{token}AA")), None);
        assert_eq!(tokens.open(&[1; 32], ""), None);
        assert_eq!(tokens.open(&[1; 32], "!!!"), None);
    }

    #[test]
    fn tokens_signed_before_a_rotation_still_open() {
        let dir = tempfile::tempdir().unwrap();
        let token = tokens(dir.path()).sign(&[7; 32], 200);
        rotate(dir.path()).unwrap();
        let rotated = tokens(dir.path());
        assert_eq!(rotated.open(&[7; 32], &token), Some(200));
        assert_ne!(rotated.sign(&[7; 32], 200), token, "the new key signs");
    }

    #[test]
    fn another_key_set_cannot_open_a_token() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let token = tokens(a.path()).sign(&[1; 32], 5);
        assert_eq!(tokens(b.path()).open(&[1; 32], &token), None);
    }
}
