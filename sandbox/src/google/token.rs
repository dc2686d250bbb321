//! `POST /token`: redeems an authorization code (RFC 6749 §4.1.3 with
//! RFC 7636's PKCE check) for an access token and an ID token.
//!
//! Clients authenticate with `client_secret_post` or `client_secret_basic`.
//! A code is single-use: the first presentation by its client consumes it,
//! whatever the outcome. Errors are RFC 6749 §5.2 JSON.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::Fault;
use super::authorize::is_pkce_value;
use super::id_token;
use super::provider::{
    IssuedAccessToken, PendingCode, Provider, TOKEN_LIFETIME_SECS, random_token,
};

pub(super) async fn token(
    State(provider): State<Arc<Provider>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let faults = {
        let mut state = provider.lock();
        state.counts.token += 1;
        std::mem::take(&mut state.faults)
    };
    for fault in &faults {
        if let Fault::Latency(delay) = fault {
            tokio::time::sleep(*delay).await;
        }
    }
    if faults.contains(&Fault::ServerError) {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
    }
    match redeem(&provider, &headers, &body, &faults) {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

fn redeem(
    provider: &Provider,
    headers: &HeaderMap,
    body: &[u8],
    faults: &[Fault],
) -> Result<Response, TokenError> {
    let form = Form::parse(body)?;
    authenticate_client(provider, headers, &form)?;
    match form.get("grant_type") {
        None => return Err(TokenError::request("Missing grant_type.")),
        Some("authorization_code") => {}
        Some(_) => return Err(TokenError::new("unsupported_grant_type", "Unsupported grant.")),
    }
    let code = form.get("code").ok_or_else(|| TokenError::request("Missing code."))?;

    let now = provider.now();
    let mut state = provider.lock();
    let pending = state.codes.remove(code).ok_or_else(|| TokenError::grant("Bad code."))?;
    if pending.expires_at <= now || pending.client_id != provider.config.client_id {
        return Err(TokenError::grant("Bad code."));
    }
    if form.get("redirect_uri") != Some(pending.redirect_uri.as_str()) {
        return Err(TokenError::grant("redirect_uri does not match the authorization."));
    }
    if !verifier_matches(&pending, form.get("code_verifier")) {
        return Err(TokenError::grant("Invalid code verifier."));
    }

    let access_token = random_token("ya29.");
    let id_token = id_token::mint(provider, &pending, &access_token, faults, state.rotated, now)
        .map_err(|_| TokenError::new("server_error", "Could not sign the ID token."))?;
    state.access_tokens.retain(|_, issued| issued.expires_at > now);
    state.access_tokens.insert(
        access_token.clone(),
        IssuedAccessToken {
            identity: pending.identity.clone(),
            scope: pending.scope.clone(),
            expires_at: now + TOKEN_LIFETIME_SECS,
        },
    );
    let body = json!({
        "access_token": access_token,
        "expires_in": TOKEN_LIFETIME_SECS - 1,
        "token_type": "Bearer",
        "scope": pending.scope,
        "id_token": id_token,
    });
    Ok((no_store(), Json(body)).into_response())
}

/// RFC 6749 §2.3.1: exactly one of HTTP Basic (with form-encoded parts) or
/// `client_id` + `client_secret` in the body.
fn authenticate_client(
    provider: &Provider,
    headers: &HeaderMap,
    form: &Form,
) -> Result<(), TokenError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "));
    let (client_id, client_secret) = match basic {
        Some(credentials) => {
            if form.get("client_secret").is_some() {
                return Err(TokenError::request("Use one client authentication method."));
            }
            let decoded = STANDARD
                .decode(credentials.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(TokenError::client)?;
            let (id, secret) = decoded.split_once(':').ok_or_else(TokenError::client)?;
            let (id, secret) = (form_decode(id), form_decode(secret));
            if form.get("client_id").is_some_and(|body_id| body_id != id) {
                return Err(TokenError::client());
            }
            (id, secret)
        }
        None => {
            let id = form.get("client_id").ok_or_else(TokenError::client)?;
            let secret = form.get("client_secret").ok_or_else(TokenError::client)?;
            (id.to_owned(), secret.to_owned())
        }
    };
    if client_id != provider.config.client_id || client_secret != provider.config.client_secret {
        return Err(TokenError::client());
    }
    Ok(())
}

fn verifier_matches(pending: &PendingCode, verifier: Option<&str>) -> bool {
    let Some(verifier) = verifier.filter(|v| is_pkce_value(v)) else {
        return false;
    };
    match pending.code_challenge_method.as_str() {
        "S256" => {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == pending.code_challenge
        }
        _ => verifier == pending.code_challenge,
    }
}

fn form_decode(part: &str) -> String {
    url::form_urlencoded::parse(format!("x={part}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

fn no_store() -> [(header::HeaderName, &'static str); 2] {
    [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")]
}

/// The decoded `application/x-www-form-urlencoded` body; a repeated
/// parameter is a malformed request (RFC 6749 §3.2).
struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &[u8]) -> Result<Self, TokenError> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
        for (index, (name, _)) in pairs.iter().enumerate() {
            if pairs[..index].iter().any(|(earlier, _)| earlier == name) {
                return Err(TokenError::request("Repeated parameter."));
            }
        }
        Ok(Self(pairs))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// An RFC 6749 §5.2 error answer.
struct TokenError {
    status: StatusCode,
    error: &'static str,
    description: &'static str,
}

impl TokenError {
    fn new(error: &'static str, description: &'static str) -> Self {
        Self { status: StatusCode::BAD_REQUEST, error, description }
    }

    fn request(description: &'static str) -> Self {
        Self::new("invalid_request", description)
    }

    fn grant(description: &'static str) -> Self {
        Self::new("invalid_grant", description)
    }

    fn client() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: "The OAuth client was not found.",
        }
    }
}

impl IntoResponse for TokenError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        let mut response = (self.status, no_store(), Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Basic"));
        }
        response
    }
}
