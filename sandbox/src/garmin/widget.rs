//! Garmin's sign-in widget (GARMIN.md §0.1 "Sign in in the user's
//! browser", and the legacy HTML flow of §2.2), for an iframe or a popup on
//! the app's own page:
//!
//! `GET /sso/signin?id=gauth-widget&embedWidget=true&gauthHost=…&service=<Garmin service>&source=<app origin>&consumeServiceTicket=false`
//!
//! serves the email/password form; it posts back to the same URL, then (for
//! MFA accounts) the code form posts to `/sso/verifyMFA/loginEnterMfaCode`
//! with the same query. On success the ticket is issued for `service`
//! (normally `{sso}/sso/embed`) and the page posts
//!
//! ```json
//! {"type": "garmin-sso", "serviceTicket": "ST-…", "ticket": "ST-…", "serviceUrl": "<service>"}
//! ```
//!
//! with `postMessage` to `window.parent` (iframe) and `window.opener`
//! (popup), targeted at exactly the origin of `source`; nothing else ever
//! sees it. Without `embedWidget=true` (the "ticket paste" path) success is a
//! 302 to `{service}?ticket=ST-…`, whose address the user copies.
//!
//! The pages carry no `X-Frame-Options` or CSP, so any origin may frame
//! them, and no cookies: the form state rides in the `_csrf` field, since a
//! cross-site iframe may not be allowed third-party cookies.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::services::is_garmin_service;
use super::state::{Sandbox, State as Mutable, random_hex};
use super::widget_page as pages;

/// How long a served form stays usable.
const FORM_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// One widget conversation, by its `_csrf` value.
#[derive(Debug, Clone)]
pub(crate) struct WidgetLogin {
    pub expires_ms: i64,
    /// After a right password on an MFA account: who, and until when.
    pub pending_mfa: Option<(i64, i64)>,
}

/// The widget's query, checked.
struct Params {
    embed: bool,
    service: String,
    /// The origin of `source`: the only window that may receive the ticket.
    target_origin: Option<String>,
    /// The query as received, for the forms to post back with.
    query: String,
}

impl Params {
    fn parse(sandbox: &Sandbox, query: Option<&str>) -> Result<Self, Problem> {
        let query = query.unwrap_or_default().to_owned();
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let get = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, v)| v.as_str());
        let embed = get("embedWidget") == Some("true");
        let service = get("service").unwrap_or_default().to_owned();
        if !is_garmin_service(&sandbox.base_url, &service) {
            return Err(Problem("Invalid service."));
        }
        let target_origin = get("source").and_then(origin_of);
        if embed && target_origin.is_none() {
            return Err(Problem("Invalid source."));
        }
        Ok(Self { embed, service, target_origin, query })
    }

    fn action(&self, path: &str) -> String {
        format!("{path}?{}", self.query)
    }
}

/// A request the widget cannot serve: a 400 error page.
pub(crate) struct Problem(&'static str);

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        html(StatusCode::BAD_REQUEST, pages::problem(self.0))
    }
}

/// `scheme://host[:port]` of an http(s) URL.
fn origin_of(source: &str) -> Option<String> {
    let url = url::Url::parse(source).ok()?;
    let origin = url.origin();
    (matches!(url.scheme(), "http" | "https") && origin.is_tuple())
        .then(|| origin.ascii_serialization())
}

/// `GET /sso/signin`.
pub(crate) async fn page(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = match Params::parse(&sandbox, query.as_deref()) {
        Ok(params) => params,
        Err(problem) => return problem.into_response(),
    };
    let csrf = open(&mut sandbox.lock());
    html(StatusCode::OK, pages::sign_in(&params.action("/sso/signin"), &csrf, None))
}

