//! Signing in with the Garmin email and password (GARMIN.md §2.4.1
//! strategy 1, the mobile JSON login, with §2.3's responses): one cookie jar
//! for the whole conversation, browser headers only on the sign-in page,
//! the mobile app's headers on the JSON calls (§0.1). MFA is the normal
//! case: the pending sign-in (its SSO cookies) is handed back to be stored
//! and resumed, on any server, when the code arrives; a wrong code leaves
//! it usable.

use reqwest::header::{self, HeaderName};
use serde::{Deserialize, Serialize};

use super::{
    client::{GarminClient, MOBILE_SERVICE, MOBILE_USER_AGENT, SSO_CLIENT_ID},
    error::{GarminError, GarminResult},
    http::Answer,
    transport::SignInRequest,
};

/// A sign-in waiting for its MFA code. Holds Garmin session cookies: a
/// secret, sealed when stored.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingSignIn {
    cookies: Vec<(String, String)>,
    /// Garmin's `mfaLastMethodUsed` ("email", "phone", ...).
    pub mfa_method: String,
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("mfa_method", &self.mfa_method)
            .finish_non_exhaustive()
    }
}

/// A service ticket and the service URL it was issued for (it can only be
/// redeemed with that one).
#[derive(Debug, Clone)]
pub struct Ticket {
    pub ticket: String,
    pub service_url: String,
}

/// Where a password sign-in got to.
#[derive(Debug)]
pub enum SignIn {
    Done(Ticket),
    MfaRequired(PendingSignIn),
}

