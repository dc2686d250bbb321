//! Self-registration: off by default; when on, it creates a signed-in athlete.

use std::sync::Arc;

use baton_proto::{auth::v1::SignUpRequest, user::v1::Role};
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, TestStorage};

fn request(email: &str) -> SignUpRequest {
    SignUpRequest {
        email: email.to_owned(),
        password: PASSWORD.to_owned(),
        display_name: "Sam".to_owned(),
        timezone: "Asia/Tokyo".to_owned(),
    }
}

#[tokio::test]
async fn sign_up_is_refused_while_self_registration_is_off() {
    let app = TestApp::spawn().await;
    let status = app.auth().await.sign_up(request("sam@example.com")).await.unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    // Whatever the payload.
    let status = app.auth().await.sign_up(SignUpRequest::default()).await.unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn with_self_registration_on_a_person_signs_up_as_an_athlete() {
    let storage = Arc::new(TestStorage::new().await);
    let clock = baton::clock::ManualClock::new(chrono::Utc::now());
    let app = TestApp::start_with(storage, clock, |config| config.self_signup = true).await;
    let reply = app.auth().await.sign_up(request("Sam@Example.com")).await.unwrap().into_inner();
    let user = reply.user.unwrap();
    assert_eq!(user.roles, vec![Role::Athlete as i32]);
    assert_eq!(user.timezone, "Asia/Tokyo");
    assert!(reply.tokens.is_some());
    assert!(app.login("sam@example.com", PASSWORD).await.is_ok());

    let taken = app.auth().await.sign_up(request("SAM@example.com")).await.unwrap_err();
    assert_eq!(taken.code(), Code::AlreadyExists);
    let weak = app
        .auth()
        .await
        .sign_up(SignUpRequest { password: "short".into(), ..request("new@example.com") })
        .await
        .unwrap_err();
    assert_eq!(weak.code(), Code::InvalidArgument);
}
