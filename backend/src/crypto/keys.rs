//! Key sets on disk: `<dir>/signing/<id>.pem` (Ed25519 PKCS#8 private keys)
//! and `<dir>/sealing/<id>.key` (32 random bytes, base64).
//!
//! Ids are `<UTC yyyymmddThhmmssZ>-<8 hex>`, so sorting them sorts keys by
//! age: the newest signs and seals, all of them verify and open. A running
//! process reads the sets once; after [`rotate`], restart (every replica) to
//! start using the new keys. Hidden entries (such as Kubernetes' `..data`)
//! and other extensions are ignored, so a mounted secret works as a key set.

use std::fmt;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use aws_lc_rs::{
    hmac,
    signature::{Ed25519KeyPair, KeyPair},
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use chrono::{DateTime, NaiveDateTime, Utc};
use jsonwebtoken::{DecodingKey, EncodingKey};

use super::{CryptoError, os_random};

const SIGNING: &str = "signing";
const SEALING: &str = "sealing";
const PEM_LABEL: &str = "PRIVATE KEY";
/// Domain separation for the page-token key derived from a sealing key.
const PAGE_TOKEN_LABEL: &[u8] = b"baton page tokens v1";

/// Both key sets of one key directory.
#[derive(Debug, Clone)]
pub struct KeyRing {
    /// Access-token signing keys.
    pub signing: SigningKeys,
    /// Sealing keys for secrets at rest.
    pub sealing: SealingKeys,
}

/// A non-empty set of keys of one kind, each with its id.
#[derive(Clone)]
pub struct KeySet<K> {
    newest: (String, K),
    /// Oldest first.
    older: Vec<(String, K)>,
}

/// The access-token signing keys.
pub type SigningKeys = KeySet<SigningKey>;
/// The sealing keys.
pub type SealingKeys = KeySet<SealingKey>;

/// One Ed25519 signing key with its public half.
#[derive(Clone)]
pub struct SigningKey {
    pub(super) encoding: EncodingKey,
    pub(super) decoding: DecodingKey,
    public: Vec<u8>,
}

/// One XChaCha20-Poly1305 key, and the page-token MAC key derived from it
/// (so page tokens rotate with the sealing keys and need no key set of
/// their own).
#[derive(Clone)]
pub struct SealingKey {
    pub(super) cipher: XChaCha20Poly1305,
    pub(super) page_mac: hmac::Key,
}

impl KeyRing {
    /// Loads both sets, creating the folders (0700) and the first key of
    /// each set (0600) when that set is empty. Safe to run from several
    /// processes at once: they end up sharing one first key. Writes nothing
    /// when both sets already hold keys, so a read-only mount works too.
    pub fn load_or_generate(dir: &Path) -> Result<Self, CryptoError> {
        if let Ok(ring) = Self::load(dir) {
            return Ok(ring);
        }
        let _lock = lock_dir(dir)?;
        for (set, kind) in [(SIGNING, Kind::Signing), (SEALING, Kind::Sealing)] {
            if list_ids(&dir.join(set), kind)?.is_empty() {
                write_new_key(&dir.join(set), kind, None)?;
            }
        }
        Self::load(dir)
    }

    /// Loads both sets without creating anything; an empty or missing set is
    /// an error. For production, where keys come from mounted secret files.
    pub fn load(dir: &Path) -> Result<Self, CryptoError> {
        Ok(Self {
            signing: load_set(&dir.join(SIGNING), Kind::Signing, read_signing_key)?,
            sealing: load_set(&dir.join(SEALING), Kind::Sealing, read_sealing_key)?,
        })
    }
}

/// Adds one new key to each set under `dir` (creating what is missing) and
/// returns the new ids `(signing, sealing)`. Running processes keep their
/// keys until restarted; tokens and seals made with older keys stay valid.
pub fn rotate(dir: &Path) -> Result<(String, String), CryptoError> {
    let _lock = lock_dir(dir)?;
    let signing_dir = dir.join(SIGNING);
    let newest = list_ids(&signing_dir, Kind::Signing)?.pop();
    let signing = write_new_key(&signing_dir, Kind::Signing, newest.as_deref())?;
    let sealing_dir = dir.join(SEALING);
    let newest = list_ids(&sealing_dir, Kind::Sealing)?.pop();
    let sealing = write_new_key(&sealing_dir, Kind::Sealing, newest.as_deref())?;
    Ok((signing, sealing))
}

impl<K> KeySet<K> {
    /// The id of the key used for new tokens or seals.
    pub fn current_id(&self) -> &str {
        &self.newest.0
    }

    /// All ids, oldest first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.older.iter().chain(std::iter::once(&self.newest)).map(|(id, _)| id.as_str())
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    pub(super) fn current(&self) -> (&str, &K) {
        (&self.newest.0, &self.newest.1)
    }

    /// Every key, newest first.
    pub(super) fn newest_first(&self) -> impl Iterator<Item = &K> {
        std::iter::once(&self.newest.1).chain(self.older.iter().rev().map(|(_, key)| key))
    }

    pub(super) fn get(&self, id: &str) -> Option<&K> {
        std::iter::once(&self.newest)
            .chain(self.older.iter())
            .find(|(key_id, _)| key_id == id)
            .map(|(_, key)| key)
    }
}

impl<K> fmt::Debug for KeySet<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySet").field("ids", &self.ids().collect::<Vec<_>>()).finish()
    }
}

