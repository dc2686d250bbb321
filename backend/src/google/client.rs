//! [`GoogleClient`]: the relying party's two steps, building the
//! authorization URL and redeeming the code for a verified identity.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use reqwest::Url;
use reqwest::header::ACCEPT;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::discovery::{self, ProviderEndpoints};
use super::http;
use super::id_token::{self, Expected};
use super::keys::{DISCOVERY_TTL, JWKS_TTL, TtlCache};
use super::{GoogleConfig, GoogleError, GoogleIdentity};

/// How long any one request to the provider may take, all told.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Codes from a browser longer than this are not Google's; refuse them
/// rather than forward them.
const MAX_CODE_LEN: usize = 2048;
const SCOPE: &str = "openid email profile";

/// An OpenID Connect client for one issuer. Cheap to clone; clones share
/// the HTTP connection pool and the discovery and key caches.
#[derive(Clone)]
pub struct GoogleClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: GoogleConfig,
    issuers: Vec<String>,
    http: reqwest::Client,
    endpoints: TtlCache<ProviderEndpoints>,
    keys: TtlCache<JwkSet>,
}

impl std::fmt::Debug for GoogleClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleClient").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl GoogleClient {
    /// A client for `config`. Nothing is fetched until the first sign-in.
    /// A trailing `/` on the issuer is dropped.
    ///
    /// # Errors
    /// [`GoogleError::Unavailable`] if the issuer or redirect URL is not an
    /// absolute http(s) URL, the client id is empty, or the HTTP client
    /// cannot be built.
    pub fn new(config: GoogleConfig) -> Result<Self, GoogleError> {
        Self::build(config, DEFAULT_TIMEOUT)
    }

    /// The same client with another per-request timeout (default 10 s), and
    /// empty caches.
    ///
    /// # Errors
    /// As [`GoogleClient::new`].
    pub fn with_timeout(self, timeout: Duration) -> Result<Self, GoogleError> {
        Self::build(self.inner.config.clone(), timeout)
    }

    fn build(mut config: GoogleConfig, timeout: Duration) -> Result<Self, GoogleError> {
        let misconfigured = |what: &str| GoogleError::Unavailable(format!("misconfigured: {what}"));
        if let Some(trimmed) = config.issuer.strip_suffix('/') {
            config.issuer = trimmed.to_owned();
        }
        let issuer = Url::parse(&config.issuer)
            .ok()
            .filter(|url| is_http(url) && url.query().is_none() && url.fragment().is_none())
            .ok_or_else(|| misconfigured("issuer is not an http(s) URL"))?;
        Url::parse(&config.redirect_url)
            .ok()
            .filter(is_http)
            .ok_or_else(|| misconfigured("redirect URL is not an http(s) URL"))?;
        if config.client_id.is_empty() {
            return Err(misconfigured("client id is empty"));
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            // The client secret must never follow a redirect somewhere else.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(issuer.scheme() == "https")
            .user_agent(concat!("baton/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| misconfigured("cannot build the HTTP client"))?;
        let issuers = id_token::accepted_issuers(&config.issuer);
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                issuers,
                http,
                endpoints: TtlCache::new(DISCOVERY_TTL),
                keys: TtlCache::new(JWKS_TTL),
            }),
        })
    }

    /// The URL to send the browser to: `response_type=code`, scope
    /// `openid email profile`, our client id and redirect URI, `state`,
    /// `nonce`, the PKCE S256 `code_challenge`, and `prompt=select_account`.
    ///
    /// # Errors
    /// [`GoogleError::Unavailable`] if discovery fails;
    /// [`GoogleError::Rejected`] if `state`, `nonce` or `code_challenge` is empty.
    pub async fn authorization_url(
        &self,
        state: &str,
        nonce: &str,
        code_challenge: &str,
    ) -> Result<String, GoogleError> {
        if state.is_empty() || nonce.is_empty() || code_challenge.is_empty() {
            return Err(GoogleError::Rejected(
                "state, nonce and code challenge are required".into(),
            ));
        }
        let endpoints = self.endpoints().await?;
        let mut url = endpoints.authorization.clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.inner.config.client_id)
            .append_pair("redirect_uri", &self.inner.config.redirect_url)
            .append_pair("scope", SCOPE)
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", code_challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("prompt", "select_account");
        Ok(url.into())
    }

    /// Redeems `code` with the PKCE `code_verifier`, verifies the ID token
    /// (signature by the JWKS key its `kid` names, RS256 only, `iss`, `aud`
    /// and `azp`, `exp`/`iat` against `now` with a minute of skew, and
    /// `nonce == expected_nonce`) and returns who signed in.
    ///
    /// # Errors
    /// [`GoogleError::Rejected`] for a refused code (`invalid_grant`) or an
    /// unacceptable ID token; [`GoogleError::Unavailable`] for network
    /// failures, 5xx and other provider or configuration trouble.
    pub async fn exchange(
        &self,
        code: &str,
        code_verifier: &str,
        expected_nonce: &str,
        now: DateTime<Utc>,
    ) -> Result<GoogleIdentity, GoogleError> {
        if code.is_empty() || code.len() > MAX_CODE_LEN {
            return Err(GoogleError::Rejected("no usable authorization code".into()));
        }
        let endpoints = self.endpoints().await?;
        let id_token = self.redeem(&endpoints, code, code_verifier).await?;
        let kid = id_token::key_id(&id_token)?;
        let jwk = self.signing_key(&endpoints, &kid).await?;
        let expected = Expected {
            issuers: &self.inner.issuers,
            client_id: &self.inner.config.client_id,
            nonce: expected_nonce,
            now,
        };
        id_token::verify(&id_token, &jwk, &expected)
    }

    async fn endpoints(&self) -> Result<Arc<ProviderEndpoints>, GoogleError> {
        if let Some(endpoints) = self.inner.endpoints.fresh() {
            return Ok(endpoints);
        }
        let url = discovery::document_url(&self.inner.config.issuer);
        let body = http::get(&self.inner.http, &url, "discovery document").await?;
        let endpoints = discovery::validate(&body, &self.inner.config.issuer)?;
        Ok(self.inner.endpoints.store(endpoints))
    }

    /// The ID token from the token endpoint (client_secret_post).
    async fn redeem(
        &self,
        endpoints: &ProviderEndpoints,
        code: &str,
        code_verifier: &str,
    ) -> Result<String, GoogleError> {
        let what = "token endpoint";
        let config = &self.inner.config;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &config.redirect_url),
            ("code_verifier", code_verifier),
            ("client_id", &config.client_id),
            ("client_secret", config.client_secret.expose_secret()),
        ];
        let response = self
            .inner
            .http
            .post(endpoints.token.clone())
            .header(ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|error| http::unreachable(what, error))?;
        let status = response.status();
        let body = http::read_body(response, what).await?;
        if status.is_success() {
            let tokens: TokenResponse = http::parse(&body)
                .ok_or_else(|| GoogleError::Unavailable(format!("{what} answer is malformed")))?;
            return Ok(tokens.id_token);
        }
        if status.is_client_error()
            && let Some(refusal) = http::parse::<OAuthError>(&body)
        {
            let error = refusal.code();
            return Err(if error == "invalid_grant" {
                GoogleError::Rejected(format!("{what} refused the code ({error})"))
            } else {
                // invalid_client and the like: Baton's setup, not the user's attempt.
                GoogleError::Unavailable(format!("{what} refused the request ({error})"))
            });
        }
        Err(GoogleError::Unavailable(format!("{what} answered HTTP {status}")))
    }

    /// The key `kid` names: from the cached set if it is there, else from a
    /// fresh fetch (the provider may have rotated its keys).
    async fn signing_key(
        &self,
        endpoints: &ProviderEndpoints,
        kid: &str,
    ) -> Result<Jwk, GoogleError> {
        if let Some(jwk) = self.inner.keys.fresh().and_then(|keys| keys.find(kid).cloned()) {
            return Ok(jwk);
        }
        let keys: JwkSet =
            http::get_json(&self.inner.http, endpoints.jwks.as_str(), "JWKS").await?;
        let keys = self.inner.keys.store(keys);
        keys.find(kid).cloned().ok_or_else(|| {
            GoogleError::Rejected("ID token names a key the provider does not publish".into())
        })
    }
}

fn is_http(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.has_host()
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
}

/// RFC 6749 §5.2.
#[derive(Deserialize)]
struct OAuthError {
    error: String,
}

impl OAuthError {
    /// The error code if it looks like one (RFC 6749 §5.2 allows only a
    /// small character set); never free text from the provider.
    fn code(&self) -> &str {
        let plausible = !self.error.is_empty()
            && self.error.len() <= 64
            && self.error.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if plausible { &self.error } else { "unrecognised error" }
    }
}
