//! The JSON sign-in (GARMIN.md §2.3, §2.4.1): the sign-in page that sets
//! the cookies, `POST /{mobile|portal}/api/login`, and `/portal/sso/embed`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value};

use super::{reply, session};
use crate::garmin::services::{Flavour, client_logs_in_to};
use crate::garmin::state::{PendingMfa, Sandbox};

/// `GET /{mobile|portal}/sso/{locale}/sign-in`: the SPA shell; only its
/// cookies matter (and, for Cloudflare, that it was fetched like a browser).
pub(crate) async fn sign_in_page(
    State(sandbox): State<Arc<Sandbox>>,
    headers: HeaderMap,
) -> Response {
    let (id, _) = session::open(&mut sandbox.lock(), &headers);
    let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                <title>Garmin SSO Portal</title></head><body><div id=\"root\"></div></body></html>";
    let mut response = Html(page).into_response();
    session::set_cookie(&mut response, "SESSION", &id);
    session::set_edge_cookies(&mut response);
    response
}

/// `GET /portal/sso/embed`: 200 with an empty body (it only sets `__cflb`).
pub(crate) async fn portal_embed() -> Response {
    let mut response = StatusCode::OK.into_response();
    session::set_cookie(&mut response, "__cflb", &crate::garmin::state::random_token(24));
    response
}

pub(crate) async fn mobile(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Malformed> {
    login(&sandbox, Flavour::Mobile, query.as_deref(), &headers, &body)
}

pub(crate) async fn portal(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Malformed> {
    login(&sandbox, Flavour::Portal, query.as_deref(), &headers, &body)
}

fn login(
    sandbox: &Sandbox,
    flavour: Flavour,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Malformed> {
    let service = login_service(flavour, query)?;
    let credentials = Credentials::parse(&json_body(headers, body)?)?;
    let mut state = sandbox.lock();
    let (session_id, new_session) = session::open(&mut state, headers);
    let answer = |response| Ok(with_session(response, &session_id, new_session));
    let Some(account) = state.account_by_email(&credentials.username).cloned() else {
        return answer(reply::invalid_credentials());
    };
    // The bot check comes before the password is looked at.
    if account.captcha_required {
        return answer(reply::captcha_required());
    }
    if account.password != credentials.password {
        return answer(reply::invalid_credentials());
    }
    if account.mfa_code.is_some() {
        if flavour == Flavour::Portal {
            return answer(reply::error_envelope(StatusCode::OK, "427", "MFA required"));
        }
        let expires_ms = state.deadline(state.lifetimes.pending_mfa);
        let pending = PendingMfa { owner: account.profile_id(), service, expires_ms };
        if let Some(session) = state.sessions.get_mut(&session_id) {
            session.pending = Some(pending);
        }
        return answer(reply::mfa_required(&account));
    }
    let ticket = state.issue_ticket(account.profile_id(), &service);
    let mut response = reply::signed_in(&service, &ticket);
    session::set_signed_in_cookies(&mut response, &account.garmin_guid);
    answer(response)
}

fn with_session(mut response: Response, id: &str, new: bool) -> Response {
    if new {
        session::set_cookie(&mut response, "SESSION", id);
    }
    response
}

/// The `service` of a login or verify query whose `clientId`, `locale` and
/// `service` fit together.
pub(crate) fn login_service(flavour: Flavour, query: Option<&str>) -> Result<String, Malformed> {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let get = |name: &str| params.iter().find(|(key, _)| key == name).map(|(_, value)| value);
    let (Some(client_id), Some(locale), Some(service)) =
        (get("clientId"), get("locale"), get("service"))
    else {
        return Err(Malformed("clientId, locale and service are required"));
    };
    if locale.trim().is_empty() || !client_logs_in_to(flavour, client_id, service) {
        return Err(Malformed("Invalid client or service"));
    }
    Ok(service.clone())
}

/// The request's JSON object body.
pub(crate) fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Malformed> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(Malformed("Content-Type must be application/json"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(Malformed("Malformed JSON body")),
    }
}

/// A request the SSO cannot read: 400 `{"error": {"status-code": "400", …}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed(pub &'static str);

impl IntoResponse for Malformed {
    fn into_response(self) -> Response {
        reply::error_envelope(StatusCode::BAD_REQUEST, "400", self.0)
    }
}

/// The login body: all four fields, as both reference clients send them.
struct Credentials {
    username: String,
    password: String,
}

impl Credentials {
    fn parse(body: &Map<String, Value>) -> Result<Self, Malformed> {
        let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
        let well_formed = body.get("rememberMe").is_some_and(Value::is_boolean)
            && body.get("captchaToken").is_some_and(Value::is_string);
        match (text("username"), text("password")) {
            (Some(username), Some(password)) if well_formed => Ok(Self { username, password }),
            _ => Err(Malformed("username, password, rememberMe and captchaToken are required")),
        }
    }
}
