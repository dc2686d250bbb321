//! Access tokens: EdDSA-signed JWTs (`typ: at+jwt`, RFC 9068 shape) with a
//! `kid` naming the signing key.

use std::{collections::HashMap, fmt, sync::Mutex};

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{CryptoError, SigningKeys};

/// Clock skew tolerated between replicas when checking `exp` and `nbf`.
pub const CLOCK_LEEWAY_SECS: i64 = 10;

/// Tokens longer than this are rejected before any parsing.
const MAX_TOKEN_LEN: usize = 8 * 1024;

const TYP: &str = "at+jwt";

/// The claims of a Baton access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user.
    pub sub: Uuid,
    /// The session (refresh-token family) the token was issued for.
    pub sid: Uuid,
    /// The user's roles when the token was issued.
    pub roles: Vec<String>,
    /// Unique token id.
    pub jti: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
}

/// What is read from a token: our claims plus an optional `nbf` that we never
/// set but must honour if a token carries it.
#[derive(Deserialize)]
struct ReceivedClaims {
    #[serde(flatten)]
    claims: AccessClaims,
    nbf: Option<i64>,
}

/// How many verified tokens are remembered; past that the memory starts
/// afresh (a client holds one token for up to 15 minutes, so a replica
/// sees far fewer distinct live tokens than requests).
const VERIFIED_CAPACITY: usize = 16 * 1024;

/// Issues and verifies access tokens with one signing key set.
pub struct AccessTokens {
    keys: SigningKeys,
    issuer: String,
    audience: String,
    ttl: chrono::Duration,
    validation: Validation,
    /// Tokens whose signature and claims were checked, by SHA-256 of the
    /// token: a client sends the same token on every call, and checking an
    /// Ed25519 signature each time would dominate a cheap RPC. Only the
    /// time checks are repeated.
    verified: Mutex<HashMap<[u8; 32], Verified>>,
}

/// What a verified token said, for repeating the time checks.
#[derive(Clone)]
struct Verified {
    claims: AccessClaims,
    nbf: Option<i64>,
}

impl AccessTokens {
    /// Tokens signed by the newest key of `keys`, valid for `ttl`.
    pub fn new(keys: SigningKeys, issuer: String, audience: String, ttl: chrono::Duration) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        // Time is checked against the injected `now` in `verify`, not the
        // system clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        validation.set_issuer(&[&issuer]);
        validation.set_audience(&[&audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        Self { keys, issuer, audience, ttl, validation, verified: Mutex::default() }
    }

    /// Signs a token for `user_id` in session `session_id`; returns it with
    /// its expiry (`now` + ttl, whole seconds).
    pub fn issue(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        roles: Vec<String>,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), CryptoError> {
        let (kid, key) = self.keys.current();
        let iat = now.timestamp();
        let exp = now
            .checked_add_signed(self.ttl)
            .ok_or_else(|| CryptoError::Sign("token expiry out of range".into()))?
            .timestamp();
        let expires_at = DateTime::from_timestamp(exp, 0)
            .ok_or_else(|| CryptoError::Sign("token expiry out of range".into()))?;
        let claims = AccessClaims {
            sub: user_id,
            sid: session_id,
            roles,
            jti: Uuid::new_v4().to_string(),
            iat,
            exp,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(TYP.to_owned());
        header.kid = Some(kid.to_owned());
        let token = jsonwebtoken::encode(&header, &claims, &key.encoding)
            .map_err(|e| CryptoError::Sign(e.to_string()))?;
        Ok((token, expires_at))
    }

    /// Checks `token` completely and returns its claims: algorithm EdDSA
    /// only, `typ` at+jwt, a known `kid`, the signature, `iss`, `aud`, and
    /// `exp`/`nbf` against `now` (± [`CLOCK_LEEWAY_SECS`]). Every failure is
    /// the same [`CryptoError::InvalidToken`].
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, CryptoError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(CryptoError::InvalidToken);
        }
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let remembered = self.verified().get(&digest).cloned();
        let verified = match remembered {
            Some(verified) => verified,
            None => {
                let verified = self.check_signed(token)?;
                let mut memory = self.verified();
                if memory.len() >= VERIFIED_CAPACITY {
                    memory.clear();
                }
                memory.insert(digest, verified.clone());
                verified
            }
        };
        let now = now.timestamp();
        let expired = now >= verified.claims.exp.saturating_add(CLOCK_LEEWAY_SECS);
        let not_yet = verified.nbf.is_some_and(|nbf| now < nbf.saturating_sub(CLOCK_LEEWAY_SECS));
        if expired || not_yet {
            return Err(CryptoError::InvalidToken);
        }
        Ok(verified.claims)
    }

