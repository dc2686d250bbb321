//! A signed-in user's own account: profile, password, sessions, audit.

use baton_proto::{
    auth::v1::{ChangePasswordRequest, ListSessionsRequest, RefreshRequest, RevokeSessionRequest},
    user::v1::{ListAuditEventsRequest, Role, Units, UpdateMeRequest},
};
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{PASSWORD, TestApp, bearer};

#[tokio::test]
async fn a_user_updates_their_profile_field_by_field() {
    let app = TestApp::spawn().await;
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    let mut users = app.users().await;
    let me = users
        .update_me(bearer(
            UpdateMeRequest {
                display_name: Some("Carla".into()),
                timezone: Some("Europe/Paris".into()),
                units: Some(Units::Imperial as i32),
                avatar_url: Some("https://img.example.com/carla.png".into()),
                payment_link: Some("https://pay.example.com/carla".into()),
            },
            &coach.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(me.display_name, "Carla");
    assert_eq!(me.timezone, "Europe/Paris");
    assert_eq!(me.units, Units::Imperial as i32);
    assert_eq!(me.payment_link, "https://pay.example.com/carla");

    // Unset fields stay; "" clears a link.
    let me = users
        .update_me(bearer(
            UpdateMeRequest { avatar_url: Some(String::new()), ..Default::default() },
            &coach.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(me.avatar_url, "");
    assert_eq!(me.display_name, "Carla");

    let status = users
        .update_me(bearer(
            UpdateMeRequest {
                display_name: Some(String::new()),
                timezone: Some("Nowhere/Land".into()),
                units: Some(Units::Unspecified as i32),
                avatar_url: Some("http://insecure.example.com/a.png".into()),
                payment_link: Some("javascript:alert(1)".into()),
            },
            &coach.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.get_details_bad_request().unwrap().field_violations.len(), 5);
}

#[tokio::test]
async fn only_coaches_have_a_payment_link() {
    let app = TestApp::spawn().await;
    let athlete = app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    let status = app
        .users()
        .await
        .update_me(bearer(
            UpdateMeRequest {
                payment_link: Some("https://pay.example.com/x".into()),
                ..Default::default()
            },
            &athlete.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn sessions_are_listed_with_the_current_one_marked_and_can_be_revoked() {
    let app = TestApp::spawn().await;
    let athlete = app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    let other = app.login("athlete@example.com", PASSWORD).await.unwrap();
    let mut auth = app.auth().await;

    let sessions = auth
        .list_sessions(bearer(ListSessionsRequest::default(), &athlete.access_token))
        .await
        .unwrap()
        .into_inner()
        .sessions;
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    let not_current = sessions.iter().find(|s| !s.current).unwrap();
    assert!(!not_current.client_address.is_empty(), "the address is recorded");

    auth.revoke_session(bearer(
        RevokeSessionRequest { session_id: not_current.id.clone() },
        &athlete.access_token,
    ))
    .await
    .unwrap();
    let refresh = auth.refresh(RefreshRequest { refresh_token: other.refresh_token }).await;
    assert_eq!(refresh.unwrap_err().code(), Code::Unauthenticated);
    let remaining = auth
        .list_sessions(bearer(ListSessionsRequest::default(), &athlete.access_token))
        .await
        .unwrap()
        .into_inner()
        .sessions;
    assert_eq!(remaining.len(), 1);
    assert!(remaining[0].current);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_may_sign_out_other_sessions() {
    let app = TestApp::spawn().await;
    let athlete = app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    let other = app.login("athlete@example.com", PASSWORD).await.unwrap();
    let mut auth = app.auth().await;
    let change = |current: &str, new: &str, revoke: bool| {
        bearer(
            ChangePasswordRequest {
                current_password: current.into(),
                new_password: new.into(),
                revoke_other_sessions: revoke,
            },
            &athlete.access_token,
        )
    };

    let wrong = auth
        .change_password(change("not my password", "a fresh passphrase", false))
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::InvalidArgument);
    assert_eq!(
        wrong.get_details_bad_request().unwrap().field_violations[0].field,
        "current_password"
    );
    let common = auth.change_password(change(PASSWORD, "password1234", false)).await.unwrap_err();
    assert_eq!(common.get_details_bad_request().unwrap().field_violations[0].field, "new_password");

    let changed = auth
        .change_password(change(PASSWORD, "a fresh passphrase", true))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(changed.revoked_session_count, 1);
    assert_eq!(
        auth.refresh(RefreshRequest { refresh_token: other.refresh_token })
            .await
            .unwrap_err()
            .code(),
        Code::Unauthenticated
    );
    assert!(
        auth.refresh(RefreshRequest { refresh_token: athlete.refresh_token }).await.is_ok(),
        "this one stays"
    );
    assert!(app.login("athlete@example.com", "a fresh passphrase").await.is_ok());
}

#[tokio::test]
async fn repeated_wrong_current_passwords_lock_password_changes() {
    let app = TestApp::spawn().await;
    let athlete = app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    let mut auth = app.auth().await;
    let change = |current: &str| {
        bearer(
            ChangePasswordRequest {
                current_password: current.into(),
                new_password: "a fresh passphrase".into(),
                revoke_other_sessions: false,
            },
            &athlete.access_token,
        )
    };
    for _ in 0..5 {
        assert_eq!(
            auth.change_password(change("guess guess guess")).await.unwrap_err().code(),
            Code::InvalidArgument
        );
    }
    let locked = auth.change_password(change(PASSWORD)).await.unwrap_err();
    assert_eq!(
        locked.code(),
        Code::ResourceExhausted,
        "even the right password waits out the lock"
    );
}

#[tokio::test]
async fn repeated_failures_soft_lock_an_account_with_a_growing_lock() {
    let app = TestApp::spawn().await;
    app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    for _ in 0..5 {
        assert_eq!(
            app.login("athlete@example.com", "wrong wrong wrong").await.unwrap_err().code(),
            Code::Unauthenticated
        );
    }
    // Locked: even the right password gets the same generic answer.
    let locked = app.login("athlete@example.com", PASSWORD).await.unwrap_err();
    assert_eq!((locked.code(), locked.message()), (Code::Unauthenticated, "authentication failed"));

    app.clock.advance(chrono::Duration::seconds(31));
    assert!(app.login("athlete@example.com", PASSWORD).await.is_ok(), "the first lock lasts 30 s");

    // After a success the count starts over. Attempts during a lock do not
    // count; each failure after a lock ends doubles the next one.
    for _ in 0..5 {
        let _ = app.login("athlete@example.com", "wrong wrong wrong").await;
    }
    app.clock.advance(chrono::Duration::seconds(31));
    let _ = app.login("athlete@example.com", "wrong wrong wrong").await;
    app.clock.advance(chrono::Duration::seconds(31));
    assert!(
        app.login("athlete@example.com", PASSWORD).await.is_err(),
        "the sixth failure locks for 60 s"
    );
    app.clock.advance(chrono::Duration::seconds(30));
    assert!(app.login("athlete@example.com", PASSWORD).await.is_ok());
}

#[tokio::test]
async fn unknown_accounts_are_throttled_like_known_ones() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        let _ = app.login("ghost@example.com", "wrong wrong wrong").await;
    }
    use baton::clock::Clock;
    let reader = app.components.db.reader();
    let locked = baton::store::throttle::locked_until(reader, "ghost@example.com", app.clock.now())
        .await
        .unwrap();
    assert!(locked.is_some(), "five failures lock an address nobody has");
}

#[tokio::test]
async fn too_many_attempts_from_one_address_are_refused() {
    let storage = std::sync::Arc::new(crate::helpers::TestStorage::new().await);
    let clock = baton::clock::ManualClock::new(chrono::Utc::now());
    let app =
        TestApp::start_with(storage, clock, |config| config.login_per_address_per_minute = 3).await;
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(app.login("nobody@example.com", PASSWORD).await.unwrap_err().code());
    }
    assert_eq!(
        codes,
        [
            Code::Unauthenticated,
            Code::Unauthenticated,
            Code::Unauthenticated,
            Code::ResourceExhausted
        ]
    );
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(
        app.login("nobody@example.com", PASSWORD).await.unwrap_err().code(),
        Code::Unauthenticated
    );
}

#[tokio::test]
async fn the_audit_log_records_security_events_and_users_see_only_their_own() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let athlete = app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    let _ = app.login("athlete@example.com", "wrong wrong wrong").await;
    for _ in 0..5 {
        let _ = app.login("other@example.com", "wrong wrong wrong").await;
    }

    let mine = app
        .users()
        .await
        .list_audit_events(bearer(ListAuditEventsRequest::default(), &athlete.access_token))
        .await
        .unwrap()
        .into_inner()
        .events;
    let actions: Vec<_> = mine.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"auth.login.failed"), "{actions:?}");
    assert!(actions.contains(&"auth.login.succeeded"), "{actions:?}");
    assert!(actions.iter().all(|a| a.starts_with("auth.")), "only security events: {actions:?}");
    assert!(mine.iter().all(|e| e.subject_user_id == athlete.id || e.actor_id == athlete.id));

    let all = app
        .users()
        .await
        .list_audit_events(bearer(
            ListAuditEventsRequest { action_prefix: "auth.lockout".into(), ..Default::default() },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(all.len(), 1, "the lockout of an unknown account is logged too");
    let created = app
        .users()
        .await
        .list_audit_events(bearer(
            ListAuditEventsRequest {
                user_id: athlete.id.clone(),
                action_prefix: "user.".into(),
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .events;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].action, "user.created");
    assert_eq!(created[0].actor_display_name, "Root Admin");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_clients() {
    use baton_proto::auth::v1::LoginRequest;
    let login_from = |forwarded: &'static str| {
        let mut request = tonic::Request::new(LoginRequest {
            email: "athlete@example.com".into(),
            password: PASSWORD.into(),
        });
        request.metadata_mut().insert("x-forwarded-for", forwarded.parse().unwrap());
        request
    };
    // Not trusted: the header is ignored.
    let app = TestApp::spawn().await;
    app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    let reply = app.auth().await.login(login_from("203.0.113.7")).await.unwrap().into_inner();
    let Some(baton_proto::auth::v1::login_response::Result::Tokens(tokens)) = reply.result else {
        panic!()
    };
    assert_eq!(current_session_address(&app, &tokens.access_token).await, "127.0.0.1");

    // Trusted (the tests' peer is loopback): the forwarded address counts.
    let storage = std::sync::Arc::new(crate::helpers::TestStorage::new().await);
    let clock = baton::clock::ManualClock::new(chrono::Utc::now());
    let app = TestApp::start_with(storage, clock, |config| {
        config.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    let reply =
        app.auth().await.login(login_from("198.51.100.1, 203.0.113.7")).await.unwrap().into_inner();
    let Some(baton_proto::auth::v1::login_response::Result::Tokens(tokens)) = reply.result else {
        panic!()
    };
    assert_eq!(current_session_address(&app, &tokens.access_token).await, "203.0.113.7");
}

async fn current_session_address(app: &TestApp, access_token: &str) -> String {
    let sessions = app
        .auth()
        .await
        .list_sessions(bearer(ListSessionsRequest::default(), access_token))
        .await
        .unwrap()
        .into_inner()
        .sessions;
    sessions.into_iter().find(|s| s.current).unwrap().client_address
}
