//! Every way an access token can be wrong is rejected as UNAUTHENTICATED.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use baton::crypto::{AccessTokens, KeyRing};
use baton_proto::user::v1::GetMeRequest;
use chrono::Duration;
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, bearer};

async fn get_me_code(app: &TestApp, token: &str) -> Code {
    match app.users().await.get_me(bearer(GetMeRequest {}, token)).await {
        Ok(_) => Code::Ok,
        Err(status) => status.code(),
    }
}

async fn signed_in(app: &TestApp) -> String {
    app.create_admin("ada@example.com", "Ada").await;
    app.login("ada@example.com", PASSWORD).await.unwrap().access_token
}

#[tokio::test]
async fn an_expired_access_token_is_rejected() {
    let app = TestApp::spawn().await;
    let token = signed_in(&app).await;
    assert_eq!(get_me_code(&app, &token).await, Code::Ok);
    app.clock.advance(Duration::minutes(16));
    assert_eq!(get_me_code(&app, &token).await, Code::Unauthenticated);
}

#[tokio::test]
async fn a_tampered_access_token_is_rejected() {
    let app = TestApp::spawn().await;
    let token = signed_in(&app).await;
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    claims["roles"] = serde_json::json!(["admin", "coach"]);
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    assert_eq!(get_me_code(&app, &parts.join(".")).await, Code::Unauthenticated);

    let mut flipped = token.into_bytes();
    let last = flipped.len() - 2;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    assert_eq!(get_me_code(&app, &flipped).await, Code::Unauthenticated);
}

#[tokio::test]
async fn a_token_for_another_audience_or_issuer_is_rejected() {
    let app = TestApp::spawn().await;
    let token = signed_in(&app).await;
    let claims = decode_claims(&token);
    let keys = KeyRing::load(&app.storage.keys_dir()).unwrap();
    let now = chrono::Utc::now();
    let user: uuid::Uuid = claims["sub"].as_str().unwrap().parse().unwrap();
    let sid: uuid::Uuid = claims["sid"].as_str().unwrap().parse().unwrap();

    let other_audience = AccessTokens::new(
        keys.signing.clone(),
        claims["iss"].as_str().unwrap().to_owned(),
        "another-service".to_owned(),
        Duration::minutes(15),
    );
    let (token, _) = other_audience.issue(user, sid, vec!["admin".into()], now).unwrap();
    assert_eq!(get_me_code(&app, &token).await, Code::Unauthenticated);

    let other_issuer = AccessTokens::new(
        keys.signing,
        "https://evil.example".to_owned(),
        "baton".to_owned(),
        Duration::minutes(15),
    );
    let (token, _) = other_issuer.issue(user, sid, vec!["admin".into()], now).unwrap();
    assert_eq!(get_me_code(&app, &token).await, Code::Unauthenticated);
}

#[tokio::test]
async fn a_token_with_the_wrong_type_is_rejected() {
    let app = TestApp::spawn().await;
    let token = signed_in(&app).await;
    let claims = decode_claims(&token);
    let kid = decode_header(&token)["kid"].as_str().unwrap().to_owned();
    let pem =
        std::fs::read(app.storage.keys_dir().join("signing").join(format!("{kid}.pem"))).unwrap();
    let key = jsonwebtoken::EncodingKey::from_ed_pem(&pem).unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some(kid);
    header.typ = Some("JWT".to_owned());
    let token = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    assert_eq!(get_me_code(&app, &token).await, Code::Unauthenticated);
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_rejected() {
    let app = TestApp::spawn().await;
    let token = signed_in(&app).await;
    let claims = decode_claims(&token);
    let header = serde_json::json!({"alg": "none", "typ": "at+jwt"});
    let forged = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    assert_eq!(get_me_code(&app, &forged).await, Code::Unauthenticated);
}

#[tokio::test]
async fn garbage_bearer_tokens_are_rejected() {
    let app = TestApp::spawn().await;
    for token in ["x", "a.b.c", "....", &"A".repeat(8192)] {
        assert_eq!(get_me_code(&app, token).await, Code::Unauthenticated);
    }
}

fn decode_claims(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn decode_header(token: &str) -> serde_json::Value {
    let header = token.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap()
}