impl SigningKey {
    /// The raw 32-byte Ed25519 public key (the JWK `x`), for publishing.
    pub fn public_key(&self) -> &[u8] {
        &self.public
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey(..)")
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Signing,
    Sealing,
}

impl Kind {
    fn extension(self) -> &'static str {
        match self {
            Kind::Signing => "pem",
            Kind::Sealing => "key",
        }
    }
}

/// An exclusive advisory lock on `<dir>/.lock`, released when dropped (or
/// when the process dies), so concurrent generators and rotations serialize.
fn lock_dir(dir: &Path) -> Result<File, CryptoError> {
    for set in [SIGNING, SEALING] {
        let path = dir.join(set);
        DirBuilder::new().recursive(true).mode(0o700).create(&path).map_err(io_error(&path))?;
    }
    let path = dir.join(".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&path)
        .map_err(io_error(&path))?;
    file.lock().map_err(io_error(&path))?;
    Ok(file)
}

/// The key ids in `set_dir`, oldest first.
fn list_ids(set_dir: &Path, kind: Kind) -> Result<Vec<String>, CryptoError> {
    let entries = match fs::read_dir(set_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(set_dir)(e)),
    };
    let mut ids = Vec::new();
    for entry in entries {
        let path = entry.map_err(io_error(set_dir))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(id) = name.strip_suffix(&format!(".{}", kind.extension())) else {
            continue;
        };
        if name.starts_with('.') || !fs::metadata(&path).map_err(io_error(&path))?.is_file() {
            continue;
        }
        if !is_valid_id(id) {
            return Err(CryptoError::KeyStore(format!(
                "{}: a key id may hold only ASCII letters, digits, '-' and '_'",
                path.display()
            )));
        }
        ids.push(id.to_owned());
    }
    ids.sort();
    Ok(ids)
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn load_set<K>(
    set_dir: &Path,
    kind: Kind,
    read: fn(&Path) -> Result<K, CryptoError>,
) -> Result<KeySet<K>, CryptoError> {
    let mut keys = Vec::new();
    for id in list_ids(set_dir, kind)? {
        let path = set_dir.join(format!("{id}.{}", kind.extension()));
        refuse_if_readable_by_others(&path)?;
        keys.push((id, read(&path)?));
    }
    let newest = keys
        .pop()
        .ok_or_else(|| CryptoError::KeyStore(format!("no keys in {}", set_dir.display())))?;
    Ok(KeySet { newest, older: keys })
}

/// A key that other accounts on the machine can read is no secret: refuse
/// to start, and say how to fix it.
fn refuse_if_readable_by_others(path: &Path) -> Result<(), CryptoError> {
    let mode = fs::metadata(path).map_err(io_error(path))?.permissions().mode();
    if mode & 0o077 == 0 {
        return Ok(());
    }
    Err(CryptoError::KeyStore(format!(
        "{} is accessible to group or others (mode {:o}); a key must be readable by Baton's \
         user only: run `chmod 600 {}` (for a mounted secret, set its file mode to 0400 or 0600)",
        path.display(),
        mode & 0o777,
        path.display()
    )))
}

fn read_signing_key(path: &Path) -> Result<SigningKey, CryptoError> {
    let pem = fs::read_to_string(path).map_err(io_error(path))?;
    let bad = |what: &str| CryptoError::KeyStore(format!("{}: {what}", path.display()));
    let der = pem_decode(&pem).ok_or_else(|| bad("not a PEM \"PRIVATE KEY\""))?;
    let pair = Ed25519KeyPair::from_pkcs8(&der).map_err(|_| bad("not an Ed25519 PKCS#8 key"))?;
    let public = pair.public_key().as_ref().to_vec();
    Ok(SigningKey {
        encoding: EncodingKey::from_ed_der(&der),
        decoding: DecodingKey::from_ed_der(&public),
        public,
    })
}

fn read_sealing_key(path: &Path) -> Result<SealingKey, CryptoError> {
    let text = fs::read_to_string(path).map_err(io_error(path))?;
    let bad = || CryptoError::KeyStore(format!("{}: not 32 bytes of base64", path.display()));
    let bytes = STANDARD.decode(text.trim()).map_err(|_| bad())?;
    let cipher = XChaCha20Poly1305::new_from_slice(&bytes).map_err(|_| bad())?;
    // A separate key for page tokens, so a MAC never uses the sealing key itself.
    let derived = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &bytes), PAGE_TOKEN_LABEL);
    let page_mac = hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref());
    Ok(SealingKey { cipher, page_mac })
}

