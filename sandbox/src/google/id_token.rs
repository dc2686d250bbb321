//! Mints the ID token for a redeemed code, with Google's claims, and bends
//! it as the injected faults ask.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Fault;
use super::provider::{PendingCode, Provider, TOKEN_LIFETIME_SECS, random_token};

const OTHER_CLIENT: &str = "someone-else.apps.googleusercontent.com";

#[derive(Serialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: String,
    azp: String,
    aud: Audience,
    sub: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_verified: Option<bool>,
    at_hash: String,
    nonce: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    picture: Option<&'a str>,
    iat: u64,
    exp: u64,
}

/// The signed ID token for `code`, as of `now` (Unix seconds).
pub(super) fn mint(
    provider: &Provider,
    code: &PendingCode,
    access_token: &str,
    faults: &[Fault],
    rotated: bool,
    now: u64,
) -> Result<String, jsonwebtoken::errors::Error> {
    let identity = &code.identity;
    let scopes: Vec<&str> = code.scope.split(' ').collect();
    let with_email = scopes.contains(&"email");
    let with_profile = scopes.contains(&"profile");
    let mut claims = Claims {
        iss: provider.issuer.clone(),
        azp: code.client_id.clone(),
        aud: Audience::One(code.client_id.clone()),
        sub: &identity.sub,
        email: with_email.then_some(identity.email.as_str()),
        email_verified: with_email.then_some(identity.email_verified),
        at_hash: at_hash(access_token),
        nonce: code.nonce.clone(),
        name: identity.name.as_deref().filter(|_| with_profile),
        picture: identity.picture.as_deref().filter(|_| with_profile),
        iat: now,
        exp: now + TOKEN_LIFETIME_SECS,
    };
    let active = provider.keys.active(rotated);
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(active.kid.to_owned());
    let mut key: &EncodingKey = &active.encoding;
    let secret_key = EncodingKey::from_secret(provider.config.client_secret.as_bytes());
    for fault in faults {
        match fault {
            Fault::WrongNonce => claims.nonce = random_token("n-"),
            Fault::WrongAudience => {
                claims.aud = Audience::One(OTHER_CLIENT.to_owned());
                claims.azp = OTHER_CLIENT.to_owned();
            }
            Fault::ForeignAuthorizedParty => {
                claims.aud = Audience::Many(vec![code.client_id.clone(), OTHER_CLIENT.to_owned()]);
                claims.azp = OTHER_CLIENT.to_owned();
            }
            Fault::WrongIssuer => claims.iss = "https://issuer.invalid".to_owned(),
            Fault::Expired => {
                claims.iat = now.saturating_sub(2 * TOKEN_LIFETIME_SECS);
                claims.exp = now.saturating_sub(TOKEN_LIFETIME_SECS);
            }
            Fault::BadSignature => key = &provider.keys.forger(rotated).encoding,
            Fault::SymmetricAlgorithm => {
                header.alg = Algorithm::HS256;
                key = &secret_key;
            }
            Fault::ServerError | Fault::Latency(_) => {}
        }
    }
    jsonwebtoken::encode(&header, &claims, key)
}

/// OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url.
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}
