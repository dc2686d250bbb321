//! ID-token verification (OIDC Core §3.1.3.7): RS256 only, signature by the
//! JWKS key named in the header, `iss`, `aud`/`azp`, `exp`/`iat`/`nbf`
//! against the caller's clock, and the login's `nonce`.

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Deserializer};

use super::{GOOGLE_ISSUER, GoogleError, GoogleIdentity};

/// Tolerated clock difference between Baton and the provider.
const CLOCK_SKEW_SECS: i64 = 60;
/// OIDC Core §2: `sub` is at most 255 ASCII characters.
const MAX_SUBJECT_LEN: usize = 255;

/// What the token must say for this sign-in.
pub(super) struct Expected<'a> {
    pub issuers: &'a [String],
    pub client_id: &'a str,
    pub nonce: &'a str,
    pub now: DateTime<Utc>,
}

/// The issuers an ID token of `configured` may name: Google's tokens carry
/// `https://accounts.google.com` or `accounts.google.com`; any other issuer
/// must match exactly.
pub(super) fn accepted_issuers(configured: &str) -> Vec<String> {
    if configured == GOOGLE_ISSUER {
        vec![GOOGLE_ISSUER.to_owned(), "accounts.google.com".to_owned()]
    } else {
        vec![configured.to_owned()]
    }
}

/// The `kid` of an RS256 token; any other algorithm is refused before a key
/// is looked up.
pub(super) fn key_id(id_token: &str) -> Result<String, GoogleError> {
    let header =
        jsonwebtoken::decode_header(id_token).map_err(|_| rejected("malformed ID token"))?;
    if header.alg != Algorithm::RS256 {
        return Err(rejected("ID token is not RS256"));
    }
    header.kid.ok_or_else(|| rejected("ID token names no key"))
}

/// Verifies `id_token` with `jwk` and returns who signed in.
pub(super) fn verify(
    id_token: &str,
    jwk: &Jwk,
    expected: &Expected<'_>,
) -> Result<GoogleIdentity, GoogleError> {
    let key = rs256_key(jwk)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(expected.issuers);
    validation.set_audience(&[expected.client_id]);
    validation.set_required_spec_claims(&["iss", "aud", "sub", "exp"]);
    // Time is checked against the caller's clock in `check`.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let claims = jsonwebtoken::decode::<Claims>(id_token, &key, &validation)
        .map_err(|error| rejected(describe(error.kind())))?
        .claims;
    check(claims, expected)
}

fn rs256_key(jwk: &Jwk) -> Result<DecodingKey, GoogleError> {
    let usable = matches!(jwk.algorithm, AlgorithmParameters::RSA(_))
        && jwk.common.key_algorithm.is_none_or(|alg| alg == KeyAlgorithm::RS256)
        && jwk.common.public_key_use.as_ref().is_none_or(|usage| *usage == PublicKeyUse::Signature);
    if !usable {
        return Err(rejected("ID token names a key that is not an RS256 signing key"));
    }
    DecodingKey::from_jwk(jwk).map_err(|_| rejected("the provider's key is unusable"))
}

fn describe(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidSignature => "ID token signature does not verify",
        ErrorKind::InvalidIssuer => "ID token is from another issuer",
        ErrorKind::InvalidAudience => "ID token is for another client",
        ErrorKind::InvalidAlgorithm => "ID token is not RS256",
        ErrorKind::MissingRequiredClaim(_) => "ID token lacks a required claim",
        _ => "malformed ID token",
    }
}

/// The claims Baton reads; `iss`, `aud` and the signature are already
/// checked by the time these are looked at.
#[derive(Debug, Deserialize)]
pub(super) struct Claims {
    sub: String,
    #[serde(deserialize_with = "one_or_many")]
    aud: Vec<String>,
    azp: Option<String>,
    exp: i64,
    iat: i64,
    nbf: Option<i64>,
    nonce: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "bool_or_string")]
    email_verified: bool,
    name: Option<String>,
    picture: Option<String>,
}

/// Everything §3.1.3.7 asks beyond signature, issuer and audience membership.
fn check(claims: Claims, expected: &Expected<'_>) -> Result<GoogleIdentity, GoogleError> {
    let now = expected.now.timestamp();
    if claims.exp + CLOCK_SKEW_SECS < now {
        return Err(rejected("ID token has expired"));
    }
    if claims.iat > now + CLOCK_SKEW_SECS || claims.iat > claims.exp {
        return Err(rejected("ID token is issued in the future"));
    }
    if claims.nbf.is_some_and(|nbf| nbf > now + CLOCK_SKEW_SECS) {
        return Err(rejected("ID token is not valid yet"));
    }
    let several_audiences = claims.aud.len() > 1;
    match claims.azp.as_deref() {
        Some(azp) if azp != expected.client_id => {
            return Err(rejected("ID token was issued to another party"));
        }
        None if several_audiences => return Err(rejected("ID token names no authorized party")),
        _ => {}
    }
    let nonce_matches = claims.nonce.as_deref().is_some_and(|nonce| {
        !expected.nonce.is_empty()
            && aws_lc_rs::constant_time::verify_slices_are_equal(
                nonce.as_bytes(),
                expected.nonce.as_bytes(),
            )
            .is_ok()
    });
    if !nonce_matches {
        return Err(rejected("ID token belongs to another login (nonce)"));
    }
    if claims.sub.is_empty() || claims.sub.len() > MAX_SUBJECT_LEN || !claims.sub.is_ascii() {
        return Err(rejected("ID token has an unusable subject"));
    }
    Ok(GoogleIdentity {
        subject: claims.sub,
        email: claims.email,
        email_verified: claims.email_verified,
        name: claims.name,
        picture: claims.picture,
    })
}

