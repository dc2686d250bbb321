//! DI OAuth2 tokens (GARMIN.md §2.4.2, §2.6): JWT-shaped access tokens
//! signed with a TEST key, opaque rotating refresh tokens, and the bearer
//! check connectapi applies.
//!
//! The stand-in looks tokens up rather than verifying signatures, so a token
//! is live exactly while its record is: `expire_access_tokens` and
//! `revoke_refresh_tokens` act on the records.

use axum::http::{HeaderMap, header};
use jsonwebtoken::{Algorithm, Header};
use serde::Serialize;
use serde_json::{Value, json};

use super::state::{Grant, State, random_token};

/// The key id in the access tokens' JWT header.
pub const KID: &str = "baton-sandbox-garmin-1";

const SCOPES: [&str; 12] = [
    "ATP_READ",
    "ATP_WRITE",
    "COMMUNITY_COURSE_READ",
    "COMMUNITY_COURSE_WRITE",
    "CONNECT_READ",
    "CONNECT_WRITE",
    "DT_CLIENT_ANALYTICS_WRITE",
    "GARMINPAY_READ",
    "GARMINPAY_WRITE",
    "GOLF_API_READ",
    "INSIGHTS_READ",
    "INSIGHTS_WRITE",
];

#[derive(Serialize)]
struct Claims<'a> {
    scope: [&'static str; 12],
    iss: String,
    exp: i64,
    iat: i64,
    garmin_guid: &'a str,
    jti: &'a str,
    client_id: &'a str,
}

/// Issues an access and a refresh token for `owner` under `client_id` and
/// returns the token endpoint's JSON reply.
pub(crate) fn issue(
    state: &mut State,
    signer: &jsonwebtoken::EncodingKey,
    issuer: &str,
    owner: i64,
    client_id: &str,
) -> Result<Value, jsonwebtoken::errors::Error> {
    let now_ms = state.now_ms();
    let iat = now_ms / 1000;
    let access_secs = i64::try_from(state.lifetimes.access_token.as_secs()).unwrap_or(i64::MAX);
    let refresh_secs = i64::try_from(state.lifetimes.refresh_token.as_secs()).unwrap_or(i64::MAX);
    let exp = iat.saturating_add(access_secs);
    let guid = state.account(owner).map(|a| a.garmin_guid.clone()).unwrap_or_default();
    let jti = uuid::Uuid::new_v4().to_string();
    let claims = Claims {
        scope: SCOPES,
        iss: format!("{issuer}/di-oauth2-service"),
        exp,
        iat,
        garmin_guid: &guid,
        jti: &jti,
        client_id,
    };
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    let access_token = jsonwebtoken::encode(&header, &claims, signer)?;
    let refresh_token = random_token(48);

    state.access_tokens.retain(|_, grant| grant.expires_ms > now_ms);
    state.refresh_tokens.retain(|_, grant| grant.expires_ms > now_ms);
    let client_id = client_id.to_owned();
    // The record expires exactly when the JWT's `exp` says.
    let access = Grant { owner, client_id: client_id.clone(), expires_ms: exp * 1000 };
    state.access_tokens.insert(access_token.clone(), access);
    let refresh_expires = state.deadline(state.lifetimes.refresh_token);
    let refresh = Grant { owner, client_id, expires_ms: refresh_expires };
    state.refresh_tokens.insert(refresh_token.clone(), refresh);
    state.issued.push((owner, access_token.clone()));
    state.issued.push((owner, refresh_token.clone()));

    Ok(json!({
        "scope": SCOPES.join(" "),
        "jti": jti,
        "access_token": access_token,
        "token_type": "bearer",
        "refresh_token": refresh_token,
        "expires_in": access_secs,
        "refresh_token_expires_in": refresh_secs,
    }))
}

/// The profile id behind a live `Authorization: Bearer …` token.
pub(crate) fn bearer_owner(state: &State, headers: &HeaderMap) -> Option<i64> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let grant = state.access_tokens.get(token.trim())?;
    let live = grant.expires_ms > state.now_ms() && state.account(grant.owner).is_some();
    live.then_some(grant.owner)
}
