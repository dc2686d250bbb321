//! How the sign-in requests (SSO and the DI token endpoint) reach Garmin.
//! Cloudflare in front of Garmin's SSO judges clients by their TLS
//! ClientHello and HTTP/2 settings (GARMIN.md §0), so with the cargo feature
//! `browser-tls` these calls go through wreq with a Chrome profile
//! (BoringSSL, Chrome's ciphers, groups, extensions and HTTP/2 SETTINGS);
//! without it, through the same reqwest/rustls client as the data API.
//!
//! Either way a request carries exactly the headers its call sets (plus
//! `Host` and `Content-Length`): the profile's own default headers (Chrome's
//! `User-Agent`, `sec-ch-ua*`, `sec-fetch-*`, `Accept`) are turned off,
//! because headers that contradict each other hurt more than the TLS library
//! (GARMIN.md §0.1). The User-Agents stay the ones GARMIN.md names (the
//! iOS app's web view on the SSO calls, the Android app on the token
//! endpoint): the profile supplies only the TLS and HTTP/2 layers. No
//! `Accept-Encoding` is sent: bodies arrive unencoded.

#[cfg(feature = "browser-tls")]
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method, header};
use url::Url;

use super::{
    error::{GarminError, GarminResult},
    http::Answer,
};

/// The browser profile of the sign-in transport: the newest Chrome that
/// wreq-util 3.0.0-rc.14 offers (STACK.md: its JA4 matches Chromium's
/// ciphers and groups, and its HTTP/2 fingerprint is identical).
#[cfg(feature = "browser-tls")]
const BROWSER_PROFILE: wreq_util::Profile = wreq_util::Profile::Chrome149;

/// One sign-in request: what to send, and how long to wait for the answer.
#[derive(Debug)]
pub(super) struct SignInRequest {
    method: Method,
    url: Url,
    /// In the order they are sent.
    headers: Vec<(HeaderName, String)>,
    body: Option<Vec<u8>>,
    timeout: Duration,
}

impl SignInRequest {
    pub fn get(url: Url, timeout: Duration) -> Self {
        Self { method: Method::GET, url, headers: Vec::new(), body: None, timeout }
    }

    pub fn post(url: Url, timeout: Duration) -> Self {
        Self { method: Method::POST, ..Self::get(url, timeout) }
    }

    pub fn header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// A JSON body (`Content-Type: application/json`).
    pub fn json(self, body: &serde_json::Value) -> Self {
        let bytes = body.to_string().into_bytes();
        self.body(header::CONTENT_TYPE, "application/json", bytes)
    }

    /// A form body (`Content-Type: application/x-www-form-urlencoded`).
    pub fn form(self, pairs: &[(&str, &str)]) -> Self {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
            .into_bytes();
        self.body(header::CONTENT_TYPE, "application/x-www-form-urlencoded", encoded)
    }

    fn body(mut self, name: HeaderName, content_type: &str, bytes: Vec<u8>) -> Self {
        self.headers.push((name, content_type.to_owned()));
        self.body = Some(bytes);
        self
    }

    fn header_map(&self) -> GarminResult<http::HeaderMap> {
        let mut map = http::HeaderMap::with_capacity(self.headers.len());
        for (name, value) in &self.headers {
            let value = HeaderValue::from_str(value).map_err(|_| {
                GarminError::Unavailable(format!("a sign-in header ({name}) could not be sent"))
            })?;
            map.append(name.clone(), value);
        }
        Ok(map)
    }
}

/// The HTTP client of the sign-in calls. Cheap to clone.
#[derive(Clone)]
pub(super) enum SignInTransport {
    /// reqwest with rustls: looks like no browser at the TLS level (kept
    /// in `browser-tls` test builds to compare against).
    #[cfg(any(test, not(feature = "browser-tls")))]
    Plain(reqwest::Client),
    /// wreq with [`BROWSER_PROFILE`]: Chrome's TLS and HTTP/2 fingerprint.
    #[cfg(feature = "browser-tls")]
    Browser(LazyBrowser),
}

