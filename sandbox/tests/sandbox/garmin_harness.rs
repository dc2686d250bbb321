//! What every Garmin stand-in test needs: a fresh stand-in with the demo
//! accounts, a client, and the calls a Garmin client makes, spelled out as
//! GARMIN.md spells them (so a test reads like the protocol).

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use baton_sandbox::GarminSandbox;
use baton_sandbox::garmin::{GarminSandboxConfig, seed};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

pub const CLIENT_ID: &str = "GARMIN_CONNECT_MOBILE_ANDROID_DI_2025Q2";
pub const OTHER_CLIENT_ID: &str = "GARMIN_CONNECT_MOBILE_ANDROID_DI_2024Q4";
pub const TICKET_GRANT: &str =
    "https://connectapi.garmin.com/di-oauth2-service/oauth/grant/service_ticket";
pub const IOS_SERVICE: &str = "https://mobile.integration.garmin.com/gcm/ios";
pub const PORTAL_SERVICE: &str = "https://connect.garmin.com/app";

pub struct Garmin {
    pub sandbox: GarminSandbox,
    pub http: reqwest::Client,
}

/// An access and refresh token pair from the token endpoint.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
    pub body: Value,
}

impl Garmin {
    pub fn start() -> Self {
        Self::start_with(GarminSandboxConfig::default())
    }

    pub fn start_with(config: GarminSandboxConfig) -> Self {
        let sandbox = GarminSandbox::start(config).unwrap();
        let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        Self { sandbox, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    /// `POST /{flavour}/api/login` as python-garminconnect sends it.
    pub async fn login(
        &self,
        flavour: &str,
        client_id: &str,
        service: &str,
        email: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> Response {
        let mut request = self
            .http
            .post(self.url(&format!("/{flavour}/api/login")))
            .query(&[("clientId", client_id), ("locale", "en-US"), ("service", service)])
            .header("Origin", self.sandbox.base_url())
            .json(&json!({"username": email, "password": password, "rememberMe": true, "captchaToken": ""}));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// The mobile iOS login of strategy 1 (GARMIN.md §2.4.1).
    pub async fn mobile_login(&self, email: &str, password: &str) -> Response {
        self.login("mobile", "GCM_IOS_DARK", IOS_SERVICE, email, password, None).await
    }

    /// `POST /mobile/api/mfa/verifyCode` with the login's cookies.
    pub async fn verify_code(&self, cookie: Option<&str>, code: &str) -> Response {
        let mut request = self
            .http
            .post(self.url("/mobile/api/mfa/verifyCode"))
            .query(&[("clientId", "GCM_IOS_DARK"), ("locale", "en-US"), ("service", IOS_SERVICE)])
            .json(&json!({"mfaMethod": "email", "mfaVerificationCode": code,
                          "rememberMyBrowser": true, "reconsentList": [], "mfaSetup": false}));
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        request.send().await.unwrap()
    }

    /// The ticket exchange of GARMIN.md §2.4.2, with its native headers.
    pub async fn exchange(&self, ticket: &str, service_url: &str, client_id: &str) -> Response {
        self.token_request(
            basic(client_id),
            &[
                ("client_id", client_id),
                ("service_ticket", ticket),
                ("grant_type", TICKET_GRANT),
                ("service_url", service_url),
            ],
        )
        .await
    }

    /// The refresh of GARMIN.md §2.4.3.
    pub async fn refresh(&self, refresh_token: &str, client_id: &str) -> Response {
        self.token_request(
            basic(client_id),
            &[
                ("grant_type", "refresh_token"),
                ("client_id", client_id),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    pub async fn token_request(&self, authorization: String, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.sandbox.token_url())
            .headers(native_headers())
            .header("Authorization", authorization)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Tokens for `email`, through a ticket issued as the widget would.
    pub async fn tokens_for(&self, email: &str) -> Tokens {
        let ticket = self.sandbox.issue_widget_ticket(email).unwrap();
        let response = self.exchange(&ticket, &self.sandbox.embed_service_url(), CLIENT_ID).await;
        assert_eq!(response.status(), StatusCode::OK);
        tokens_of(response.json().await.unwrap())
    }

    pub async fn coach(&self) -> String {
        self.tokens_for(seed::COACH.email).await.access
    }

    pub async fn athlete(&self) -> String {
        self.tokens_for(seed::ATHLETE.email).await.access
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    pub async fn get_json(&self, token: &str, path: &str) -> Value {
        let response = self.get(token, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response.json().await.unwrap()
    }

    pub async fn post_json(&self, token: &str, path: &str, body: &Value) -> Response {
        self.http.post(self.url(path)).bearer_auth(token).json(body).send().await.unwrap()
    }

    pub async fn put_json(&self, token: &str, path: &str, body: &Value) -> Response {
        self.http.put(self.url(path)).bearer_auth(token).json(body).send().await.unwrap()
    }

    pub async fn delete(&self, token: &str, path: &str) -> Response {
        self.http.delete(self.url(path)).bearer_auth(token).send().await.unwrap()
    }
}

pub fn tokens_of(body: Value) -> Tokens {
    Tokens {
        access: body["access_token"].as_str().unwrap().to_owned(),
        refresh: body["refresh_token"].as_str().unwrap().to_owned(),
        body,
    }
}

pub fn basic(client_id: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{client_id}:")))
}

/// The Android app's headers on the DI calls (GARMIN.md §2.4.2).
pub fn native_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("Accept", "application/json,text/html;q=0.9,*/*;q=0.8"),
        ("Cache-Control", "no-cache"),
        ("User-Agent", "GCM-Android-5.23"),
        (
            "X-Garmin-User-Agent",
            "com.garmin.android.apps.connectmobile/5.23; ; Google/sdk_gphone64_arm64/google; Android/33; Dalvik/2.1.0",
        ),
        ("X-Garmin-Paired-App-Version", "10861"),
        ("X-Garmin-Client-Platform", "Android"),
        ("X-App-Ver", "10861"),
        ("X-Lang", "en"),
        ("X-GCExperience", "GC5"),
        ("Accept-Language", "en-US,en;q=0.9"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers
}

/// The cookies a response set, as `name=value` pairs.
pub fn set_cookies(response: &Response) -> HashMap<String, String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// A `Cookie:` header carrying the `SESSION` a response set.
pub fn session_cookie(response: &Response) -> String {
    format!("SESSION={}", set_cookies(response)["SESSION"])
}

/// The claims of a JWT, read without verifying it (as clients do).
pub fn jwt_claims(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "header.payload.signature");
    let decode = |part: &str| -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    (decode(parts[0]), decode(parts[1]))
}

/// `(stepOrder, childStepId)` of every step, in document order.
pub fn numbering(workout: &Value) -> Vec<(i64, Option<i64>)> {
    fn walk(steps: &Value, out: &mut Vec<(i64, Option<i64>)>) {
        for step in steps.as_array().unwrap() {
            out.push((step["stepOrder"].as_i64().unwrap(), step["childStepId"].as_i64()));
            if step["type"] == "RepeatGroupDTO" {
                walk(&step["workoutSteps"], out);
            }
        }
    }
    let mut out = Vec::new();
    for segment in workout["workoutSegments"].as_array().unwrap() {
        walk(&segment["workoutSteps"], &mut out);
    }
    out
}

/// The §5.7 running workout's create request.
pub fn intervals_request() -> Value {
    serde_json::from_str(include_str!("fixtures/run_intervals_request.json")).unwrap()
}
