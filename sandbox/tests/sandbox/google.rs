//! The Google stand-in follows OAuth 2.0, PKCE and OIDC Core as Google does.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use baton_sandbox::{Fault, GoogleSandbox, GoogleSandboxConfig, Identity};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value;
use sha2::{Digest, Sha256};

const REDIRECT_URI: &str = "http://127.0.0.1:8080/auth/google/callback";
const VERIFIER: &str = "a-pkce-verifier-that-is-long-enough-to-be-valid-0123456789";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

struct Harness {
    sandbox: GoogleSandbox,
    http: reqwest::Client,
}

impl Harness {
    fn start() -> Self {
        let sandbox = GoogleSandbox::start(GoogleSandboxConfig::default()).unwrap();
        let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        Self { sandbox, http }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.issuer())
    }

    fn authorize_params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("client_id", self.sandbox.client_id().to_owned()),
            ("redirect_uri", REDIRECT_URI.to_owned()),
            ("response_type", "code".to_owned()),
            ("scope", "openid email profile".to_owned()),
            ("state", "state-123".to_owned()),
            ("nonce", "nonce-456".to_owned()),
            ("code_challenge", challenge(VERIFIER)),
            ("code_challenge_method", "S256".to_owned()),
        ]
    }

    async fn authorize_with(&self, params: &[(&str, String)]) -> reqwest::Response {
        self.http.get(self.url("/authorize")).query(params).send().await.unwrap()
    }

    /// The query of the redirect back to the client.
    async fn redirect_query(&self, params: &[(&str, String)]) -> HashMap<String, String> {
        let response = self.authorize_with(params).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap();
        let url = reqwest::Url::parse(location).unwrap();
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        url.query_pairs().into_owned().collect()
    }

    async fn code(&self) -> String {
        self.redirect_query(&self.authorize_params()).await["code"].clone()
    }

    fn token_form(&self, code: &str) -> Vec<(&'static str, String)> {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", REDIRECT_URI.to_owned()),
            ("code_verifier", VERIFIER.to_owned()),
            ("client_id", self.sandbox.client_id().to_owned()),
            ("client_secret", self.sandbox.client_secret().to_owned()),
        ]
    }

    async fn token(&self, form: &[(&str, String)]) -> (StatusCode, Value) {
        let response = self.http.post(self.url("/token")).form(form).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn jwks(&self) -> JwkSet {
        self.http.get(self.url("/jwks")).send().await.unwrap().json().await.unwrap()
    }

    /// Verifies `id_token` as a relying party would, against the JWKS.
    async fn verify(&self, id_token: &str) -> Result<Value, jsonwebtoken::errors::Error> {
        let header = jsonwebtoken::decode_header(id_token)?;
        let jwks = self.jwks().await;
        let jwk = jwks.find(header.kid.as_deref().unwrap_or_default()).expect("kid published");
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[self.sandbox.issuer()]);
        validation.set_audience(&[self.sandbox.client_id()]);
        let key = DecodingKey::from_jwk(jwk)?;
        Ok(jsonwebtoken::decode::<Value>(id_token, &key, &validation)?.claims)
    }
}

fn error_of(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn discovery_names_endpoints_under_the_exact_issuer() {
    let h = Harness::start();
    let doc: Value = h
        .http
        .get(h.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], h.sandbox.issuer());
    assert!(h.sandbox.issuer().starts_with("http://127.0.0.1:"));
    assert_eq!(doc["token_endpoint"], h.url("/token"));
    assert_eq!(doc["jwks_uri"], h.url("/jwks"));
    assert_eq!(doc["id_token_signing_alg_values_supported"], serde_json::json!(["RS256"]));
    assert_eq!(doc["code_challenge_methods_supported"], serde_json::json!(["S256", "plain"]));
    assert_eq!(h.sandbox.requests().discovery, 1);
}

