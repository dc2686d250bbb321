//! The relying party against the sandbox provider, end to end over HTTP on
//! 127.0.0.1: the browser's part is a reqwest client that does not follow
//! redirects.

use std::collections::HashMap;
use std::time::Duration;

use baton_sandbox::{Fault, GoogleSandbox, GoogleSandboxConfig, Identity};
use chrono::Utc;
use reqwest::Url;
use reqwest::redirect::Policy;
use secrecy::SecretString;

use super::*;
use crate::crypto::new_opaque_token;

const REDIRECT_URL: &str = "http://127.0.0.1:8080/auth/google/callback";

struct Flow {
    sandbox: GoogleSandbox,
    client: GoogleClient,
    browser: reqwest::Client,
}

/// One login's secrets, as the auth service would keep them.
struct Login {
    code: String,
    verifier: String,
    nonce: String,
}

fn config_for(sandbox: &GoogleSandbox) -> GoogleConfig {
    GoogleConfig {
        issuer: sandbox.issuer().to_owned(),
        client_id: sandbox.client_id().to_owned(),
        client_secret: SecretString::from(sandbox.client_secret()),
        redirect_url: REDIRECT_URL.to_owned(),
    }
}

impl Flow {
    fn start() -> Self {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let config = GoogleSandboxConfig {
            redirect_uris: vec![REDIRECT_URL.to_owned()],
            ..Default::default()
        };
        let sandbox = GoogleSandbox::start(config).unwrap();
        let client = GoogleClient::new(config_for(&sandbox)).unwrap();
        let browser = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        Self { sandbox, client, browser }
    }

    /// The browser's round trip: our authorization URL, the provider's
    /// redirect back, and the code and state in its query.
    async fn authorize(&self) -> Login {
        let (state, nonce, verifier) = (new_opaque_token(), new_opaque_token(), new_opaque_token());
        let url = self
            .client
            .authorization_url(&state, &nonce, &pkce_challenge(&verifier))
            .await
            .unwrap();
        let response = self.browser.get(url).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::FOUND);
        let location = response.headers()["location"].to_str().unwrap();
        assert!(location.starts_with(REDIRECT_URL), "{location}");
        let query: HashMap<String, String> =
            Url::parse(location).unwrap().query_pairs().into_owned().collect();
        assert_eq!(query["state"], state);
        Login { code: query["code"].clone(), verifier, nonce }
    }

    async fn exchange(&self, login: &Login) -> Result<GoogleIdentity, GoogleError> {
        self.client.exchange(&login.code, &login.verifier, &login.nonce, Utc::now()).await
    }

    async fn sign_in(&self) -> Result<GoogleIdentity, GoogleError> {
        let login = self.authorize().await;
        self.exchange(&login).await
    }

    async fn sign_in_with(&self, fault: Fault) -> Result<GoogleIdentity, GoogleError> {
        let login = self.authorize().await;
        self.sandbox.inject(fault);
        self.exchange(&login).await
    }
}

fn assert_rejected(result: Result<GoogleIdentity, GoogleError>) {
    assert!(matches!(result, Err(GoogleError::Rejected(_))), "{result:?}");
}

fn assert_unavailable(result: Result<GoogleIdentity, GoogleError>) {
    assert!(matches!(result, Err(GoogleError::Unavailable(_))), "{result:?}");
}

