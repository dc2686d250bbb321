//! Retried creates: one key makes exactly one account or invite, even when
//! the retries race; the stored reply is sealed, so no row holds a usable
//! link; replies are replayed for 24 hours and then purged.

use baton_proto::{
    auth::v1::{
        AcceptInviteRequest, NewAccountPassword, RefreshRequest, accept_invite_request::Method,
    },
    user::v1::{
        CreateUserRequest, InviteAthleteRequest, IssuePasswordResetRequest, ListInvitesRequest,
        ListUsersRequest, Role,
    },
};
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, bearer, link_token, reason};

fn create(email: &str, key: &str) -> CreateUserRequest {
    CreateUserRequest {
        email: email.to_owned(),
        display_name: "Nina New".to_owned(),
        roles: vec![Role::Coach as i32],
        idempotency_key: key.to_owned(),
        ..Default::default()
    }
}

#[tokio::test]
async fn concurrent_creates_with_one_key_make_one_account_and_the_same_reply() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let replies = futures::future::join_all((0..10).map(|_| {
        let app = &app;
        let token = root.access_token.clone();
        async move {
            let mut users = app.users().await;
            users.create_user(bearer(create("nina@example.com", "k-1"), &token)).await
        }
    }))
    .await;
    let replies: Vec<_> = replies.into_iter().map(|reply| reply.unwrap().into_inner()).collect();
    let first = &replies[0];
    for reply in &replies {
        assert_eq!(reply.user.as_ref().unwrap().id, first.user.as_ref().unwrap().id);
        assert_eq!(reply.setup_url, first.setup_url, "every retry gets the first link");
    }
    let listed = app
        .users()
        .await
        .list_users(bearer(
            ListUsersRequest { query: "nina@".to_owned(), ..Default::default() },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.users.len(), 1, "one account");

    // Another key is another create (here: refused, the email is taken).
    let other = app
        .users()
        .await
        .create_user(bearer(create("nina@example.com", "k-2"), &root.access_token))
        .await
        .unwrap_err();
    assert_eq!(reason(&other), "EMAIL_TAKEN");
}

#[tokio::test]
async fn concurrent_invites_with_one_key_make_one_invite() {
    let app = TestApp::spawn().await;
    let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
    let replies = futures::future::join_all((0..10).map(|_| {
        let app = &app;
        let token = coach.access_token.clone();
        async move {
            let request = InviteAthleteRequest {
                email: "anna@example.com".to_owned(),
                idempotency_key: "invite-anna".to_owned(),
            };
            app.users().await.invite_athlete(bearer(request, &token)).await
        }
    }))
    .await;
    let urls: std::collections::HashSet<String> =
        replies.into_iter().map(|reply| reply.unwrap().into_inner().invite_url).collect();
    assert_eq!(urls.len(), 1, "every retry got the first invite");
    let invites = app
        .users()
        .await
        .list_invites(bearer(ListInvitesRequest::default(), &coach.access_token))
        .await
        .unwrap()
        .into_inner()
        .invites;
    assert_eq!(invites.len(), 1, "one invite, none revoked by a second");
}

#[tokio::test]
async fn a_key_is_replayed_for_a_day_then_forgotten_and_purged() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let mut users = app.users().await;
    let first = users
        .create_user(bearer(create("nina@example.com", "day-key"), &root.access_token))
        .await
        .unwrap()
        .into_inner();
    // Access tokens last 15 minutes: sign in again after the clock moves.
    let token = async || app.login(&root.email, PASSWORD).await.unwrap().access_token;
    app.clock.advance(chrono::Duration::hours(23));
    let replayed = users
        .create_user(bearer(create("nina@example.com", "day-key"), &token().await))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(replayed.setup_url, first.setup_url);

    app.clock.advance(chrono::Duration::hours(2));
    let late = users
        .create_user(bearer(create("nina@example.com", "day-key"), &token().await))
        .await
        .unwrap_err();
    assert_eq!(late.code(), Code::AlreadyExists, "after 24 h the key is a new create");

    let purged = app.components.retention.purge().await.unwrap().expect("not purging elsewhere");
    assert_eq!(purged.idempotency_keys, 1);
    assert_eq!(app.sql_count("SELECT COUNT(*) AS n FROM idempotency_keys").await, 0);
}

/// Every credential the scenario handled, searched for in what the database
/// keeps, as text and as hex (how PostgreSQL shows bytes).
#[tokio::test]
async fn no_stored_row_holds_a_usable_token() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let mut seen = vec![root.access_token.clone(), root.refresh_token.clone()];
    let mut users = app.users().await;
    let mut auth = app.auth().await;

    let created = users
        .create_user(bearer(create("carla@example.com", "setup"), &root.access_token))
        .await
        .unwrap()
        .into_inner();
    let again = users
        .create_user(bearer(create("carla@example.com", "setup"), &root.access_token))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.setup_url, created.setup_url);
    let setup = link_token(&created.setup_url);
    seen.push(setup.clone());
    let accepted = auth
        .accept_invite(AcceptInviteRequest {
            invite_token: setup,
            method: Some(Method::NewPassword(NewAccountPassword { password: PASSWORD.to_owned() })),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let coach = accepted.tokens.unwrap();
    seen.extend([coach.access_token.clone(), coach.refresh_token.clone()]);

    let invite = InviteAthleteRequest {
        email: "anna@example.com".to_owned(),
        idempotency_key: "anna".to_owned(),
    };
    let invited =
        users.invite_athlete(bearer(invite, &coach.access_token)).await.unwrap().into_inner();
    seen.push(link_token(&invited.invite_url));

    let refreshed = auth
        .refresh(RefreshRequest { refresh_token: coach.refresh_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    seen.extend([refreshed.access_token, refreshed.refresh_token]);

    let coach_id = created.user.unwrap().id;
    let reset = users
        .issue_password_reset(bearer(
            IssuePasswordResetRequest { user_id: coach_id },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    seen.push(link_token(&reset.reset_url));

    let stored = app.stored_bytes().await;
    assert!(!stored.is_empty());
    for secret in &seen {
        let hex: String = secret.bytes().map(|byte| format!("{byte:02x}")).collect();
        for form in [secret.as_bytes(), hex.as_bytes()] {
            assert!(
                !stored.windows(form.len()).any(|window| window == form),
                "the database holds a usable token ({}…)",
                &secret[..8]
            );
        }
    }
}