#[tokio::test]
async fn jwks_publishes_one_rsa_signing_key() {
    let h = Harness::start();
    let raw: Value = h.http.get(h.url("/jwks")).send().await.unwrap().json().await.unwrap();
    let key = &raw["keys"][0];
    assert_eq!(raw["keys"].as_array().unwrap().len(), 1);
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["kid"], h.sandbox.active_kid());
    assert_eq!(key["e"], "AQAB");
    assert_eq!(URL_SAFE_NO_PAD.decode(key["n"].as_str().unwrap()).unwrap().len(), 256);
}

#[tokio::test]
async fn authorization_redirects_with_a_code_and_the_state() {
    let h = Harness::start();
    let query = h.redirect_query(&h.authorize_params()).await;
    assert_eq!(query["state"], "state-123");
    assert!(query["code"].starts_with("4/"), "Google-like codes need URL decoding");
    let record = h.sandbox.authorizations().pop().unwrap();
    assert_eq!(record.code_challenge_method.as_deref(), Some("S256"));
    assert_eq!(record.nonce.as_deref(), Some("nonce-456"));
}

#[tokio::test]
async fn unregistered_redirect_uri_gets_an_error_page_not_a_redirect() {
    let h = Harness::start();
    for uri in ["http://127.0.0.1:8080/auth/google/callback/", "https://evil.example/cb", ""] {
        let mut params = h.authorize_params();
        params[1].1 = uri.to_owned();
        let response = h.authorize_with(&params).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}");
        assert!(response.headers().get("location").is_none());
        assert!(response.text().await.unwrap().contains("redirect_uri_mismatch"));
    }
}

#[tokio::test]
async fn unknown_client_gets_an_error_page_not_a_redirect() {
    let h = Harness::start();
    let mut params = h.authorize_params();
    params[0].1 = "someone-else.apps.googleusercontent.com".to_owned();
    let response = h.authorize_with(&params).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    assert!(h.sandbox.authorizations().is_empty());
}

#[tokio::test]
async fn malformed_authorizations_are_reported_to_the_client_with_the_state() {
    let h = Harness::start();
    let cases: [(&str, Option<&str>, &str); 5] = [
        ("nonce", None, "invalid_request"),
        ("code_challenge", None, "invalid_request"),
        ("code_challenge_method", Some("S512"), "invalid_request"),
        ("scope", Some("email profile"), "invalid_scope"),
        ("response_type", Some("token"), "unsupported_response_type"),
    ];
    for (name, value, expected) in cases {
        let mut params = h.authorize_params();
        params.retain(|(key, _)| *key != name);
        if let Some(value) = value {
            params.push((name, value.to_owned()));
        }
        let query = h.redirect_query(&params).await;
        assert_eq!(query["error"], expected, "{name}");
        assert_eq!(query["state"], "state-123");
        assert!(!query.contains_key("code"));
    }
}

#[tokio::test]
async fn deny_next_answers_access_denied_once() {
    let h = Harness::start();
    h.sandbox.deny_next();
    let denied = h.redirect_query(&h.authorize_params()).await;
    assert_eq!(denied["error"], "access_denied");
    assert_eq!(denied["state"], "state-123");
    assert!(h.redirect_query(&h.authorize_params()).await.contains_key("code"));
}

