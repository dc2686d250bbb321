//! An ended session's access tokens stop working within seconds, on every
//! replica: after sign-out, revoking the session, refresh-token reuse and
//! deactivation. Each replica keeps the recently revoked sessions in memory
//! (no query per request) for as long as a token of theirs could be valid.

use baton_proto::{
    auth::v1::{ListSessionsRequest, LogoutRequest, RefreshRequest, RevokeSessionRequest},
    user::v1::{GetMeRequest, Role},
};
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, bearer};

async fn works(app: &TestApp, access_token: &str) -> bool {
    app.users().await.get_me(bearer(GetMeRequest {}, access_token)).await.is_ok()
}

#[tokio::test]
async fn signing_out_stops_the_access_token_on_every_replica() {
    let first = TestApp::spawn().await;
    let second = TestApp::start(first.storage.clone(), first.clock.clone()).await;
    first.create_admin("ada@example.com", "Ada").await;
    let tokens = first.login("ada@example.com", PASSWORD).await.unwrap();
    assert!(works(&second, &tokens.access_token).await, "the other replica accepts it first");

    let logout = LogoutRequest { refresh_token: tokens.refresh_token.clone() };
    first.auth().await.logout(logout).await.unwrap();
    first.wait_until_refused(&tokens.access_token).await;
    second.wait_until_refused(&tokens.access_token).await;
}

#[tokio::test]
async fn a_revoked_session_refresh_reuse_and_deactivation_each_stop_the_token() {
    let app = TestApp::spawn().await;
    let athlete = app.create_user("athlete@example.com", "Ada Athlete", &[Role::Athlete]).await;

    // Revoking one's other session.
    let other = app.login("athlete@example.com", PASSWORD).await.unwrap();
    let sessions = app
        .auth()
        .await
        .list_sessions(bearer(ListSessionsRequest::default(), &other.access_token))
        .await
        .unwrap()
        .into_inner()
        .sessions;
    let session_id = sessions.into_iter().find(|session| session.current).unwrap().id;
    let revoke = RevokeSessionRequest { session_id };
    app.auth().await.revoke_session(bearer(revoke, &athlete.access_token)).await.unwrap();
    app.wait_until_refused(&other.access_token).await;
    assert!(works(&app, &athlete.access_token).await, "only that session ended");

    // Presenting a used refresh token again.
    let stolen = app.login("athlete@example.com", PASSWORD).await.unwrap();
    let mut auth = app.auth().await;
    let rotated = auth
        .refresh(RefreshRequest { refresh_token: stolen.refresh_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    let replay = auth.refresh(RefreshRequest { refresh_token: stolen.refresh_token }).await;
    assert_eq!(replay.unwrap_err().code(), Code::Unauthenticated);
    app.wait_until_refused(&rotated.access_token).await;
    app.wait_until_refused(&stolen.access_token).await;

    // Deactivation ends every session.
    app.deactivate(athlete.id.parse().unwrap()).await;
    app.wait_until_refused(&athlete.access_token).await;
}

#[tokio::test]
async fn a_revoked_token_stays_refused_for_as_long_as_it_could_be_valid() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    let tokens = app.login("ada@example.com", PASSWORD).await.unwrap();
    let logout = LogoutRequest { refresh_token: tokens.refresh_token.clone() };
    app.auth().await.logout(logout).await.unwrap();
    app.wait_until_refused(&tokens.access_token).await;

    // Fourteen minutes on, the token has not expired: the list must still
    // name its session after re-reading it.
    app.clock.advance(chrono::Duration::minutes(14));
    app.components.revocations.refresh().await.unwrap();
    assert!(!works(&app, &tokens.access_token).await);

    // A replica started now learns of the revocation before it serves.
    let late = TestApp::start(app.storage.clone(), app.clock.clone()).await;
    assert!(!works(&late, &tokens.access_token).await);

    // A fresh session is unaffected.
    let fresh = app.login("ada@example.com", PASSWORD).await.unwrap();
    assert!(works(&app, &fresh.access_token).await);
}