/// Writes a fresh key with an id sorting after `after`; returns its id.
fn write_new_key(set_dir: &Path, kind: Kind, after: Option<&str>) -> Result<String, CryptoError> {
    let contents = match kind {
        Kind::Signing => {
            let rng = aws_lc_rs::rand::SystemRandom::new();
            let pkcs8 = Ed25519KeyPair::generate_pkcs8v1(&rng)
                .map_err(|_| CryptoError::KeyStore("Ed25519 key generation failed".into()))?;
            pem_encode(pkcs8.as_ref())
        }
        Kind::Sealing => {
            let key: [u8; 32] = os_random().map_err(|e| CryptoError::KeyStore(e.to_string()))?;
            format!("{}\n", STANDARD.encode(key))
        }
    };
    let id = new_key_id(chrono::Utc::now(), after)?;
    publish(&set_dir.join(format!("{id}.{}", kind.extension())), contents.as_bytes())?;
    Ok(id)
}

const ID_TIME_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// A key id for a key made at `now` that sorts after `after`, the newest
/// id so far. Within the same second as `after` (or with the clock behind
/// it) the time part is `after`'s plus one second: ids order keys, they are
/// not an audit record.
fn new_key_id(now: DateTime<Utc>, after: Option<&str>) -> Result<String, CryptoError> {
    let newest_secs = after
        .and_then(|id| id.get(..16))
        .and_then(|stamp| NaiveDateTime::parse_from_str(stamp, ID_TIME_FORMAT).ok())
        .map(|time| time.and_utc().timestamp());
    let secs = match newest_secs {
        Some(newest) if now.timestamp() <= newest => newest.saturating_add(1),
        _ => now.timestamp(),
    };
    let time = DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| CryptoError::KeyStore("key id time out of range".into()))?;
    let suffix: [u8; 4] = os_random().map_err(|e| CryptoError::KeyStore(e.to_string()))?;
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let id = format!("{}-{suffix}", time.format(ID_TIME_FORMAT));
    match after {
        Some(newest) if id.as_str() <= newest => {
            Err(CryptoError::KeyStore(format!("cannot make a key id that sorts after {newest}")))
        }
        _ => Ok(id),
    }
}

/// Writes `contents` to a hidden temporary file (0600, create_new), syncs
/// it, then hard-links it to `path`, so the key appears whole or not at all
/// and an existing file is never replaced.
fn publish(path: &Path, contents: &[u8]) -> Result<(), CryptoError> {
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("key")
    ));
    let written = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::hard_link(&tmp, path)
    })();
    let _ = fs::remove_file(&tmp);
    match written {
        // Another process published the same id first: keep theirs, and the
        // caller's reload picks it up.
        Err(e) if e.kind() == ErrorKind::AlreadyExists && path.exists() => Ok(()),
        other => other.map_err(io_error(path)),
    }
}

fn pem_encode(der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut pem = format!("-----BEGIN {PEM_LABEL}-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {PEM_LABEL}-----\n"));
    pem
}

