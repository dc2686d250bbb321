use baton_proto::{
    auth::v1::{LogoutRequest, RefreshRequest},
    user::v1::GetMeRequest,
};
use chrono::Duration;
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, bearer};

async fn refresh(
    app: &TestApp,
    token: &str,
) -> Result<baton_proto::auth::v1::TokenPair, tonic::Status> {
    let response =
        app.auth().await.refresh(RefreshRequest { refresh_token: token.to_owned() }).await?;
    Ok(response.into_inner().tokens.expect("tokens"))
}

#[tokio::test]
async fn refresh_rotates_the_token_and_keeps_the_session() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    let first = app.login("ada@example.com", PASSWORD).await.unwrap();

    app.clock.advance(Duration::minutes(14));
    let second = refresh(&app, &first.refresh_token).await.unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_ne!(second.access_token, first.access_token);
    assert_eq!(
        second.refresh_token_expire_time, first.refresh_token_expire_time,
        "refreshing never extends the session's absolute cap"
    );
    let me = app.users().await.get_me(bearer(GetMeRequest {}, &second.access_token)).await;
    assert!(me.is_ok());

    let third = refresh(&app, &second.refresh_token).await.unwrap();
    assert_ne!(third.refresh_token, second.refresh_token);
}

#[tokio::test]
async fn refresh_token_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    let first = app.login("ada@example.com", PASSWORD).await.unwrap();
    let second = refresh(&app, &first.refresh_token).await.unwrap();

    let replay = refresh(&app, &first.refresh_token).await.unwrap_err();
    assert_eq!(replay.code(), Code::Unauthenticated);
    // The legitimate holder's newer token died with the family.
    let newest = refresh(&app, &second.refresh_token).await.unwrap_err();
    assert_eq!(newest.code(), Code::Unauthenticated);

    // Other sessions of the same user are untouched.
    let other = app.login("ada@example.com", PASSWORD).await.unwrap();
    assert!(refresh(&app, &other.refresh_token).await.is_ok());
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_succeed_exactly_once() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    let tokens = app.login("ada@example.com", PASSWORD).await.unwrap();

    let mut tasks = Vec::new();
    for _ in 0..20 {
        let mut client = app.auth().await;
        let token = tokens.refresh_token.clone();
        tasks.push(tokio::spawn(async move {
            client.refresh(RefreshRequest { refresh_token: token }).await
        }));
    }
    let mut successes = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => successes += 1,
            Err(status) => assert_eq!(status.code(), Code::Unauthenticated, "{status:?}"),
        }
    }
    assert_eq!(successes, 1);
}

#[tokio::test]
async fn unknown_refresh_tokens_are_rejected() {
    let app = TestApp::spawn().await;
    for token in ["", "nonsense", &"x".repeat(10_000)] {
        let status = refresh(&app, token).await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated);
    }
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    let tokens = app.login("ada@example.com", PASSWORD).await.unwrap();

    let mut auth = app.auth().await;
    auth.logout(LogoutRequest { refresh_token: tokens.refresh_token.clone() }).await.unwrap();
    let status = refresh(&app, &tokens.refresh_token).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    // Signing out again, or with a token nobody knows, is not an error.
    auth.logout(LogoutRequest { refresh_token: tokens.refresh_token }).await.unwrap();
    auth.logout(LogoutRequest { refresh_token: "unknown".into() }).await.unwrap();
}

#[tokio::test]
async fn a_session_dies_at_its_seven_day_cap() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    let mut tokens = app.login("ada@example.com", PASSWORD).await.unwrap();

    // Refreshing faithfully every 12 hours keeps it alive until the cap...
    for _ in 0..13 {
        app.clock.advance(Duration::hours(12));
        tokens = refresh(&app, &tokens.refresh_token).await.unwrap();
    }
    // ...and not a moment past it.
    app.clock.advance(Duration::hours(12));
    let status = refresh(&app, &tokens.refresh_token).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn a_deactivated_user_cannot_refresh() {
    let app = TestApp::spawn().await;
    let id = app.create_admin("ada@example.com", "Ada").await;
    let tokens = app.login("ada@example.com", PASSWORD).await.unwrap();
    app.deactivate(id).await;
    let status = refresh(&app, &tokens.refresh_token).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}
