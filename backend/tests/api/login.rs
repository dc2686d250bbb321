use baton::clock::Clock;
use baton_proto::{
    auth::v1::LoginRequest,
    user::v1::{GetMeRequest, Role},
};
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{PASSWORD, TestApp, bearer};

#[tokio::test]
async fn admin_signs_in_and_sees_themself() {
    let app = TestApp::spawn().await;
    let id = app.create_admin("ada@example.com", "Ada Admin").await;

    let tokens = app.login("ADA@example.com", PASSWORD).await.unwrap();
    assert!(!tokens.access_token.is_empty());
    assert!(tokens.refresh_token.len() >= 43, "256-bit refresh token");
    let access_expiry = tokens.access_token_expire_time.unwrap().seconds;
    let now = app.clock.now().timestamp();
    assert_eq!(access_expiry - now, 15 * 60);
    assert_eq!(tokens.refresh_token_expire_time.unwrap().seconds - now, 7 * 24 * 3600);

    let me = app
        .users()
        .await
        .get_me(bearer(GetMeRequest {}, &tokens.access_token))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(me.id, id.to_string());
    assert_eq!(me.email, "ada@example.com");
    assert_eq!(me.display_name, "Ada Admin");
    assert_eq!(me.roles, vec![Role::Admin as i32]);
    assert!(me.active && me.has_password && !me.google_linked);
    assert_eq!(me.last_sign_in_time.unwrap().seconds, now, "this sign-in");
}

#[tokio::test]
async fn every_sign_in_failure_gets_the_same_answer() {
    let app = TestApp::spawn().await;
    let id = app.create_admin("ada@example.com", "Ada Admin").await;
    app.create_admin("grace@example.com", "Grace").await;
    app.deactivate(id).await;

    let attempts = [
        ("nobody@example.com", PASSWORD),          // unknown email
        ("grace@example.com", "not the password"), // wrong password
        ("ada@example.com", PASSWORD),             // deactivated
        ("grace@example.com", " correct horse battery staple"), // compared exactly
    ];
    let mut answers = Vec::new();
    for (email, password) in attempts {
        let status = app.login(email, password).await.unwrap_err();
        answers.push((status.code(), status.message().to_owned()));
    }
    assert_eq!(answers[0].0, Code::Unauthenticated);
    assert!(answers.iter().all(|answer| *answer == answers[0]), "{answers:?}");
}

#[tokio::test]
async fn malformed_sign_in_input_names_the_field() {
    let app = TestApp::spawn().await;
    let mut auth = app.auth().await;

    let status = auth
        .login(LoginRequest { email: "not-an-email".into(), password: PASSWORD.into() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let violations = status.get_details_bad_request().unwrap().field_violations;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].field, "email");

    let status = auth
        .login(LoginRequest { email: "ada@example.com".into(), password: String::new() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.get_details_bad_request().unwrap().field_violations[0].field, "password");
}

#[tokio::test]
async fn get_me_needs_a_token() {
    let app = TestApp::spawn().await;
    let status = app.users().await.get_me(GetMeRequest {}).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}