fn pem_decode(pem: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {PEM_LABEL}-----");
    let end = format!("-----END {PEM_LABEL}-----");
    let start = pem.find(&begin)? + begin.len();
    let stop = start + pem.get(start..)?.find(&end)?;
    let body: String = pem.get(start..stop)?.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(body).ok()
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> CryptoError {
    let path: PathBuf = path.to_path_buf();
    move |source| CryptoError::KeyStoreIo { path: path.clone(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids<K>(set: &KeySet<K>) -> Vec<String> {
        set.ids().map(str::to_owned).collect()
    }

    #[test]
    fn first_start_generates_one_key_per_set_and_reload_finds_them() {
        let dir = tempfile::tempdir().unwrap();
        let first = KeyRing::load_or_generate(dir.path()).unwrap();
        assert_eq!(ids(&first.signing).len(), 1);
        assert_eq!(ids(&first.sealing).len(), 1);

        let again = KeyRing::load_or_generate(dir.path()).unwrap();
        assert_eq!(ids(&again.signing), ids(&first.signing));
        assert_eq!(ids(&again.sealing), ids(&first.sealing));
        let loaded = KeyRing::load(dir.path()).unwrap();
        assert_eq!(loaded.signing.current_id(), first.signing.current_id());
        assert_eq!(loaded.sealing.current_id(), first.sealing.current_id());
        assert_eq!(loaded.signing.current().1.public_key(), first.signing.current().1.public_key());
    }

    #[test]
    fn existing_keys_are_loaded_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let first = KeyRing::load_or_generate(dir.path()).unwrap();
        fs::remove_file(dir.path().join(".lock")).unwrap();
        let again = KeyRing::load_or_generate(dir.path()).unwrap();
        assert_eq!(ids(&again.signing), ids(&first.signing));
        assert!(!dir.path().join(".lock").exists());
    }

    #[test]
    fn generated_files_and_folders_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        let mode = |p: PathBuf| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(dir.path().join(SIGNING)), 0o700);
        assert_eq!(mode(dir.path().join(SEALING)), 0o700);
        let pem = dir.path().join(SIGNING).join(format!("{}.pem", ring.signing.current_id()));
        let key = dir.path().join(SEALING).join(format!("{}.key", ring.sealing.current_id()));
        assert_eq!(mode(pem), 0o600);
        assert_eq!(mode(key), 0o600);
    }

    fn at(stamp: &str) -> DateTime<Utc> {
        NaiveDateTime::parse_from_str(stamp, ID_TIME_FORMAT).unwrap().and_utc()
    }

    #[test]
    fn key_ids_are_a_utc_timestamp_and_eight_hex_digits() {
        let id = new_key_id(at("20261124T120000Z"), None).unwrap();
        let (stamp, suffix) = id.split_once('-').unwrap();
        assert_eq!(stamp, "20261124T120000Z");
        assert_eq!(suffix.len(), 8);
        assert!(suffix.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn a_key_id_sorts_after_the_newest_even_within_the_same_second() {
        let now = at("20261124T120000Z");
        let newest = "20261124T120000Z-ffffffff";
        let id = new_key_id(now, Some(newest)).unwrap();
        assert!(id.starts_with("20261124T120001Z-"), "{id}");
        // A clock behind the newest key still yields a later id.
        let id = new_key_id(at("20200101T000000Z"), Some(newest)).unwrap();
        assert!(id.starts_with("20261124T120001Z-"), "{id}");
        let id = new_key_id(at("20261124T130000Z"), Some(newest)).unwrap();
        assert!(id.starts_with("20261124T130000Z-"), "{id}");
    }

    #[test]
    fn an_operator_id_that_sorts_last_forever_blocks_rotation() {
        let now = at("20261124T120000Z");
        assert!(new_key_id(now, Some("zz-operator")).is_err());
        assert!(new_key_id(now, Some("2025-operator")).is_ok());
    }

    #[test]
    fn rotation_adds_a_newest_key_and_keeps_the_old_ones() {
        let dir = tempfile::tempdir().unwrap();
        let before = KeyRing::load_or_generate(dir.path()).unwrap();
        let (signing, sealing) = rotate(dir.path()).unwrap();
        let (signing2, sealing2) = rotate(dir.path()).unwrap();
        let after = KeyRing::load(dir.path()).unwrap();

        assert_eq!(after.signing.current_id(), signing2);
        assert_eq!(after.sealing.current_id(), sealing2);
        assert_eq!(
            ids(&after.signing),
            vec![before.signing.current_id().to_owned(), signing, signing2]
        );
        assert_eq!(
            ids(&after.sealing),
            vec![before.sealing.current_id().to_owned(), sealing, sealing2]
        );
        assert!(after.signing.contains(before.signing.current_id()));
        assert!(after.sealing.get(before.sealing.current_id()).is_some());
    }

    #[test]
    fn load_refuses_an_empty_or_missing_set() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(KeyRing::load(dir.path()), Err(CryptoError::KeyStore(_))));
        fs::create_dir_all(dir.path().join(SIGNING)).unwrap();
        fs::create_dir_all(dir.path().join(SEALING)).unwrap();
        assert!(matches!(KeyRing::load(dir.path()), Err(CryptoError::KeyStore(_))));
    }

    #[test]
    fn load_rejects_a_corrupt_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        let key = dir.path().join(SEALING).join(format!("{}.key", ring.sealing.current_id()));
        fs::write(&key, "c2hvcnQ=\n").unwrap();
        assert!(matches!(KeyRing::load(dir.path()), Err(CryptoError::KeyStore(_))));
    }

    #[test]
    fn hidden_entries_and_other_extensions_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        let signing = dir.path().join(SIGNING);
        fs::create_dir(signing.join("..data")).unwrap();
        fs::write(signing.join(".half-written.pem.tmp"), "junk").unwrap();
        fs::write(signing.join("README.txt"), "junk").unwrap();
        let loaded = KeyRing::load(dir.path()).unwrap();
        assert_eq!(ids(&loaded.signing), ids(&ring.signing));
    }

    #[test]
    fn an_openssl_style_key_file_loads() {
        // `openssl genpkey -algorithm ed25519` writes PKCS#8 v1 like this.
        let dir = tempfile::tempdir().unwrap();
        KeyRing::load_or_generate(dir.path()).unwrap();
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let v1 = Ed25519KeyPair::generate_pkcs8v1(&rng).unwrap();
        let path = dir.path().join(SIGNING).join("99990101T000000Z-operator.pem");
        fs::write(&path, pem_encode(v1.as_ref())).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        let loaded = KeyRing::load(dir.path()).unwrap();
        assert_eq!(loaded.signing.current_id(), "99990101T000000Z-operator");
    }

    #[test]
    fn a_key_file_others_can_read_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        let path = dir.path().join(SEALING).join(format!("{}.key", ring.sealing.current_id()));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let error = KeyRing::load_or_generate(dir.path()).unwrap_err().to_string();
        assert!(error.contains("accessible to group or others"), "{error}");
        assert!(error.contains(&format!("chmod 600 {}", path.display())), "{error}");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        assert!(KeyRing::load(dir.path()).is_ok(), "read-only for the owner is fine");
    }

    #[test]
    fn generated_pem_is_accepted_by_jsonwebtoken() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        let pem =
            fs::read(dir.path().join(SIGNING).join(format!("{}.pem", ring.signing.current_id())))
                .unwrap();
        assert!(EncodingKey::from_ed_pem(&pem).is_ok());
        assert_eq!(ring.signing.current().1.public_key().len(), 32);
    }

    #[test]
    fn debug_shows_ids_but_no_key_material() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        let shown = format!("{ring:?}");
        assert!(shown.contains(ring.signing.current_id()));
        assert!(shown.contains(ring.sealing.current_id()));
        let sealing_file = fs::read_to_string(
            dir.path().join(SEALING).join(format!("{}.key", ring.sealing.current_id())),
        )
        .unwrap();
        assert!(!shown.contains(sealing_file.trim()));
        assert!(!shown.contains("BEGIN"));
    }

    #[test]
    fn concurrent_first_starts_share_one_key_per_set() {
        let dir = tempfile::tempdir().unwrap();
        let rings: Vec<KeyRing> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| KeyRing::load_or_generate(dir.path()).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for ring in &rings {
            assert_eq!(ids(&ring.signing), ids(&rings[0].signing));
            assert_eq!(ids(&ring.sealing).len(), 1);
        }
    }
}
