//! `POST /di-oauth2-service/oauth/token` (GARMIN.md §2.4.2, §2.4.3).
//!
//! Clients authenticate with HTTP Basic `base64("<client_id>:")` — a known
//! DI client id and an EMPTY secret — and repeat the id as `client_id` in
//! the form. Two grants, by their exact literals:
//!
//! - the service-ticket grant: a ticket is single-use and a failed exchange
//!   burns it (whatever failed, the client id included: looping client ids
//!   over one ticket must not work, §0.1); it must be redeemed before it
//!   expires and with the `service_url` it was issued for;
//! - `refresh_token`: the token must be live and have been issued to the
//!   same client id; it rotates, so the old one stops working at once.
//!
//! Errors are Spring-OAuth JSON: 400 `invalid_request`, `invalid_grant`,
//! `unsupported_grant_type`; 401 `invalid_client`. Like Spring, refresh
//! errors repeat the token in `error_description` — never log them.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::services::DI_CLIENT_IDS;
use super::state::{Sandbox, State as Mutable};
use super::tokens;

/// The service-ticket grant's literal `grant_type` (garmin.com even for CN).
pub(crate) const SERVICE_TICKET_GRANT: &str =
    "https://connectapi.garmin.com/di-oauth2-service/oauth/grant/service_ticket";

pub(crate) async fn token(
    State(sandbox): State<Arc<Sandbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match exchange(&sandbox, &headers, &body) {
        Ok(reply) => (no_store(), Json(reply)).into_response(),
        Err(error) => error.into_response(),
    }
}

fn exchange(
    sandbox: &Sandbox,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<serde_json::Value, TokenError> {
    if !is_form(headers) {
        return Err(TokenError::request("Content type must be application/x-www-form-urlencoded"));
    }
    let form = Form::parse(body)?;
    let mut state = sandbox.lock();
    let client_id = match form.get("grant_type") {
        None => return Err(TokenError::request("Missing grant type")),
        Some(SERVICE_TICKET_GRANT) => {
            // Burnt before anything is checked: one presentation per ticket.
            let ticket = form.get("service_ticket").and_then(|t| state.tickets.remove(t));
            let client_id = authenticate(headers, &form)?;
            let ticket = ticket.ok_or_else(|| TokenError::grant("Invalid service ticket"))?;
            if ticket.expires_ms <= state.now_ms() {
                return Err(TokenError::grant("Service ticket has expired"));
            }
            if form.get("service_url") != Some(ticket.service.as_str()) {
                return Err(TokenError::grant("Service ticket was issued for another service"));
            }
            return issue(sandbox, &mut state, ticket.owner, &client_id);
        }
        Some("refresh_token") => authenticate(headers, &form)?,
        Some(other) => {
            return Err(TokenError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!("Unsupported grant type: {other}"),
            ));
        }
    };
    let presented =
        form.get("refresh_token").ok_or_else(|| TokenError::request("Missing refresh token"))?;
    let now = state.now_ms();
    let grant = match state.refresh_tokens.get(presented) {
        Some(grant) if grant.expires_ms > now => grant.clone(),
        _ => return Err(TokenError::grant(format!("Invalid refresh token: {presented}"))),
    };
    if grant.client_id != client_id {
        return Err(TokenError::grant(format!("Wrong client for this refresh token: {presented}")));
    }
    state.refresh_tokens.remove(presented);
    issue(sandbox, &mut state, grant.owner, &client_id)
}

fn issue(
    sandbox: &Sandbox,
    state: &mut Mutable,
    owner: i64,
    client_id: &str,
) -> Result<serde_json::Value, TokenError> {
    tokens::issue(state, &sandbox.signer, &sandbox.base_url, owner, client_id).map_err(|error| {
        tracing::error!(%error, "Garmin sandbox could not sign an access token");
        TokenError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "Signing failed".into())
    })
}

/// The client id of a Basic `client_id:` header that matches the form.
fn authenticate(headers: &HeaderMap, form: &Form) -> Result<String, TokenError> {
    let credentials = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(TokenError::client)?;
    let (id, secret) = credentials.split_once(':').ok_or_else(TokenError::client)?;
    let known = DI_CLIENT_IDS.contains(&id);
    if !known || !secret.is_empty() || form.get("client_id") != Some(id) {
        return Err(TokenError::client());
    }
    Ok(id.to_owned())
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

fn no_store() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}

/// The decoded form; a repeated parameter makes the request malformed.
struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &[u8]) -> Result<Self, TokenError> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
        for (index, (name, _)) in pairs.iter().enumerate() {
            if pairs[..index].iter().any(|(earlier, _)| earlier == name) {
                return Err(TokenError::request("Repeated parameter"));
            }
        }
        Ok(Self(pairs))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// A Spring-OAuth error answer.
struct TokenError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl TokenError {
    fn new(status: StatusCode, error: &'static str, description: String) -> Self {
        Self { status, error, description }
    }

    fn request(description: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description.to_owned())
    }

    fn grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description.into())
    }

    fn client() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", "Bad client credentials".to_owned())
    }
}

impl IntoResponse for TokenError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        let mut response = (self.status, no_store(), Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"oauth2/client\""),
            );
        }
        response
    }
}
