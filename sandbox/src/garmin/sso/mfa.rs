//! `POST /{mobile|portal}/api/mfa/verifyCode` (GARMIN.md §2.3 step 3,
//! §2.4.1): finishes a login that answered `MFA_REQUIRED`.
//!
//! The pending login is found by the `SESSION` cookie the login set, so the
//! verify must reuse the login's cookie jar. Either path's verify may finish
//! it (python-garminconnect retries on the other path with that path's
//! query); the ticket is for the service the login named. A wrong code
//! answers 400 `INVALID_MFA_CODE` and leaves the login pending for another
//! try (§0.1); a missing, unknown or expired one answers 401 `SESSION_EXPIRED`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::login::{Malformed, json_body, login_service};
use super::{reply, session};
use crate::garmin::services::Flavour;
use crate::garmin::state::Sandbox;

pub(crate) async fn mobile(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Malformed> {
    verify(&sandbox, Flavour::Mobile, query.as_deref(), &headers, &body)
}

pub(crate) async fn portal(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Malformed> {
    verify(&sandbox, Flavour::Portal, query.as_deref(), &headers, &body)
}

fn verify(
    sandbox: &Sandbox,
    flavour: Flavour,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Malformed> {
    login_service(flavour, query)?;
    let submitted = Submission::parse(&json_body(headers, body)?)?;
    let mut state = sandbox.lock();
    let now = state.now_ms();
    let pending = session::cookie(headers, "SESSION")
        .and_then(|id| state.sessions.get_mut(&id))
        .and_then(|session| {
            // An expired pending login is gone for good.
            session.pending.take_if(|pending| pending.expires_ms <= now);
            session.pending.clone()
        });
    let expired =
        || reply::refused(StatusCode::UNAUTHORIZED, "SESSION_EXPIRED", "mfaSessionExpired");
    let Some(pending) = pending else {
        return Ok(expired());
    };
    let Some(account) = state.account(pending.owner).cloned() else {
        return Ok(expired());
    };
    if submitted.method != "email" {
        return Ok(reply::refused(
            StatusCode::BAD_REQUEST,
            "INVALID_MFA_METHOD",
            "mfaMethodInvalid",
        ));
    }
    if account.mfa_code.as_deref() != Some(submitted.code.trim()) {
        return Ok(reply::refused(StatusCode::BAD_REQUEST, "INVALID_MFA_CODE", "mfaCodeInvalid"));
    }
    if let Some(session) =
        session::cookie(headers, "SESSION").and_then(|id| state.sessions.get_mut(&id))
    {
        session.pending = None;
    }
    let ticket = state.issue_ticket(pending.owner, &pending.service);
    let mut response = reply::mfa_verified(&pending.service, &ticket);
    session::set_signed_in_cookies(&mut response, &account.garmin_guid);
    Ok(response)
}

/// The verify body, with the five fields both reference clients send.
struct Submission {
    method: String,
    code: String,
}

impl Submission {
    fn parse(body: &Map<String, Value>) -> Result<Self, Malformed> {
        let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
        let well_formed = body.get("rememberMyBrowser").is_some_and(Value::is_boolean)
            && body.get("reconsentList").is_some_and(Value::is_array)
            && body.get("mfaSetup").is_some_and(Value::is_boolean);
        match (text("mfaMethod"), text("mfaVerificationCode")) {
            (Some(method), Some(code)) if well_formed => Ok(Self { method, code }),
            _ => Err(Malformed(
                "mfaMethod, mfaVerificationCode, rememberMyBrowser, reconsentList and mfaSetup are required",
            )),
        }
    }
}