#[derive(Deserialize)]
struct Credentials {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /sso/signin`: the credentials form.
pub(crate) async fn sign_in(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let params = match Params::parse(&sandbox, query.as_deref()) {
        Ok(params) => params,
        Err(problem) => return problem.into_response(),
    };
    let Ok(form) = parse_form::<Credentials>(&body) else {
        return Problem("Malformed form.").into_response();
    };
    let mut state = sandbox.lock();
    if !live_form(&state, &form.csrf) {
        return expired_form(&mut state, &params);
    }
    let account = state
        .account_by_email(&form.username)
        .filter(|account| account.password == form.password)
        .cloned();
    let Some(account) = account else {
        let error = Some("Invalid sign in. Check your email and password.");
        return html(
            StatusCode::OK,
            pages::sign_in(&params.action("/sso/signin"), &form.csrf, error),
        );
    };
    if account.mfa_code.is_some() {
        let until = state.deadline(state.lifetimes.pending_mfa);
        if let Some(login) = state.widget_logins.get_mut(&form.csrf) {
            login.pending_mfa = Some((account.profile_id(), until));
        }
        let action = params.action("/sso/verifyMFA/loginEnterMfaCode");
        let page =
            pages::mfa(&action, &form.csrf, &account.garmin_guid, &account.masked_email(), None);
        return html(StatusCode::OK, page);
    }
    state.widget_logins.remove(&form.csrf);
    signed_in(&mut state, &params, account.profile_id())
}

#[derive(Deserialize)]
struct Code {
    #[serde(default, rename = "mfa-code")]
    code: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// `POST /sso/verifyMFA/loginEnterMfaCode`: the code form. A wrong code
/// shows the form again on the same pending login.
pub(crate) async fn verify_mfa(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let params = match Params::parse(&sandbox, query.as_deref()) {
        Ok(params) => params,
        Err(problem) => return problem.into_response(),
    };
    let Ok(form) = parse_form::<Code>(&body) else {
        return Problem("Malformed form.").into_response();
    };
    let mut state = sandbox.lock();
    let now = state.now_ms();
    let pending = state
        .widget_logins
        .get(&form.csrf)
        .and_then(|login| login.pending_mfa)
        .filter(|(_, until)| *until > now);
    let account = pending.and_then(|(owner, _)| state.account(owner).cloned());
    let Some(account) = account else {
        state.widget_logins.remove(&form.csrf);
        return expired_form(&mut state, &params);
    };
    if account.mfa_code.as_deref() != Some(form.code.trim()) {
        let action = params.action("/sso/verifyMFA/loginEnterMfaCode");
        let error = Some("Invalid code. Please try again.");
        let page =
            pages::mfa(&action, &form.csrf, &account.garmin_guid, &account.masked_email(), error);
        return html(StatusCode::OK, page);
    }
    state.widget_logins.remove(&form.csrf);
    signed_in(&mut state, &params, account.profile_id())
}

#[derive(Deserialize)]
pub(crate) struct EmbedQuery {
    ticket: Option<String>,
}

/// `GET /sso/embed`: the legacy flow's first page, and where the
/// non-embedded widget sends the browser with its ticket.
pub(crate) async fn embed(Query(query): Query<EmbedQuery>) -> Response {
    html(StatusCode::OK, pages::embed(query.ticket.as_deref()))
}

/// Issues the ticket and hands it over (see the module docs).
fn signed_in(state: &mut Mutable, params: &Params, owner: i64) -> Response {
    let ticket = state.issue_ticket(owner, &params.service);
    let Ok(mut response_url) = url::Url::parse(&params.service) else {
        return Problem("Invalid service.").into_response();
    };
    response_url.query_pairs_mut().append_pair("ticket", &ticket);
    match (&params.target_origin, params.embed) {
        (Some(origin), true) => {
            let message = json!({
                "type": "garmin-sso",
                "serviceTicket": ticket,
                "ticket": ticket,
                "serviceUrl": params.service,
            });
            html(StatusCode::OK, pages::success(response_url.as_str(), &message, origin))
        }
        _ => {
            let mut response = StatusCode::FOUND.into_response();
            if let Ok(location) = HeaderValue::from_str(response_url.as_str()) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            no_store(&mut response);
            response
        }
    }
}

/// A new conversation's `_csrf`.
fn open(state: &mut Mutable) -> String {
    let now = state.now_ms();
    state.widget_logins.retain(|_, login| login.expires_ms > now);
    let csrf = random_hex(24);
    let expires_ms = state.deadline(FORM_LIFETIME);
    state.widget_logins.insert(csrf.clone(), WidgetLogin { expires_ms, pending_mfa: None });
    csrf
}

fn live_form(state: &Mutable, csrf: &str) -> bool {
    let now = state.now_ms();
    state.widget_logins.get(csrf).is_some_and(|login| login.expires_ms > now)
}

/// The sign-in form again, on a fresh conversation, saying why.
fn expired_form(state: &mut Mutable, params: &Params) -> Response {
    let csrf = open(state);
    let error = Some("Your sign-in expired. Please sign in again.");
    html(StatusCode::OK, pages::sign_in(&params.action("/sso/signin"), &csrf, error))
}

fn parse_form<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, ()> {
    let pairs: serde_json::Map<String, serde_json::Value> = url::form_urlencoded::parse(body)
        .into_owned()
        .map(|(key, value)| (key, serde_json::Value::String(value)))
        .collect();
    serde_json::from_value(serde_json::Value::Object(pairs)).map_err(|_| ())
}

fn no_store(response: &mut Response) {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    no_store(&mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn the_target_is_the_origin_of_source() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/garmin?x=1").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("https://baton.example").as_deref(), Some("https://baton.example"));
        assert_eq!(origin_of("javascript:alert(1)"), None);
        assert_eq!(origin_of("*"), None);
    }
}
