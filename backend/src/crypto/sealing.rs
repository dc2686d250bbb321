//! Sealing secrets at rest (Garmin tokens) with XChaCha20-Poly1305.

use std::{
    path::PathBuf,
    sync::{Arc, RwLock},
};

use chacha20poly1305::XNonce;
use chacha20poly1305::aead::{Aead, Payload};

use super::{CryptoError, SealingKeys, os_random};

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// A sealed value: store both fields; `blob` is the 24-byte random nonce
/// followed by the ciphertext and its 16-byte tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Id of the sealing key used.
    pub key_id: String,
    /// Nonce ‖ ciphertext ‖ tag.
    pub blob: Vec<u8>,
}

/// Seals with the newest sealing key and opens with any key of the set.
///
/// The AAD binds a sealed value to its context (SECURITY.md: user id +
/// purpose), so a blob copied to another row or purpose does not open.
///
/// A value sealed with a key this process does not know (another replica
/// ran `baton rotate-keys` and re-sealed it) makes the sealer re-read the
/// key directory once, so replicas keep opening rows until they restart.
#[derive(Debug, Clone)]
pub struct Sealer {
    keys: Arc<RwLock<SealingKeys>>,
    /// Where the key sets live, for re-reading; None for a fixed set.
    dir: Option<PathBuf>,
}

impl Sealer {
    /// A sealer over `keys`, fixed.
    pub fn new(keys: SealingKeys) -> Self {
        Self { keys: Arc::new(RwLock::new(keys)), dir: None }
    }

    /// A sealer over `keys`, read from `dir`, re-read when a value names a
    /// newer key.
    pub fn reloading(keys: SealingKeys, dir: PathBuf) -> Self {
        Self { keys: Arc::new(RwLock::new(keys)), dir: Some(dir) }
    }