    fn verified(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Verified>> {
        self.verified.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Everything but the time: header, key, signature, issuer, audience.
    fn check_signed(&self, token: &str) -> Result<Verified, CryptoError> {
        // `alg: none` fails here already: jsonwebtoken has no such algorithm.
        let header = jsonwebtoken::decode_header(token).map_err(|_| CryptoError::InvalidToken)?;
        let typ_ok = header.typ.as_deref().is_some_and(|t| {
            t.eq_ignore_ascii_case(TYP) || t.eq_ignore_ascii_case("application/at+jwt")
        });
        if header.alg != Algorithm::EdDSA || !typ_ok || header.crit.is_some() {
            return Err(CryptoError::InvalidToken);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.keys.get(kid))
            .ok_or(CryptoError::InvalidToken)?;
        let received =
            jsonwebtoken::decode::<ReceivedClaims>(token, &key.decoding, &self.validation)
                .map_err(|_| CryptoError::InvalidToken)?
                .claims;
        Ok(Verified { claims: received.claims, nbf: received.nbf })
    }
}

impl fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessTokens")
            .field("keys", &self.keys)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use chrono::TimeZone;
    use jsonwebtoken::EncodingKey;
    use serde_json::json;

    use super::*;
    use crate::crypto::keys::{KeyRing, rotate};

    const ISS: &str = "https://baton.test";
    const AUD: &str = "baton-api";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
    }

    fn tokens_with(keys: SigningKeys, iss: &str, aud: &str) -> AccessTokens {
        AccessTokens::new(keys, iss.into(), aud.into(), chrono::Duration::minutes(15))
    }

    fn setup() -> (tempfile::TempDir, AccessTokens) {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        (dir, tokens_with(ring.signing, ISS, AUD))
    }

    fn issue(tokens: &AccessTokens) -> String {
        let roles = vec!["coach".to_owned()];
        tokens.issue(Uuid::new_v4(), Uuid::new_v4(), roles, now()).unwrap().0
    }

    /// Signs arbitrary header fields and claims with the current key.
    fn sign_raw(tokens: &AccessTokens, header: Header, claims: serde_json::Value) -> String {
        jsonwebtoken::encode(&header, &claims, &tokens.keys.current().1.encoding).unwrap()
    }

    fn valid_header(tokens: &AccessTokens) -> Header {
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(TYP.into());
        header.kid = Some(tokens.keys.current_id().into());
        header
    }

    fn valid_claims() -> serde_json::Value {
        json!({
            "sub": Uuid::new_v4(), "sid": Uuid::new_v4(), "roles": ["athlete"],
            "jti": "j", "iat": now().timestamp(), "exp": now().timestamp() + 900,
            "iss": ISS, "aud": AUD,
        })
    }

    fn rejected(tokens: &AccessTokens, token: &str) -> bool {
        matches!(tokens.verify(token, now()), Err(CryptoError::InvalidToken))
    }

    #[test]
    fn a_remembered_token_still_expires() {
        let (_dir, tokens) = setup();
        let token = issue(&tokens);
        assert!(tokens.verify(&token, now()).is_ok());
        assert!(tokens.verify(&token, now()).is_ok(), "the second check comes from memory");
        let later = now() + chrono::Duration::minutes(15) + chrono::Duration::seconds(11);
        assert!(matches!(tokens.verify(&token, later), Err(CryptoError::InvalidToken)));
    }

    #[test]
    fn a_tampered_copy_of_a_remembered_token_is_checked_afresh() {
        let (_dir, tokens) = setup();
        let token = issue(&tokens);
        tokens.verify(&token, now()).unwrap();
        let mut tampered = token.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(tokens.verify(&tampered, now()).is_err());
    }

