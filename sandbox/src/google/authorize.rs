//! `GET /authorize`: checks the request as Google does and, instead of a
//! login page, approves the current test identity at once.
//!
//! An unknown client or an unregistered redirect URI gets an error page and
//! never a redirect (RFC 6749 §4.1.2.1); every other problem is reported to
//! the redirect URI as `error=...` with the `state`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::AuthorizationRecord;
use super::provider::{CODE_LIFETIME_SECS, PendingCode, Provider, random_token};

pub(super) async fn authorize(
    State(provider): State<Arc<Provider>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let now = provider.now();
    let mut state = provider.lock();
    state.counts.authorize += 1;
    let param = |name: &str| params.get(name).filter(|value| !value.is_empty()).cloned();

    if param("client_id").as_deref() != Some(provider.config.client_id.as_str()) {
        return error_page("invalid_client", "The OAuth client was not found.");
    }
    let Some(redirect_uri) =
        param("redirect_uri").filter(|uri| provider.config.redirect_uris.contains(uri))
    else {
        return error_page("redirect_uri_mismatch", "The redirect URI is not registered.");
    };
    let record = AuthorizationRecord {
        response_type: param("response_type"),
        scope: param("scope"),
        state: param("state"),
        nonce: param("nonce"),
        code_challenge_method: param("code_challenge_method"),
        prompt: param("prompt"),
    };
    state.authorizations.push(record.clone());
    let reply = Reply { redirect_uri: &redirect_uri, state: record.state.as_deref() };

    if record.response_type.as_deref() != Some("code") {
        return reply.error("unsupported_response_type", "Only response_type=code is supported.");
    }
    let scope = record.scope.clone().unwrap_or_default();
    if !scope.split(' ').any(|scope| scope == "openid") {
        return reply.error("invalid_scope", "The scope must include openid.");
    }
    if record.state.is_none() {
        return reply.error("invalid_request", "Missing required parameter: state.");
    }
    let Some(nonce) = record.nonce.clone() else {
        return reply.error("invalid_request", "Missing required parameter: nonce.");
    };
    let Some(code_challenge) = param("code_challenge").filter(|c| is_pkce_value(c)) else {
        return reply.error("invalid_request", "Missing or malformed code_challenge.");
    };
    // RFC 7636 §4.3: the method defaults to "plain"; Google accepts both.
    let code_challenge_method = record.code_challenge_method.clone().unwrap_or("plain".to_owned());
    if !matches!(code_challenge_method.as_str(), "S256" | "plain") {
        return reply.error("invalid_request", "Unsupported code_challenge_method.");
    }
    if std::mem::take(&mut state.deny_next) {
        return reply.error("access_denied", "The user denied access.");
    }

    let code = random_token("4/0A");
    let pending = PendingCode {
        client_id: provider.config.client_id.clone(),
        redirect_uri: redirect_uri.clone(),
        scope: scope.clone(),
        nonce,
        code_challenge,
        code_challenge_method,
        identity: state.identity.clone(),
        expires_at: now + CODE_LIFETIME_SECS,
    };
    state.codes.retain(|_, pending| pending.expires_at > now);
    state.codes.insert(code.clone(), pending);
    reply.redirect(&[("code", &code), ("scope", &scope), ("authuser", "0"), ("prompt", "none")])
}

/// RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`.
pub(super) fn is_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// A redirect back to the client, carrying `state` when it was sent.
struct Reply<'a> {
    redirect_uri: &'a str,
    state: Option<&'a str>,
}

impl Reply<'_> {
    fn error(&self, error: &str, description: &str) -> Response {
        self.redirect(&[("error", error), ("error_description", description)])
    }

    fn redirect(&self, params: &[(&str, &str)]) -> Response {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(state) = self.state {
            query.append_pair("state", state);
        }
        query.extend_pairs(params);
        let separator = if self.redirect_uri.contains('?') { '&' } else { '?' };
        let location = format!("{}{separator}{}", self.redirect_uri, query.finish());
        (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
    }
}

fn error_page(error: &str, description: &str) -> Response {
    let body = format!(
        "<!doctype html><title>Error 400: {error}</title>\
         <h1>Access blocked: authorization error</h1><p>{description}</p><p>Error 400: {error}</p>"
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}