    fn keys(&self) -> std::sync::RwLockReadGuard<'_, SealingKeys> {
        self.keys.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Encrypts `plaintext` under the newest key with a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Sealed, CryptoError> {
        let keys = self.keys();
        let (key_id, key) = keys.current();
        let nonce: [u8; NONCE_LEN] = os_random().map_err(|_| CryptoError::Seal)?;
        let ciphertext = key
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad })
            .map_err(|_| CryptoError::Seal)?;
        let mut blob = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        Ok(Sealed { key_id: key_id.to_owned(), blob })
    }

    /// Decrypts `blob` sealed under `key_id` with the same `aad`.
    pub fn open(&self, key_id: &str, blob: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if !self.keys().contains(key_id) {
            self.reload()?;
        }
        let keys = self.keys();
        let key =
            keys.get(key_id).ok_or_else(|| CryptoError::UnknownSealingKey(key_id.to_owned()))?;
        if blob.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Open);
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| CryptoError::Open)?;
        key.cipher.decrypt(&nonce, Payload { msg: ciphertext, aad }).map_err(|_| CryptoError::Open)
    }

    /// Re-reads the key set from its directory (when it has one).
    fn reload(&self) -> Result<(), CryptoError> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let ring = super::KeyRing::load(dir)?;
        *self.keys.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = ring.sealing;
        Ok(())
    }

    /// Whether `key_id` is the newest key; rows sealed with another key
    /// should be re-sealed.
    pub fn is_current(&self, key_id: &str) -> bool {
        self.keys().current_id() == key_id
    }

    /// The id new seals get.
    pub fn current_key_id(&self) -> String {
        self.keys().current_id().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::{KeyRing, rotate};

    const AAD: &[u8] = b"user:5f1c purpose:garmin-oauth";

    fn sealer() -> (tempfile::TempDir, Sealer) {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        (dir, Sealer::new(ring.sealing))
    }

    #[test]
    fn sealed_value_opens_to_the_plaintext() {
        let (_dir, sealer) = sealer();
        let sealed = sealer.seal(b"garmin-oauth-token", AAD).unwrap();
        assert_eq!(sealed.key_id, sealer.current_key_id());
        assert_eq!(sealed.blob.len(), NONCE_LEN + 18 + TAG_LEN);
        assert!(!sealed.blob.windows(18).any(|w| w == b"garmin-oauth-token"));
        let opened = sealer.open(&sealed.key_id, &sealed.blob, AAD).unwrap();
        assert_eq!(opened, b"garmin-oauth-token");
        assert!(sealer.is_current(&sealed.key_id));
    }

    #[test]
    fn empty_plaintext_round_trips() {
        let (_dir, sealer) = sealer();
        let sealed = sealer.seal(b"", AAD).unwrap();
        assert_eq!(sealer.open(&sealed.key_id, &sealed.blob, AAD).unwrap(), b"");
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let (_dir, sealer) = sealer();
        let a = sealer.seal(b"same", AAD).unwrap();
        let b = sealer.seal(b"same", AAD).unwrap();
        assert_ne!(a.blob[..NONCE_LEN], b.blob[..NONCE_LEN]);
        assert_ne!(a.blob, b.blob);
    }

    #[test]
    fn every_single_byte_flip_fails_to_open() {
        let (_dir, sealer) = sealer();
        let sealed = sealer.seal(b"garmin-oauth-token", AAD).unwrap();
        for i in 0..sealed.blob.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut blob = sealed.blob.clone();
                blob[i] ^= flip;
                let result = sealer.open(&sealed.key_id, &blob, AAD);
                assert!(matches!(result, Err(CryptoError::Open)), "byte {i}");
            }
        }
    }

    #[test]
    fn wrong_aad_fails_to_open() {
        let (_dir, sealer) = sealer();
        let sealed = sealer.seal(b"garmin-oauth-token", AAD).unwrap();
        for aad in [&b""[..], b"user:5f1c purpose:garmin-oauti", b"user:0000 purpose:garmin-oauth"]
        {
            let result = sealer.open(&sealed.key_id, &sealed.blob, aad);
            assert!(matches!(result, Err(CryptoError::Open)));
        }
    }

    #[test]
    fn short_or_truncated_blobs_fail_to_open() {
        let (_dir, sealer) = sealer();
        let sealed = sealer.seal(b"garmin-oauth-token", AAD).unwrap();
        for len in [0, 1, NONCE_LEN, NONCE_LEN + TAG_LEN - 1, sealed.blob.len() - 1] {
            let result = sealer.open(&sealed.key_id, &sealed.blob[..len], AAD);
            assert!(matches!(result, Err(CryptoError::Open)), "length {len}");
        }
        let mut longer = sealed.blob.clone();
        longer.push(0);
        assert!(sealer.open(&sealed.key_id, &longer, AAD).is_err());
    }

    #[test]
    fn unknown_key_id_fails_to_open() {
        let (_dir, sealer) = sealer();
        let sealed = sealer.seal(b"garmin-oauth-token", AAD).unwrap();
        let result = sealer.open("20200101T000000Z-00000000", &sealed.blob, AAD);
        assert!(matches!(result, Err(CryptoError::UnknownSealingKey(_))));
    }

    #[test]
    fn value_sealed_with_an_older_key_opens_after_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let before = Sealer::new(KeyRing::load_or_generate(dir.path()).unwrap().sealing);
        let old = before.seal(b"garmin-oauth-token", AAD).unwrap();
        let (_, new_id) = rotate(dir.path()).unwrap();
        let after = Sealer::new(KeyRing::load(dir.path()).unwrap().sealing);

        assert_eq!(after.open(&old.key_id, &old.blob, AAD).unwrap(), b"garmin-oauth-token");
        assert!(!after.is_current(&old.key_id));
        let resealed = after.seal(b"garmin-oauth-token", AAD).unwrap();
        assert_eq!(resealed.key_id, new_id);
        assert!(after.is_current(&resealed.key_id));
        // The keys really differ: the old key cannot open the new seal.
        let result = before.open(&old.key_id, &resealed.blob, AAD);
        assert!(matches!(result, Err(CryptoError::Open)));
    }

    #[test]
    fn a_replica_with_the_old_key_set_opens_values_sealed_after_a_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        let running = Sealer::reloading(ring.sealing, dir.path().to_path_buf());
        rotate(dir.path()).unwrap();
        let rotated = Sealer::new(KeyRing::load(dir.path()).unwrap().sealing);
        let resealed = rotated.seal(b"garmin-oauth-token", AAD).unwrap();
        assert_eq!(
            running.open(&resealed.key_id, &resealed.blob, AAD).unwrap(),
            b"garmin-oauth-token"
        );
        assert!(running.is_current(&resealed.key_id), "it now seals with the new key too");
    }
}