/// The wreq client, made on the first sign-in: most of a replica's life
/// signs nobody in, and the client holds BoringSSL's context and a root
/// store (idle memory). Shared by every clone.
#[cfg(feature = "browser-tls")]
#[derive(Clone)]
pub(super) struct LazyBrowser {
    connect_timeout: Duration,
    client: Arc<OnceLock<wreq::Client>>,
}

#[cfg(feature = "browser-tls")]
impl LazyBrowser {
    /// wreq with the Chrome profile's TLS and HTTP/2 settings and none of
    /// its default headers; redirects are not followed and cookies are not
    /// kept (the SSO conversation keeps its own jar).
    fn client(&self) -> GarminResult<&wreq::Client> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let profile =
            wreq_util::Emulation::builder().profile(BROWSER_PROFILE).headers(false).build();
        let made = wreq::Client::builder()
            .emulation(profile)
            .connect_timeout(self.connect_timeout)
            .redirect(wreq::redirect::Policy::none())
            .build()
            .map_err(|error| GarminError::Unavailable(format!("sign-in HTTP client: {error}")))?;
        // Two first sign-ins at once each make one; the first stored wins.
        Ok(self.client.get_or_init(|| made))
    }
}

impl std::fmt::Debug for SignInTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(any(test, not(feature = "browser-tls")))]
            Self::Plain(_) => f.write_str("SignInTransport::Plain"),
            #[cfg(feature = "browser-tls")]
            Self::Browser(_) => f.write_str("SignInTransport::Browser"),
        }
    }
}

impl SignInTransport {
    /// The browser-like transport; its client is made on first use.
    #[cfg(feature = "browser-tls")]
    pub fn browser(connect_timeout: Duration) -> Self {
        Self::Browser(LazyBrowser { connect_timeout, client: Arc::default() })
    }

    /// Sends `request` and reads the answer whole (bounded). No answer at
    /// all (refused, reset, timed out) is [`GarminError::Unavailable`].
    pub async fn send(&self, request: SignInRequest) -> GarminResult<Answer> {
        let headers = request.header_map()?;
        match self {
            #[cfg(any(test, not(feature = "browser-tls")))]
            Self::Plain(client) => {
                let mut builder = client
                    .request(request.method, request.url)
                    .timeout(request.timeout)
                    .headers(headers);
                if let Some(body) = request.body {
                    builder = builder.body(body);
                }
                let response = builder.send().await.map_err(super::http::transport)?;
                Answer::read(response).await
            }
            #[cfg(feature = "browser-tls")]
            Self::Browser(lazy) => {
                let mut builder = lazy
                    .client()?
                    .request(request.method, request.url.as_str())
                    .timeout(request.timeout)
                    .headers(headers);
                if let Some(body) = request.body {
                    builder = builder.body(body);
                }
                let response = builder.send().await.map_err(browser_transport)?;
                read_browser(response).await
            }
        }
    }
}

/// A wreq answer read whole, bounded like [`Answer::read`].
#[cfg(feature = "browser-tls")]
async fn read_browser(mut response: wreq::Response) -> GarminResult<Answer> {
    use http_body_util::BodyExt;

    use super::http::MAX_BODY_BYTES;

    let status = response.status();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while let Some(frame) = response.frame().await {
        let Ok(chunk) = frame.map_err(browser_transport)?.into_data() else { continue };
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(GarminError::Unavailable("Garmin's answer is too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer::new(status, &headers, body))
}

/// A wreq request that got no answer, in the words of [`super::http::transport`].
#[cfg(feature = "browser-tls")]
fn browser_transport(error: wreq::Error) -> GarminError {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not be reached"
    } else {
        "broke off the answer"
    };
    GarminError::Unavailable(format!("Garmin's sign-in {what}"))
}

#[cfg(all(test, feature = "browser-tls"))]
mod client_hello;

#[cfg(test)]
mod tests;