/// Google has sent `email_verified` both as a boolean and as `"true"`.
fn bool_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    Ok(match Flag::deserialize(deserializer)? {
        Flag::Bool(flag) => flag,
        Flag::Text(text) => text.eq_ignore_ascii_case("true"),
    })
}

/// `aud` is a string or an array of strings (RFC 7519 §4.1.3).
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Audience {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Audience::deserialize(deserializer)? {
        Audience::One(audience) => vec![audience],
        Audience::Many(audiences) => audiences,
    })
}

fn rejected(why: &str) -> GoogleError {
    GoogleError::Rejected(why.to_owned())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    const CLIENT: &str = "baton.apps.googleusercontent.com";
    const NOW: i64 = 1_800_000_000;

    fn claims(overrides: serde_json::Value) -> Claims {
        let mut value = json!({
            "sub": "1234", "aud": CLIENT, "azp": CLIENT, "iat": NOW - 5, "exp": NOW + 3595,
            "nonce": "n-1", "email": "a@example.com", "email_verified": true,
        });
        for (key, field) in overrides.as_object().unwrap() {
            if field.is_null() {
                value.as_object_mut().unwrap().remove(key);
            } else {
                value[key] = field.clone();
            }
        }
        serde_json::from_value(value).unwrap()
    }

    fn check_at(claims: Claims, now: i64) -> Result<GoogleIdentity, GoogleError> {
        let issuers = accepted_issuers(GOOGLE_ISSUER);
        let expected = Expected {
            issuers: &issuers,
            client_id: CLIENT,
            nonce: "n-1",
            now: Utc.timestamp_opt(now, 0).unwrap(),
        };
        check(claims, &expected)
    }

    #[test]
    fn googles_issuer_is_accepted_with_and_without_scheme_and_others_exactly() {
        assert_eq!(accepted_issuers(GOOGLE_ISSUER), [GOOGLE_ISSUER, "accounts.google.com"]);
        assert_eq!(accepted_issuers("http://127.0.0.1:9090"), ["http://127.0.0.1:9090"]);
    }

    #[test]
    fn valid_claims_give_the_identity() {
        let identity = check_at(claims(json!({})), NOW).unwrap();
        assert_eq!(identity.subject, "1234");
        assert!(identity.email_verified);
        assert_eq!(identity.name, None);
    }

    #[test]
    fn expiry_allows_a_minute_of_clock_skew_and_no_more() {
        assert!(check_at(claims(json!({})), NOW + 3595 + 60).is_ok());
        assert!(matches!(
            check_at(claims(json!({})), NOW + 3595 + 61),
            Err(GoogleError::Rejected(_))
        ));
    }

    #[test]
    fn a_token_issued_in_the_future_is_rejected() {
        assert!(check_at(claims(json!({"iat": NOW + 120})), NOW).is_err());
        assert!(check_at(claims(json!({"nbf": NOW + 120})), NOW).is_err());
    }

    #[test]
    fn several_audiences_need_our_client_as_authorized_party() {
        let many = json!([CLIENT, "other"]);
        assert!(check_at(claims(json!({"aud": many, "azp": null})), NOW).is_err());
        assert!(check_at(claims(json!({"aud": many, "azp": "other"})), NOW).is_err());
        assert!(check_at(claims(json!({"aud": many})), NOW).is_ok());
        assert!(check_at(claims(json!({"azp": null})), NOW).is_ok());
    }

    #[test]
    fn a_missing_or_different_nonce_is_rejected() {
        assert!(check_at(claims(json!({"nonce": null})), NOW).is_err());
        assert!(check_at(claims(json!({"nonce": "n-2"})), NOW).is_err());
    }

    #[test]
    fn an_empty_or_oversized_subject_is_rejected() {
        assert!(check_at(claims(json!({"sub": ""})), NOW).is_err());
        assert!(check_at(claims(json!({"sub": "9".repeat(256)})), NOW).is_err());
    }

    #[test]
    fn email_verified_may_be_a_string_and_defaults_to_false() {
        assert!(check_at(claims(json!({"email_verified": "true"})), NOW).unwrap().email_verified);
        assert!(!check_at(claims(json!({"email_verified": null})), NOW).unwrap().email_verified);
    }

    #[test]
    fn only_rs256_headers_with_a_kid_pass() {
        // {"alg":"HS256","kid":"k"} and {"alg":"RS256"} with empty payload and signature.
        assert!(key_id("eyJhbGciOiJIUzI1NiIsImtpZCI6ImsifQ.e30.c2ln").is_err());
        assert!(key_id("eyJhbGciOiJSUzI1NiJ9.e30.c2ln").is_err());
        assert_eq!(key_id("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.e30.c2ln").unwrap(), "k");
    }
}
