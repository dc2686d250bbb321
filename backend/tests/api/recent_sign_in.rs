//! A stolen access token alone cannot become a permanent login: adding a
//! Google sign-in, setting a first password and removing Google need a
//! sign-in (or a re-authentication) within the last 10 minutes. Resets and
//! an admin's sign-out end every session and say which ways in remain.

use baton_proto::{
    auth::v1::{
        AcceptInviteRequest, ChangePasswordRequest, GoogleSignInPurpose, ReauthenticateRequest,
        RefreshRequest, ResetPasswordRequest, UnlinkGoogleRequest, accept_invite_request::Method,
        reauthenticate_request,
    },
    user::v1::{
        CreateUserRequest, IssuePasswordResetRequest, ListAuditEventsRequest,
        RevokeUserSessionsRequest, Role, SignInMethod,
    },
};
use baton_sandbox::Identity;
use tonic::Code;

use crate::{
    google::{GoogleApp, authorize, link, spawn, try_authorize},
    helpers::{PASSWORD, TestApp, TestUser, bearer, link_token, reason},
};

/// Eleven minutes later, with a fresh access token from the same session
/// (refreshing does not count as signing in).
async fn later(app: &TestApp, user: &mut TestUser) {
    app.clock.advance(chrono::Duration::minutes(11));
    let refreshed = app
        .auth()
        .await
        .refresh(RefreshRequest { refresh_token: user.refresh_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    user.access_token = refreshed.access_token;
    user.refresh_token = refreshed.refresh_token;
}

async fn reauthenticate(
    app: &TestApp,
    user: &TestUser,
    method: reauthenticate_request::Method,
) -> Result<(), tonic::Status> {
    let request = ReauthenticateRequest { method: Some(method) };
    app.auth().await.reauthenticate(bearer(request, &user.access_token)).await.map(drop)
}

fn password(value: &str) -> reauthenticate_request::Method {
    reauthenticate_request::Method::Password(value.to_owned())
}

#[tokio::test]
async fn linking_google_needs_a_recent_sign_in_and_the_password_renews_it() {
    let GoogleApp { app, google: _google } = spawn(false).await;
    let mut athlete = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    later(&app, &mut athlete).await;

    let stale = link(&app, &athlete).await.unwrap_err();
    assert_eq!(
        (stale.code(), reason(&stale).as_str()),
        (Code::FailedPrecondition, "RECENT_SIGN_IN_REQUIRED")
    );

    let wrong = reauthenticate(&app, &athlete, password("not my password at all")).await;
    let wrong = wrong.unwrap_err();
    assert_eq!(wrong.code(), Code::InvalidArgument);
    use tonic_types::StatusExt;
    let field = wrong.get_details_bad_request().unwrap().field_violations[0].field.clone();
    assert_eq!(field, "password");

    reauthenticate(&app, &athlete, password(PASSWORD)).await.unwrap();
    link(&app, &athlete).await.expect("linking works after confirming");
}

#[tokio::test]
async fn a_google_only_account_sets_a_first_password_only_after_confirming_with_google() {
    let GoogleApp { app, google } = spawn(false).await;
    google.set_identity(Identity { sub: "google-only".into(), ..Identity::default() });
    let root = app.root().await.clone();
    let created = app
        .users()
        .await
        .create_user(bearer(
            CreateUserRequest {
                email: "gina@example.com".into(),
                display_name: "Gina".into(),
                roles: vec![Role::Athlete as i32],
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    let invite_token = link_token(&created.setup_url);
    let authorization =
        authorize(&app, GoogleSignInPurpose::AcceptInvite, &invite_token, None).await;
    let accepted = app
        .auth()
        .await
        .accept_invite(AcceptInviteRequest {
            invite_token,
            method: Some(Method::Google(authorization)),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let tokens = accepted.tokens.unwrap();
    let user = accepted.user.unwrap();
    let mut gina = TestUser {
        id: user.id,
        email: user.email,
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
    };
    later(&app, &mut gina).await;

    let first_password = || {
        bearer(
            ChangePasswordRequest {
                current_password: String::new(),
                new_password: "a first password for gina".into(),
                revoke_other_sessions: false,
            },
            &gina.access_token,
        )
    };
    let stale = app.auth().await.change_password(first_password()).await.unwrap_err();
    assert_eq!(reason(&stale), "RECENT_SIGN_IN_REQUIRED");

    // Another Google account cannot confirm for this one.
    google.set_identity(Identity { sub: "someone-else".into(), ..Identity::default() });
    let other =
        authorize(&app, GoogleSignInPurpose::Reauthenticate, "", Some(&gina.access_token)).await;
    let mismatch = reauthenticate(&app, &gina, reauthenticate_request::Method::Google(other)).await;
    assert_eq!(reason(&mismatch.unwrap_err()), "GOOGLE_ACCOUNT_MISMATCH");

    google.set_identity(Identity { sub: "google-only".into(), ..Identity::default() });
    let own =
        authorize(&app, GoogleSignInPurpose::Reauthenticate, "", Some(&gina.access_token)).await;
    reauthenticate(&app, &gina, reauthenticate_request::Method::Google(own)).await.unwrap();
    app.auth().await.change_password(first_password()).await.expect("a first password now");
}

#[tokio::test]
async fn google_is_removed_by_its_owner_with_a_recent_sign_in_or_by_an_admin() {
    let GoogleApp { app, google } = spawn(false).await;
    let mut anna = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    let ben = app.create_user("ben@example.com", "Ben", &[Role::Athlete]).await;
    google.set_identity(Identity { sub: "anna-google".into(), ..Identity::default() });
    link(&app, &anna).await.unwrap();
    google.set_identity(Identity { sub: "ben-google".into(), ..Identity::default() });
    link(&app, &ben).await.unwrap();
    let unlink = |user_id: &str, token: &str| {
        bearer(UnlinkGoogleRequest { user_id: user_id.to_owned() }, token)
    };

    let by_ben = app.auth().await.unlink_google(unlink(&anna.id, &ben.access_token)).await;
    assert_eq!(by_ben.unwrap_err().code(), Code::PermissionDenied, "not someone else's");

    later(&app, &mut anna).await;
    let stale = app.auth().await.unlink_google(unlink("", &anna.access_token)).await.unwrap_err();
    assert_eq!(reason(&stale), "RECENT_SIGN_IN_REQUIRED");
    reauthenticate(&app, &anna, password(PASSWORD)).await.unwrap();
    let user = app
        .auth()
        .await
        .unlink_google(unlink("", &anna.access_token))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert!(!user.google_linked && user.has_password);
    let again = app.auth().await.unlink_google(unlink("", &anna.access_token)).await.unwrap_err();
    assert_eq!(reason(&again), "GOOGLE_NOT_LINKED");

    let root = app.root().await.clone();
    let removed = app
        .auth()
        .await
        .unlink_google(unlink(&ben.id, &root.access_token))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert!(!removed.google_linked, "an admin removes it");
    let unknown = uuid::Uuid::new_v4().to_string();
    let missing = app.auth().await.unlink_google(unlink(&unknown, &root.access_token)).await;
    assert_eq!(missing.unwrap_err().code(), Code::NotFound);

    let events = app
        .users()
        .await
        .list_audit_events(bearer(
            ListAuditEventsRequest { action_prefix: "auth.google".into(), ..Default::default() },
            &ben.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .events;
    let told = events.iter().find(|event| event.action == "auth.google_unlinked").unwrap();
    assert!(told.summary.contains("by an admin") && told.summary.contains("password"), "{told:?}");
}

#[tokio::test]
async fn the_last_way_to_sign_in_cannot_be_removed_by_its_owner() {
    let GoogleApp { app, google } = spawn(false).await;
    google.set_identity(Identity { sub: "only-google".into(), ..Identity::default() });
    let root = app.root().await.clone();
    let created = app
        .users()
        .await
        .create_user(bearer(
            CreateUserRequest {
                email: "gus@example.com".into(),
                display_name: "Gus".into(),
                roles: vec![Role::Athlete as i32],
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    let invite_token = link_token(&created.setup_url);
    let authorization =
        try_authorize(&app, GoogleSignInPurpose::AcceptInvite, &invite_token, None).await.unwrap();
    let tokens = app
        .auth()
        .await
        .accept_invite(AcceptInviteRequest {
            invite_token,
            method: Some(Method::Google(authorization)),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    let request = bearer(UnlinkGoogleRequest::default(), &tokens.access_token);
    let refused = app.auth().await.unlink_google(request).await.unwrap_err();
    assert_eq!(reason(&refused), "LAST_SIGN_IN_METHOD");
}

#[tokio::test]
async fn a_reset_or_an_admin_sign_out_ends_every_session_and_says_what_remains() {
    let app = TestApp::spawn().await;
    let anna = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    let root = app.root().await.clone();

    let revoked = app
        .users()
        .await
        .revoke_user_sessions(bearer(
            RevokeUserSessionsRequest { user_id: anna.id.clone() },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revoked.sign_in_methods, vec![SignInMethod::Password as i32]);
    app.wait_until_refused(&anna.access_token).await;
    let again = app.login(&anna.email, PASSWORD).await.unwrap();
    let events = app
        .users()
        .await
        .list_audit_events(bearer(ListAuditEventsRequest::default(), &again.access_token))
        .await
        .unwrap()
        .into_inner()
        .events;
    let told = events.iter().find(|event| event.action == "auth.signed_out_everywhere").unwrap();
    assert!(told.summary.contains("password"), "{told:?}");

    let reset = app
        .users()
        .await
        .issue_password_reset(bearer(
            IssuePasswordResetRequest { user_id: anna.id.clone() },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    let methods = app
        .auth()
        .await
        .reset_password(ResetPasswordRequest {
            reset_token: link_token(&reset.reset_url),
            new_password: "a brand new passphrase".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .sign_in_methods;
    assert_eq!(methods, vec![SignInMethod::Password as i32]);
    app.wait_until_refused(&again.access_token).await;
}