#[tokio::test]
async fn the_id_token_verifies_against_the_jwks_and_carries_googles_claims() {
    let h = Harness::start();
    let identity = Identity {
        sub: "1234567890".to_owned(),
        email: "grace@example.com".to_owned(),
        email_verified: false,
        name: None,
        picture: Some("http://127.0.0.1/p.png".to_owned()),
    };
    h.sandbox.set_identity(identity);
    let code = h.code().await;
    let (status, body) = h.token(&h.token_form(&code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["access_token"].as_str().unwrap().starts_with("ya29."));
    let claims = h.verify(body["id_token"].as_str().unwrap()).await.unwrap();
    assert_eq!(claims["sub"], "1234567890");
    assert_eq!(claims["aud"], h.sandbox.client_id());
    assert_eq!(claims["azp"], h.sandbox.client_id());
    assert_eq!(claims["nonce"], "nonce-456");
    assert_eq!(claims["email"], "grace@example.com");
    assert_eq!(claims["email_verified"], false);
    assert!(claims.get("name").is_none());
    assert_eq!(claims["picture"], "http://127.0.0.1/p.png");
    assert_eq!(claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(), 3600);
}

#[tokio::test]
async fn a_wrong_or_missing_verifier_fails_the_pkce_check() {
    let h = Harness::start();
    for verifier in [Some("another-verifier-that-is-long-enough-to-be-valid-000000000"), None] {
        let code = h.code().await;
        let mut form = h.token_form(&code);
        form.retain(|(key, _)| *key != "code_verifier");
        if let Some(verifier) = verifier {
            form.push(("code_verifier", verifier.to_owned()));
        }
        let (status, body) = h.token(&form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error_of(&body), "invalid_grant");
    }
}

#[tokio::test]
async fn the_plain_method_is_accepted_and_recorded() {
    let h = Harness::start();
    let mut params = h.authorize_params();
    params[6].1 = VERIFIER.to_owned();
    params[7].1 = "plain".to_owned();
    let code = h.redirect_query(&params).await["code"].clone();
    let (status, _) = h.token(&h.token_form(&code)).await;
    assert_eq!(status, StatusCode::OK);
    let method = h.sandbox.authorizations().pop().unwrap().code_challenge_method;
    assert_eq!(method.as_deref(), Some("plain"));
}

#[tokio::test]
async fn a_code_is_single_use_even_after_a_failed_attempt() {
    let h = Harness::start();
    let code = h.code().await;
    assert_eq!(h.token(&h.token_form(&code)).await.0, StatusCode::OK);
    let (status, body) = h.token(&h.token_form(&code)).await;
    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "invalid_grant"));

    let code = h.code().await;
    let mut form = h.token_form(&code);
    form[3].1 = "x".repeat(43);
    assert_eq!(h.token(&form).await.0, StatusCode::BAD_REQUEST);
    let (status, body) = h.token(&h.token_form(&code)).await;
    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "invalid_grant"));
}

#[tokio::test]
async fn the_token_request_must_repeat_the_redirect_uri() {
    let h = Harness::start();
    let code = h.code().await;
    let mut form = h.token_form(&code);
    form[2].1 = "http://127.0.0.1:8080/other".to_owned();
    let (status, body) = h.token(&form).await;
    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "invalid_grant"));
}

#[tokio::test]
async fn a_code_expires_after_a_minute() {
    let h = Harness::start();
    let code = h.code().await;
    h.sandbox.advance_clock(Duration::from_secs(61));
    let (status, body) = h.token(&h.token_form(&code)).await;
    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "invalid_grant"));
}