    #[test]
    fn issued_token_verifies_with_its_claims() {
        let (_dir, tokens) = setup();
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let roles = vec!["coach".to_owned(), "admin".to_owned()];
        let (token, expires) = tokens.issue(user, session, roles.clone(), now()).unwrap();
        assert_eq!(expires, now() + chrono::Duration::minutes(15));

        let claims = tokens.verify(&token, now()).unwrap();
        assert_eq!((claims.sub, claims.sid, claims.roles), (user, session, roles));
        assert_eq!((claims.iss.as_str(), claims.aud.as_str()), (ISS, AUD));
        assert_eq!((claims.iat, claims.exp), (now().timestamp(), expires.timestamp()));

        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::EdDSA);
        assert_eq!(header.typ.as_deref(), Some("at+jwt"));
        assert_eq!(header.kid.as_deref(), Some(tokens.keys.current_id()));
    }

    #[test]
    fn each_token_has_its_own_jti() {
        let (_dir, tokens) = setup();
        let a = tokens.verify(&issue(&tokens), now()).unwrap();
        let b = tokens.verify(&issue(&tokens), now()).unwrap();
        assert_ne!(a.jti, b.jti);
    }

    #[test]
    fn expired_token_is_rejected() {
        let (_dir, tokens) = setup();
        let token = issue(&tokens);
        let within_leeway = now() + chrono::Duration::seconds(15 * 60 + CLOCK_LEEWAY_SECS - 1);
        assert!(tokens.verify(&token, within_leeway).is_ok());
        let later = now() + chrono::Duration::seconds(15 * 60 + CLOCK_LEEWAY_SECS);
        assert!(matches!(tokens.verify(&token, later), Err(CryptoError::InvalidToken)));
    }

    #[test]
    fn future_nbf_is_rejected() {
        let (_dir, tokens) = setup();
        let mut claims = valid_claims();
        claims["nbf"] = json!(now().timestamp() + 60);
        assert!(rejected(&tokens, &sign_raw(&tokens, valid_header(&tokens), claims)));
        let mut claims = valid_claims();
        claims["nbf"] = json!(now().timestamp());
        assert!(!rejected(&tokens, &sign_raw(&tokens, valid_header(&tokens), claims)));
    }

    #[test]
    fn tampered_payload_is_rejected() {
        let (_dir, tokens) = setup();
        let token = issue(&tokens);
        let parts: Vec<&str> = token.split('.').collect();
        let mut claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        claims["roles"] = json!(["admin"]);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        assert!(rejected(&tokens, &format!("{}.{payload}.{}", parts[0], parts[2])));
    }

    #[test]
    fn tampered_signature_is_rejected() {
        let (_dir, tokens) = setup();
        let token = issue(&tokens);
        let (message, signature) = token.rsplit_once('.').unwrap();
        let mut sig = URL_SAFE_NO_PAD.decode(signature).unwrap();
        sig[0] ^= 0x01;
        assert!(rejected(&tokens, &format!("{message}.{}", URL_SAFE_NO_PAD.encode(sig))));
        assert!(rejected(&tokens, &format!("{message}.")));
    }

    #[test]
    fn wrong_audience_or_issuer_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load_or_generate(dir.path()).unwrap();
        let ours = tokens_with(ring.signing.clone(), ISS, AUD);
        let other_aud = tokens_with(ring.signing.clone(), ISS, "other-api");
        let other_iss = tokens_with(ring.signing, "https://evil.test", AUD);
        assert!(rejected(&ours, &issue(&other_aud)));
        assert!(rejected(&ours, &issue(&other_iss)));
        assert!(!rejected(&ours, &issue(&ours)));
    }

    #[test]
    fn wrong_or_missing_typ_is_rejected() {
        let (_dir, tokens) = setup();
        let mut header = valid_header(&tokens);
        header.typ = Some("JWT".into());
        assert!(rejected(&tokens, &sign_raw(&tokens, header, valid_claims())));
        let mut header = valid_header(&tokens);
        header.typ = None;
        assert!(rejected(&tokens, &sign_raw(&tokens, header, valid_claims())));
        let mut header = valid_header(&tokens);
        header.typ = Some("AT+JWT".into());
        assert!(!rejected(&tokens, &sign_raw(&tokens, header, valid_claims())));
    }

    #[test]
    fn alg_none_is_rejected() {
        let (_dir, tokens) = setup();
        let header = json!({"alg": "none", "typ": TYP, "kid": tokens.keys.current_id()});
        let b64 = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let token = format!("{}.{}.", b64(&header), b64(&valid_claims()));
        assert!(rejected(&tokens, &token));
    }

    #[test]
    fn hs256_signed_with_the_public_key_is_rejected() {
        let (_dir, tokens) = setup();
        let mut header = valid_header(&tokens);
        header.alg = Algorithm::HS256;
        let secret = EncodingKey::from_secret(tokens.keys.current().1.public_key());
        let token = jsonwebtoken::encode(&header, &valid_claims(), &secret).unwrap();
        assert!(rejected(&tokens, &token));
    }

    #[test]
    fn unknown_or_missing_kid_is_rejected() {
        let (_dir, tokens) = setup();
        let mut header = valid_header(&tokens);
        header.kid = Some("20200101T000000Z-00000000".into());
        assert!(rejected(&tokens, &sign_raw(&tokens, header, valid_claims())));
        let mut header = valid_header(&tokens);
        header.kid = None;
        assert!(rejected(&tokens, &sign_raw(&tokens, header, valid_claims())));
    }

    #[test]
    fn missing_claims_are_rejected() {
        let (_dir, tokens) = setup();
        for claim in ["sub", "sid", "exp", "iss", "aud", "iat", "jti", "roles"] {
            let mut claims = valid_claims();
            claims.as_object_mut().unwrap().remove(claim);
            let token = sign_raw(&tokens, valid_header(&tokens), claims);
            assert!(rejected(&tokens, &token), "{claim}");
        }
    }

    #[test]
    fn garbage_is_rejected() {
        let (_dir, tokens) = setup();
        for token in ["", ".", "..", "a.b.c", "not a token", &"A".repeat(MAX_TOKEN_LEN + 1)] {
            assert!(rejected(&tokens, token), "{token}");
        }
    }

    #[test]
    fn token_from_an_older_key_verifies_after_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let before = tokens_with(KeyRing::load_or_generate(dir.path()).unwrap().signing, ISS, AUD);
        let old_token = issue(&before);
        let (new_id, _) = rotate(dir.path()).unwrap();
        let after = tokens_with(KeyRing::load(dir.path()).unwrap().signing, ISS, AUD);

        assert!(after.verify(&old_token, now()).is_ok());
        let new_token = issue(&after);
        let kid = jsonwebtoken::decode_header(&new_token).unwrap().kid;
        assert_eq!(kid.as_deref(), Some(new_id.as_str()));
        // A process that has not reloaded yet does not know the new key.
        assert!(rejected(&before, &new_token));
    }
}
