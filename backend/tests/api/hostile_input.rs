//! Nothing a client sends may cause a panic: property tests over the
//! parsers at the edge and the access-token verifier, with arbitrary input.

use baton::{
    crypto::{AccessTokens, KeyRing, PageTokens},
    domain::{DisplayName, Email, HttpsUrl, PageRequest, Password, Timezone},
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn field_parsers_never_panic_and_keep_their_promises(input in any::<String>()) {
        if let Ok(email) = Email::parse(&input) {
            prop_assert!(email.as_str().len() <= Email::MAX_LEN && email.as_str().contains('@'));
        }
        if let Ok(password) = Password::parse(&input) {
            let chars = password.expose().chars().count();
            prop_assert!((Password::MIN_CHARS..=Password::MAX_CHARS).contains(&chars));
            prop_assert_eq!(password.expose(), input.as_str(), "kept exactly as typed");
        }
        if let Ok(name) = DisplayName::parse(&input) {
            let name = name.as_str();
            prop_assert!(!name.is_empty() && name == name.trim());
            prop_assert!(name.chars().count() <= DisplayName::MAX_CHARS);
            prop_assert!(!name.chars().any(char::is_control));
        }
        if let Ok(zone) = Timezone::parse(&input) {
            prop_assert!(zone.as_str().parse::<chrono_tz::Tz>().is_ok());
        }
        if let Ok(url) = HttpsUrl::parse(&input) {
            prop_assert!(url.as_str().starts_with("https://"));
            prop_assert!(url.as_str().len() <= HttpsUrl::MAX_LEN, "the stored form fits its column");
        }
    }

    #[test]
    fn an_email_that_parses_is_normalized_and_bounded(input in "[ -~]{0,300}") {
        if let Ok(email) = Email::parse(&input) {
            prop_assert!(email.as_str().len() <= Email::MAX_LEN);
            prop_assert_eq!(email.normalized(), email.as_str().to_lowercase());
            prop_assert!(email.as_str().contains('@'));
        }
    }

    #[test]
    fn page_requests_and_tokens_never_panic_and_only_continue_their_query(
        size in any::<i32>(),
        token in any::<String>(),
        offset in any::<u32>(),
        scope in any::<[u8; 32]>(),
    ) {
        if let Ok(size) = PageRequest::size(size) {
            prop_assert!((1..=PageRequest::MAX_SIZE).contains(&size));
        }
        if let Ok(token) = PageRequest::token(&token) {
            prop_assert!(token.len() <= PageRequest::MAX_TOKEN_LEN);
        }
        let tokens = page_tokens();
        // Arbitrary text never opens; a real token opens for its scope only.
        prop_assert_eq!(tokens.open(&scope, &token), None);
        let signed = tokens.sign(&scope, offset);
        prop_assert_eq!(tokens.open(&scope, &signed), Some(offset));
        let mut other = scope;
        other[0] ^= 1;
        prop_assert_eq!(tokens.open(&other, &signed), None);
    }

    #[test]
    fn the_token_verifier_rejects_arbitrary_input_without_panicking(
        token in prop_oneof![
            any::<String>(),
            "[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,200}\\.[A-Za-z0-9_-]{0,90}",
        ],
    ) {
        let tokens = verifier();
        prop_assert!(tokens.verify(&token, chrono::Utc::now()).is_err());
    }
}

fn page_tokens() -> &'static PageTokens {
    static TOKENS: std::sync::OnceLock<(tempfile::TempDir, PageTokens)> =
        std::sync::OnceLock::new();
    &TOKENS
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let keys = KeyRing::load_or_generate(dir.path()).unwrap();
            (dir, PageTokens::new(keys.sealing))
        })
        .1
}

fn verifier() -> &'static AccessTokens {
    static TOKENS: std::sync::OnceLock<(tempfile::TempDir, AccessTokens)> =
        std::sync::OnceLock::new();
    &TOKENS
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let keys = KeyRing::load_or_generate(dir.path()).unwrap();
            let tokens = AccessTokens::new(
                keys.signing,
                "http://baton.test".into(),
                "baton".into(),
                chrono::Duration::minutes(15),
            );
            (dir, tokens)
        })
        .1
}

/// Random bytes as request messages, through grpc-web on a real server:
/// every reply is a gRPC status, and the server keeps serving.
#[tokio::test]
async fn garbage_request_messages_get_a_status_and_the_server_keeps_serving() {
    use rand::{Rng, RngCore};

    let app = crate::helpers::TestApp::spawn().await;
    let client = reqwest::Client::builder().http1_only().build().unwrap();
    let methods = [
        "/baton.auth.v1.AuthService/Login",
        "/baton.auth.v1.AuthService/Refresh",
        "/baton.auth.v1.AuthService/AcceptInvite",
        "/baton.auth.v1.AuthService/StartGoogleSignIn",
        "/baton.user.v1.UserService/GetMe",
        "/baton.user.v1.UserService/ListUsers",
        "/baton.sharing.v1.SharingService/ShareWorkouts",
        "/baton.sharing.v1.SharingService/ListOutgoingShares",
        "/baton.sharing.v1.SharingService/ListIncomingShares",
        "/baton.sharing.v1.SharingService/ImportShares",
    ];
    let mut rng = rand::rng();
    for round in 0..120 {
        let mut payload = vec![0u8; rng.random_range(0..512)];
        rng.fill_bytes(&mut payload);
        let mut body = vec![0u8];
        body.extend_from_slice(&u32::try_from(payload.len()).unwrap().to_be_bytes());
        body.extend_from_slice(&payload);
        let method = methods[round % methods.len()];
        let response = client
            .post(format!("{}{method}", app.url()))
            .header("content-type", "application/grpc-web+proto")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{method}");
        let in_headers = response.headers().contains_key("grpc-status");
        let bytes = response.bytes().await.unwrap();
        let in_trailers = String::from_utf8_lossy(&bytes).contains("grpc-status:");
        assert!(in_headers || in_trailers, "{method} answered without a gRPC status");
    }
    let health = tonic_health::pb::health_client::HealthClient::new(app.channel().await)
        .check(tonic_health::pb::HealthCheckRequest { service: String::new() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(health.status(), tonic_health::pb::health_check_response::ServingStatus::Serving);
}