#[test]
fn pkce_challenge_matches_rfc_7636_appendix_b() {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    assert_eq!(pkce_challenge(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

#[test]
fn the_config_never_prints_the_client_secret() {
    let config = GoogleConfig {
        issuer: GOOGLE_ISSUER.to_owned(),
        client_id: "id".to_owned(),
        client_secret: SecretString::from("super-secret-value"),
        redirect_url: REDIRECT_URL.to_owned(),
    };
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let client = GoogleClient::new(config.clone()).unwrap();
    assert!(!format!("{config:?} {client:?}").contains("super-secret-value"));
}

#[test]
fn a_malformed_configuration_is_refused_up_front() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let good = GoogleConfig {
        issuer: GOOGLE_ISSUER.to_owned(),
        client_id: "id".to_owned(),
        client_secret: SecretString::from("s"),
        redirect_url: REDIRECT_URL.to_owned(),
    };
    let bad_issuer = GoogleConfig { issuer: "accounts.google.com".to_owned(), ..good.clone() };
    let bad_redirect = GoogleConfig { redirect_url: "/callback".to_owned(), ..good.clone() };
    let no_client = GoogleConfig { client_id: String::new(), ..good.clone() };
    for config in [bad_issuer, bad_redirect, no_client] {
        assert!(matches!(GoogleClient::new(config), Err(GoogleError::Unavailable(_))));
    }
    assert!(GoogleClient::new(good).is_ok());
}

#[tokio::test]
async fn signs_in_end_to_end_and_returns_the_identity() {
    let flow = Flow::start();
    let identity = flow.sign_in().await.unwrap();
    let expected = Identity::default();
    assert_eq!(identity.subject, expected.sub);
    assert_eq!(identity.email.as_deref(), Some(expected.email.as_str()));
    assert!(identity.email_verified);
    assert_eq!(identity.name, expected.name);
    assert_eq!(identity.picture, None);
}

#[tokio::test]
async fn the_authorization_request_uses_code_flow_pkce_s256_and_account_selection() {
    let flow = Flow::start();
    let url = flow.client.authorization_url("s", "n", &pkce_challenge("v")).await.unwrap();
    let query: HashMap<String, String> =
        Url::parse(&url).unwrap().query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["scope"], "openid email profile");
    assert_eq!(query["client_id"], flow.sandbox.client_id());
    assert_eq!(query["redirect_uri"], REDIRECT_URL);
    assert_eq!(query["code_challenge"], pkce_challenge("v"));
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["prompt"], "select_account");
    assert!(url.starts_with(&format!("{}/authorize?", flow.sandbox.issuer())));
}

#[tokio::test]
async fn the_identity_follows_the_account_that_signed_in() {
    let flow = Flow::start();
    flow.sandbox.set_identity(Identity {
        sub: "987654321".to_owned(),
        email: "grace@example.com".to_owned(),
        email_verified: false,
        name: None,
        picture: Some("http://127.0.0.1/grace.png".to_owned()),
    });
    let identity = flow.sign_in().await.unwrap();
    assert_eq!(identity.subject, "987654321");
    assert!(!identity.email_verified);
    assert_eq!(identity.name, None);
    assert_eq!(identity.picture.as_deref(), Some("http://127.0.0.1/grace.png"));
}

#[tokio::test]
async fn a_token_for_another_login_is_rejected_by_nonce() {
    let flow = Flow::start();
    assert_rejected(flow.sign_in_with(Fault::WrongNonce).await);
    let login = flow.authorize().await;
    let other_nonce = new_opaque_token();
    assert_rejected(
        flow.client.exchange(&login.code, &login.verifier, &other_nonce, Utc::now()).await,
    );
}

#[tokio::test]
async fn a_token_for_another_client_is_rejected() {
    let flow = Flow::start();
    assert_rejected(flow.sign_in_with(Fault::WrongAudience).await);
    assert_rejected(flow.sign_in_with(Fault::ForeignAuthorizedParty).await);
}

#[tokio::test]
async fn a_token_from_another_issuer_is_rejected() {
    let flow = Flow::start();
    assert_rejected(flow.sign_in_with(Fault::WrongIssuer).await);
}

#[tokio::test]
async fn an_expired_token_is_rejected() {
    let flow = Flow::start();
    assert_rejected(flow.sign_in_with(Fault::Expired).await);
}

#[tokio::test]
async fn expiry_is_judged_by_the_callers_clock() {
    let flow = Flow::start();
    let login = flow.authorize().await;
    let later = Utc::now() + chrono::Duration::hours(2);
    assert_rejected(flow.client.exchange(&login.code, &login.verifier, &login.nonce, later).await);
}

#[tokio::test]
async fn a_forged_signature_is_rejected() {
    let flow = Flow::start();
    assert_rejected(flow.sign_in_with(Fault::BadSignature).await);
}

#[tokio::test]
async fn an_hs256_token_signed_with_the_client_secret_is_rejected() {
    let flow = Flow::start();
    assert_rejected(flow.sign_in_with(Fault::SymmetricAlgorithm).await);
}