/// Garmin's JSON answer to a login or a code (GARMIN.md §2.3).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct LoginAnswer {
    service_ticket_id: Option<String>,
    #[serde(rename = "serviceURL")]
    service_url: Option<String>,
    response_status: Option<ResponseStatus>,
    customer_mfa_info: Option<MfaInfo>,
    error: Option<ErrorStatus>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResponseStatus {
    r#type: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct MfaInfo {
    mfa_last_method_used: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ErrorStatus {
    #[serde(rename = "status-code")]
    status_code: String,
}

impl GarminClient {
    /// Signs in with `email` and `password` (used for this call only).
    pub async fn sign_in(&self, email: &str, password: &str) -> GarminResult<SignIn> {
        let mut cookies = Vec::new();
        self.sign_in_page(&mut cookies).await;
        let body = serde_json::json!({
            "username": email,
            "password": password,
            "rememberMe": true,
            "captchaToken": "",
        });
        let answer = self.mobile_call("/mobile/api/login", &cookies, &body).await?;
        remember_cookies(&mut cookies, &answer.set_cookies);
        let login = read_login(&answer)?;
        let kind = login.response_status.as_ref().map(|status| status.r#type.as_str());
        let mfa = kind == Some("MFA_REQUIRED")
            || login.error.as_ref().is_some_and(|error| error.status_code == "427");
        if mfa {
            let mfa_method = login
                .customer_mfa_info
                .and_then(|info| info.mfa_last_method_used)
                .unwrap_or_else(|| "email".to_owned());
            return Ok(SignIn::MfaRequired(PendingSignIn { cookies, mfa_method }));
        }
        ticket_of(login, &answer).map(SignIn::Done)
    }

    /// Finishes a sign-in with the MFA code Garmin sent. On a wrong code
    /// the same pending sign-in may be tried again.
    pub async fn submit_mfa(
        &self,
        pending: &mut PendingSignIn,
        code: &str,
    ) -> GarminResult<Ticket> {
        let body = serde_json::json!({
            "mfaMethod": pending.mfa_method,
            "mfaVerificationCode": code,
            "rememberMyBrowser": true,
            "reconsentList": [],
            "mfaSetup": false,
        });
        let answer =
            self.mobile_call("/mobile/api/mfa/verifyCode", &pending.cookies, &body).await?;
        remember_cookies(&mut pending.cookies, &answer.set_cookies);
        match read_login(&answer) {
            Ok(login) if login.service_ticket_id.is_some() => ticket_of(login, &answer),
            Ok(_) | Err(GarminError::WrongPassword) => Err(GarminError::WrongMfaCode),
            Err(other) => Err(other),
        }
    }

    /// The sign-in page, for its cookies, with a browser's headers
    /// (GARMIN.md §2.3): the only SSO call that looks like a page load.
    /// Best effort: the JSON login works without it.
    async fn sign_in_page(&self, cookies: &mut Vec<(String, String)>) {
        let Ok(mut url) = Self::url(&self.config.sso_url, "/mobile/sso/en/sign-in") else { return };
        url.query_pairs_mut().append_pair("clientId", SSO_CLIENT_ID);
        let request = SignInRequest::get(url, self.config.auth_timeout)
            .header(header::USER_AGENT, MOBILE_USER_AGENT)
            .header(
                header::ACCEPT,
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            )
            .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
            .header(HeaderName::from_static("sec-fetch-mode"), "navigate")
            .header(HeaderName::from_static("sec-fetch-dest"), "document")
            .header(HeaderName::from_static("sec-fetch-site"), "none");
        if let Ok(answer) = self.sign_in.send(request).await {
            remember_cookies(cookies, &answer.set_cookies);
        }
    }

    /// A JSON call of the mobile login with the mobile app's headers
    /// (GARMIN.md §2.4.1): its User-Agent, a JSON `Accept`, the SSO
    /// `Origin`, and the session's cookies.
    async fn mobile_call(
        &self,
        path: &str,
        cookies: &[(String, String)],
        body: &serde_json::Value,
    ) -> GarminResult<Answer> {
        let mut url = Self::url(&self.config.sso_url, path)?;
        url.query_pairs_mut()
            .append_pair("clientId", SSO_CLIENT_ID)
            .append_pair("locale", "en-US")
            .append_pair("service", MOBILE_SERVICE);
        let mut request = SignInRequest::post(url, self.config.auth_timeout)
            .header(header::USER_AGENT, MOBILE_USER_AGENT)
            .header(header::ACCEPT, "application/json, text/plain, */*")
            .header(header::ORIGIN, self.sso_origin())
            .json(body);
        if !cookies.is_empty() {
            let jar: Vec<String> =
                cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header(header::COOKIE, jar.join("; "));
        }
        self.sign_in.send(request).await
    }
}

/// What a login (or code) answer says, failures classified (GARMIN.md §2.3,
/// §6.1).
fn read_login(answer: &Answer) -> GarminResult<LoginAnswer> {
    if answer.status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(GarminError::RateLimited { retry_after: answer.retry_after });
    }
    if answer.status == reqwest::StatusCode::FORBIDDEN || answer.from_cloudflare {
        return Err(GarminError::SignInBlocked("Garmin's bot protection stopped it".into()));
    }
    if answer.status.is_server_error() {
        return Err(GarminError::Unavailable(format!(
            "Garmin's sign-in answered HTTP {}",
            answer.status.as_u16()
        )));
    }
    let Ok(login) = serde_json::from_slice::<LoginAnswer>(&answer.body) else {
        return Err(GarminError::SignInBlocked(
            "Garmin answered with a page, not a sign-in".into(),
        ));
    };
    if login.error.as_ref().is_some_and(|error| error.status_code == "429") {
        return Err(GarminError::RateLimited { retry_after: answer.retry_after });
    }
    match login.response_status.as_ref().map(|status| status.r#type.as_str()) {
        Some("INVALID_USERNAME_PASSWORD") => Err(GarminError::WrongPassword),
        Some(kind) if kind.contains("CAPTCHA") => {
            Err(GarminError::SignInBlocked("Garmin asks for a captcha".into()))
        }
        Some("ACCOUNT_LOCKED" | "ACCOUNT_DISABLED") => {
            Err(GarminError::SignInBlocked("Garmin has locked this account".into()))
        }
        _ if answer.status == reqwest::StatusCode::UNAUTHORIZED => Err(GarminError::WrongPassword),
        _ => Ok(login),
    }
}

fn ticket_of(login: LoginAnswer, answer: &Answer) -> GarminResult<Ticket> {
    let kind = login.response_status.as_ref().map(|status| status.r#type.clone());
    match login.service_ticket_id {
        Some(ticket) if ticket.starts_with("ST-") => Ok(Ticket {
            ticket,
            service_url: login.service_url.unwrap_or_else(|| MOBILE_SERVICE.to_owned()),
        }),
        _ => Err(GarminError::Unavailable(format!(
            "Garmin's sign-in gave no ticket (HTTP {}, {})",
            answer.status.as_u16(),
            kind.unwrap_or_else(|| "no status".to_owned())
        ))),
    }
}

/// Keeps each cookie's latest value (`name=value` of every `Set-Cookie`).
fn remember_cookies(jar: &mut Vec<(String, String)>, set_cookies: &[String]) {
    for header in set_cookies {
        let Some((name, value)) = header.split(';').next().and_then(|pair| pair.split_once('='))
        else {
            continue;
        };
        let (name, value) = (name.trim().to_owned(), value.trim().to_owned());
        jar.retain(|(known, _)| *known != name);
        if !value.is_empty() {
            jar.push((name, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_keep_their_latest_value_and_drop_when_cleared() {
        let mut jar = Vec::new();
        remember_cookies(&mut jar, &["SESSION=a; Path=/; HttpOnly".into(), "__cf_bm=x".into()]);
        remember_cookies(&mut jar, &["SESSION=b; Path=/".into(), "__cf_bm=; Max-Age=0".into()]);
        assert_eq!(jar, vec![("SESSION".to_owned(), "b".to_owned())]);
    }
}