#[tokio::test]
async fn http_basic_client_authentication_is_accepted() {
    let h = Harness::start();
    let code = h.code().await;
    let mut form = h.token_form(&code);
    form.retain(|(key, _)| !key.starts_with("client_"));
    let response = h
        .http
        .post(h.url("/token"))
        .basic_auth(h.sandbox.client_id(), Some(h.sandbox.client_secret()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_or_missing_client_secret_is_invalid_client() {
    let h = Harness::start();
    let code = h.code().await;
    let mut wrong = h.token_form(&code);
    wrong[5].1 = "not-the-secret".to_owned();
    let mut missing = h.token_form(&code);
    missing.pop();
    for form in [wrong, missing] {
        let (status, body) = h.token(&form).await;
        assert_eq!((status, error_of(&body)), (StatusCode::UNAUTHORIZED, "invalid_client"));
    }
    // A failed client authentication does not burn the code.
    assert_eq!(h.token(&h.token_form(&code)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn two_client_authentication_methods_at_once_are_refused() {
    let h = Harness::start();
    let code = h.code().await;
    let response = h
        .http
        .post(h.url("/token"))
        .basic_auth(h.sandbox.client_id(), Some(h.sandbox.client_secret()))
        .form(&h.token_form(&code))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(&response.json().await.unwrap()), "invalid_request");
}

#[tokio::test]
async fn unsupported_grant_types_are_refused() {
    let h = Harness::start();
    let mut form = h.token_form("irrelevant");
    form[0].1 = "refresh_token".to_owned();
    let (status, body) = h.token(&form).await;
    assert_eq!((status, error_of(&body)), (StatusCode::BAD_REQUEST, "unsupported_grant_type"));
}

#[tokio::test]
async fn a_bad_signature_fault_does_not_verify_under_the_published_kid() {
    let h = Harness::start();
    h.sandbox.inject(Fault::BadSignature);
    let code = h.code().await;
    let (_, body) = h.token(&h.token_form(&code)).await;
    let id_token = body["id_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(id_token).unwrap();
    assert_eq!(header.kid.as_deref(), Some(h.sandbox.active_kid()));
    let error = h.verify(id_token).await.unwrap_err();
    assert_eq!(error.kind(), &jsonwebtoken::errors::ErrorKind::InvalidSignature);
}

#[tokio::test]
async fn claim_faults_change_only_the_next_token() {
    let h = Harness::start();
    h.sandbox.inject(Fault::WrongNonce);
    h.sandbox.inject(Fault::WrongAudience);
    let (_, bent) = h.token(&h.token_form(&h.code().await)).await;
    let bent =
        jsonwebtoken::dangerous::insecure_decode::<Value>(bent["id_token"].as_str().unwrap())
            .unwrap()
            .claims;
    assert_ne!(bent["nonce"], "nonce-456");
    assert_ne!(bent["aud"], h.sandbox.client_id());
    let (_, plain) = h.token(&h.token_form(&h.code().await)).await;
    let claims = h.verify(plain["id_token"].as_str().unwrap()).await.unwrap();
    assert_eq!(claims["nonce"], "nonce-456");
}

#[tokio::test]
async fn a_server_error_fault_answers_500_and_keeps_the_code() {
    let h = Harness::start();
    let code = h.code().await;
    h.sandbox.inject(Fault::ServerError);
    assert_eq!(h.token(&h.token_form(&code)).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(h.token(&h.token_form(&code)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_latency_fault_delays_the_token_response() {
    let h = Harness::start();
    let code = h.code().await;
    h.sandbox.inject(Fault::Latency(Duration::from_millis(300)));
    let started = std::time::Instant::now();
    assert_eq!(h.token(&h.token_form(&code)).await.0, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn after_rotation_tokens_use_the_new_kid_and_the_jwks_lists_both() {
    let h = Harness::start();
    let old_kid = h.sandbox.active_kid();
    h.sandbox.rotate_key();
    assert_ne!(h.sandbox.active_kid(), old_kid);
    let kids: Vec<_> = h.jwks().await.keys.into_iter().filter_map(|k| k.common.key_id).collect();
    assert_eq!(kids, [h.sandbox.active_kid(), old_kid]);
    let (_, body) = h.token(&h.token_form(&h.code().await)).await;
    let id_token = body["id_token"].as_str().unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(id_token).unwrap().kid.as_deref(),
        Some(h.sandbox.active_kid())
    );
    assert!(h.verify(id_token).await.is_ok());
}

#[tokio::test]
async fn userinfo_answers_for_the_issued_access_token_only() {
    let h = Harness::start();
    let (_, body) = h.token(&h.token_form(&h.code().await)).await;
    let access_token = body["access_token"].as_str().unwrap();
    let info: Value = h
        .http
        .get(h.url("/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["sub"], Identity::default().sub);
    assert_eq!(info["email"], Identity::default().email);
    let refused = h.http.get(h.url("/userinfo")).bearer_auth("ya29.forged").send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let h = Harness::start();
    let url = h.url("/jwks");
    h.sandbox.shutdown().await;
    assert!(h.http.get(url).send().await.is_err());
}