#[tokio::test]
async fn a_reused_code_is_rejected() {
    let flow = Flow::start();
    let login = flow.authorize().await;
    flow.exchange(&login).await.unwrap();
    assert_rejected(flow.exchange(&login).await);
}

#[tokio::test]
async fn a_wrong_pkce_verifier_is_rejected() {
    let flow = Flow::start();
    let login = flow.authorize().await;
    let wrong = Login { verifier: new_opaque_token(), ..login };
    assert_rejected(flow.exchange(&wrong).await);
}

#[tokio::test]
async fn a_code_that_was_never_issued_is_rejected() {
    let flow = Flow::start();
    let login = flow.authorize().await;
    let forged = Login { code: "4/0Aforged".to_owned(), ..login };
    assert_rejected(flow.exchange(&forged).await);
}

#[tokio::test]
async fn a_provider_error_is_unavailable() {
    let flow = Flow::start();
    assert_unavailable(flow.sign_in_with(Fault::ServerError).await);
}

#[tokio::test]
async fn a_provider_slower_than_the_timeout_is_unavailable() {
    let flow = Flow::start();
    let client = flow.client.clone().with_timeout(Duration::from_millis(300)).unwrap();
    let login = flow.authorize().await;
    flow.sandbox.inject(Fault::Latency(Duration::from_secs(3)));
    let started = std::time::Instant::now();
    let result = client.exchange(&login.code, &login.verifier, &login.nonce, Utc::now()).await;
    assert_unavailable(result);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_unreachable_provider_is_unavailable() {
    let flow = Flow::start();
    let Flow { sandbox, client, .. } = flow;
    sandbox.shutdown().await;
    let result = client.authorization_url("s", "n", &pkce_challenge("v")).await;
    assert!(matches!(result, Err(GoogleError::Unavailable(_))), "{result:?}");
}

#[tokio::test]
async fn refused_client_credentials_are_unavailable_not_the_users_fault() {
    let flow = Flow::start();
    let config = GoogleConfig {
        client_secret: SecretString::from("not-the-secret"),
        ..config_for(&flow.sandbox)
    };
    let client = GoogleClient::new(config).unwrap();
    let login = flow.authorize().await;
    let result = client.exchange(&login.code, &login.verifier, &login.nonce, Utc::now()).await;
    assert_unavailable(result);
}

#[tokio::test]
async fn a_discovery_document_for_another_issuer_is_unavailable() {
    let flow = Flow::start();
    let localhost = format!("http://localhost:{}", flow.sandbox.addr().port());
    let client =
        GoogleClient::new(GoogleConfig { issuer: localhost, ..config_for(&flow.sandbox) }).unwrap();
    let result = client.authorization_url("s", "n", &pkce_challenge("v")).await;
    assert!(matches!(result, Err(GoogleError::Unavailable(_))), "{result:?}");
}

#[tokio::test]
async fn discovery_and_keys_are_fetched_once_for_many_sign_ins() {
    let flow = Flow::start();
    for _ in 0..3 {
        flow.sign_in().await.unwrap();
    }
    let requests = flow.sandbox.requests();
    assert_eq!((requests.discovery, requests.jwks, requests.token), (1, 1, 3));
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_when_its_kid_is_first_seen() {
    let flow = Flow::start();
    flow.sign_in().await.unwrap();
    flow.sandbox.rotate_key();
    flow.sign_in().await.unwrap();
    flow.sign_in().await.unwrap();
    assert_eq!(flow.sandbox.requests().jwks, 2);
}

#[tokio::test]
async fn errors_never_carry_the_code_or_the_secret() {
    let flow = Flow::start();
    let login = flow.authorize().await;
    let errors = [
        flow.client.exchange(&login.code, "wrong-verifier", &login.nonce, Utc::now()).await,
        flow.exchange(&login).await,
    ];
    for result in errors {
        let error = result.unwrap_err();
        let text = format!("{error:?} {error}");
        assert!(!text.contains(&login.code), "{text}");
        assert!(!text.contains(flow.sandbox.client_secret()), "{text}");
        assert!(!text.contains(&login.verifier), "{text}");
    }
}
