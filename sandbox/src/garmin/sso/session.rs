//! The SSO's `SESSION` cookie: it ties an MFA code to the login that asked
//! for it, so the verify call must come back with the login's cookie jar.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use crate::garmin::state::{SsoSession, State, random_hex, random_token};

/// How long an SSO conversation is remembered without activity.
const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// The value of cookie `name` in the request, if sent.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The request's live session id, or a new session's (`true` when new).
pub(crate) fn open(state: &mut State, headers: &HeaderMap) -> (String, bool) {
    let now = state.now_ms();
    state.sessions.retain(|_, session| session.expires_ms > now);
    let expires_ms = state.deadline(SESSION_LIFETIME);
    if let Some(id) = cookie(headers, "SESSION")
        && let Some(session) = state.sessions.get_mut(&id)
    {
        session.expires_ms = expires_ms;
        return (id, false);
    }
    let id = random_token(24);
    state.sessions.insert(id.clone(), SsoSession { expires_ms, pending: None });
    (id, true)
}

/// Adds `Set-Cookie: name=value; Path=/; HttpOnly; SameSite=Lax`.
pub(crate) fn set_cookie(response: &mut Response, name: &str, value: &str) {
    let cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The load-balancer and bot-management cookies Cloudflare adds to the
/// sign-in page (GARMIN.md §2.3 step 1). Nothing checks them.
pub(crate) fn set_edge_cookies(response: &mut Response) {
    set_cookie(response, "__VCAP_ID__", &random_hex(15));
    set_cookie(response, "__cf_bm", &random_token(32));
    set_cookie(response, "__cflb", &random_token(24));
    set_cookie(response, "_cfuvid", &random_token(32));
}

/// The cookies a successful sign-in sets (CAS ticket-granting ticket and friends).
pub(crate) fn set_signed_in_cookies(response: &mut Response, guid: &str) {
    let tgt = format!("TGT-{}-{}-cas", rand_digits(), random_token(36));
    set_cookie(response, "CASTGC", &tgt);
    set_cookie(response, "GARMIN-SSO", "1");
    set_cookie(response, "GARMIN-SSO-CUST-GUID", guid);
    set_cookie(response, "GMN_TRACKABLE", "1");
}

fn rand_digits() -> String {
    random_hex(4).chars().map(|c| char::from(b'0' + (c as u8) % 10)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; SESSION=abc; b=2"));
        assert_eq!(cookie(&headers, "SESSION").as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "SESS"), None);
    }
}
