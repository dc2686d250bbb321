//! The HTTP plumbing shared by discovery, JWKS and the token request: bounded
//! bodies and errors that never echo what the provider sent.

use reqwest::header::ACCEPT;
use serde::de::DeserializeOwned;

use super::GoogleError;

/// Larger answers than this are not a discovery document, key set or token
/// response; refuse them rather than buffer them.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// GETs `url` and parses its JSON; `what` names it in errors.
pub(super) async fn get_json<T: DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
    what: &str,
) -> Result<T, GoogleError> {
    let body = get(http, url, what).await?;
    parse(&body).ok_or_else(|| GoogleError::Unavailable(format!("{what} is malformed")))
}

/// GETs `url` (asking for JSON) and returns the body of a 2xx answer.
pub(super) async fn get(
    http: &reqwest::Client,
    url: &str,
    what: &str,
) -> Result<Vec<u8>, GoogleError> {
    let response = http
        .get(url)
        .header(ACCEPT, "application/json")
        .send()
        .await
        .map_err(|error| unreachable(what, error))?;
    let status = response.status();
    if !status.is_success() {
        return Err(GoogleError::Unavailable(format!("{what} answered HTTP {status}")));
    }
    read_body(response, what).await
}

/// The body, up to [`MAX_BODY_BYTES`].
pub(super) async fn read_body(
    mut response: reqwest::Response,
    what: &str,
) -> Result<Vec<u8>, GoogleError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| unreachable(what, error))? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(GoogleError::Unavailable(format!("{what} answer is too large")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses JSON, dropping serde's message: it may quote the body, and the
/// body may hold a token.
pub(super) fn parse<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

/// A transport failure, without the URL (it is configuration, not news).
pub(super) fn unreachable(what: &str, error: reqwest::Error) -> GoogleError {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    GoogleError::Unavailable(format!("{what}: {kind}"))
}
