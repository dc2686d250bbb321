//! User administration: listing, creating, changing, deleting users.

use baton_proto::{
    auth::v1::{
        AcceptInviteRequest, NewAccountPassword, RefreshRequest, ResetPasswordRequest,
        accept_invite_request::Method,
    },
    user::v1::{
        CreateUserRequest, DeleteUserRequest, GetMeRequest, GetOverviewRequest,
        IssuePasswordResetRequest, ListUsersRequest, RevokeUserSessionsRequest, Role, RoleSet,
        UpdateUserRequest,
    },
};
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{PASSWORD, TestApp, bearer, link_token};

#[tokio::test]
async fn users_are_searched_filtered_and_paged() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    for (email, name, role) in [
        ("carla@example.com", "Carla Coach", Role::Coach),
        ("cody@example.com", "Cody Coach", Role::Coach),
        ("anna@example.com", "Anna Athlete", Role::Athlete),
        ("arne@example.com", "Arne 50% Athlete", Role::Athlete),
    ] {
        app.create_user(email, name, &[role]).await;
    }
    let mut users = app.users().await;
    let list = |request: ListUsersRequest| bearer(request, &root.access_token);

    let coaches = users
        .list_users(list(ListUsersRequest { role: Role::Coach as i32, ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    let emails: Vec<_> = coaches.users.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails, ["carla@example.com", "cody@example.com"]);
    assert_eq!(coaches.total_size, 2);

    let search = users
        .list_users(list(ListUsersRequest { query: "ATHLETE".into(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(search.users.len(), 2, "search is case-insensitive over names");
    let percent = users
        .list_users(list(ListUsersRequest { query: "50%".into(), ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(percent.users.len(), 1, "LIKE wildcards are matched literally");

    // Two per page over five users (root included), in email order.
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = users
            .list_users(list(ListUsersRequest {
                page_size: 2,
                page_token: token,
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(page.users.len() <= 2);
        assert_eq!(page.total_size, 5);
        seen.extend(page.users.into_iter().map(|u| u.email));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 5);

    // A page token belongs to its query.
    let first = users
        .list_users(list(ListUsersRequest { page_size: 1, ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    let status = users
        .list_users(list(ListUsersRequest {
            page_size: 1,
            page_token: first.next_page_token,
            role: Role::Coach as i32,
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_created_user_sets_a_password_through_the_setup_link_once() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let created = app
        .users()
        .await
        .create_user(bearer(
            CreateUserRequest {
                email: "Coach@Example.com".into(),
                display_name: "  Carla  ".into(),
                roles: vec![Role::Coach as i32, Role::Athlete as i32],
                timezone: "Europe/Berlin".into(),
                idempotency_key: String::new(),
            },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    let user = created.user.unwrap();
    assert_eq!(user.display_name, "Carla");
    assert_eq!(user.timezone, "Europe/Berlin");
    assert!(!user.has_password);
    assert!(created.setup_url.starts_with("http://baton.test/invite#"));
    assert!(app.login("coach@example.com", PASSWORD).await.is_err(), "no credential yet");

    let token = link_token(&created.setup_url);
    let accept = |password: &str| AcceptInviteRequest {
        invite_token: token.clone(),
        method: Some(Method::NewPassword(NewAccountPassword { password: password.into() })),
        ..Default::default()
    };
    let weak = app.auth().await.accept_invite(accept("short")).await.unwrap_err();
    assert_eq!(weak.code(), Code::InvalidArgument);
    let accepted = app.auth().await.accept_invite(accept(PASSWORD)).await.unwrap().into_inner();
    let me = accepted.user.unwrap();
    assert_eq!(me.id, user.id);
    assert_eq!(
        (me.display_name.as_str(), me.timezone.as_str()),
        ("Carla", "Europe/Berlin"),
        "the admin's choices stay"
    );
    assert_eq!(me.roles, vec![Role::Athlete as i32, Role::Coach as i32]);
    assert!(accepted.tokens.is_some());
    assert!(app.login("coach@example.com", PASSWORD).await.is_ok());

    let again = app.auth().await.accept_invite(accept("another long password")).await.unwrap_err();
    assert_eq!(again.code(), Code::FailedPrecondition, "a setup link works once");
}

#[tokio::test]
async fn create_user_validates_every_field_and_rejects_duplicates() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let mut users = app.users().await;
    let status = users
        .create_user(bearer(
            CreateUserRequest {
                email: "nope".into(),
                display_name: " ".into(),
                roles: vec![],
                timezone: "Mars/Base".into(),
                idempotency_key: String::new(),
            },
            &root.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut fields: Vec<_> = status
        .get_details_bad_request()
        .unwrap()
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect();
    fields.sort();
    assert_eq!(fields, ["display_name", "email", "roles", "timezone"]);

    let request = || CreateUserRequest {
        email: "dup@example.com".into(),
        display_name: "Dup".into(),
        roles: vec![Role::Athlete as i32],
        ..Default::default()
    };
    users.create_user(bearer(request(), &root.access_token)).await.unwrap();
    let status = users
        .create_user(bearer(
            CreateUserRequest { email: "DUP@example.com".into(), ..request() },
            &root.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::AlreadyExists);
}

#[tokio::test]
async fn a_retried_create_with_the_same_key_is_replayed_not_repeated() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let mut users = app.users().await;
    let request = || CreateUserRequest {
        email: "once@example.com".into(),
        display_name: "Once".into(),
        roles: vec![Role::Athlete as i32],
        idempotency_key: "create-once-1".into(),
        ..Default::default()
    };
    let first =
        users.create_user(bearer(request(), &root.access_token)).await.unwrap().into_inner();
    let second =
        users.create_user(bearer(request(), &root.access_token)).await.unwrap().into_inner();
    assert_eq!(first, second, "the first reply is replayed");
    let status = users
        .create_user(bearer(
            CreateUserRequest { idempotency_key: "create-once-2".into(), ..request() },
            &root.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::AlreadyExists, "a new key is a new create");
}

#[tokio::test]
async fn a_role_change_or_deactivation_signs_the_user_out_at_once() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    let athlete = app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    let mut users = app.users().await;

    let updated = users
        .update_user(bearer(
            UpdateUserRequest {
                user_id: coach.id.clone(),
                roles: Some(RoleSet { roles: vec![Role::Coach as i32, Role::Athlete as i32] }),
                display_name: Some("Carla".into()),
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(updated.display_name, "Carla");
    assert_eq!(updated.roles, vec![Role::Athlete as i32, Role::Coach as i32]);
    let refresh =
        app.auth().await.refresh(RefreshRequest { refresh_token: coach.refresh_token }).await;
    assert_eq!(refresh.unwrap_err().code(), Code::Unauthenticated);

    users
        .update_user(bearer(
            UpdateUserRequest {
                user_id: athlete.id.clone(),
                active: Some(false),
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap();
    let refresh =
        app.auth().await.refresh(RefreshRequest { refresh_token: athlete.refresh_token }).await;
    assert_eq!(refresh.unwrap_err().code(), Code::Unauthenticated);
    assert_eq!(
        app.login("athlete@example.com", PASSWORD).await.unwrap_err().code(),
        Code::Unauthenticated
    );

    // A name change alone keeps sessions.
    let other = app.create_user("other@example.com", "Other", &[Role::Athlete]).await;
    users
        .update_user(bearer(
            UpdateUserRequest {
                user_id: other.id,
                display_name: Some("Otto".into()),
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap();
    assert!(
        app.auth()
            .await
            .refresh(RefreshRequest { refresh_token: other.refresh_token })
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn an_admin_cannot_demote_deactivate_or_delete_themself_and_one_admin_always_remains() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let mut users = app.users().await;
    let update =
        |user_id: &str, roles: Option<Vec<Role>>, active: Option<bool>| UpdateUserRequest {
            user_id: user_id.to_owned(),
            roles: roles
                .map(|roles| RoleSet { roles: roles.into_iter().map(|r| r as i32).collect() }),
            active,
            ..Default::default()
        };

    for request in
        [update(&root.id, Some(vec![Role::Coach]), None), update(&root.id, None, Some(false))]
    {
        let status = users.update_user(bearer(request, &root.access_token)).await.unwrap_err();
        assert_eq!(status.code(), Code::FailedPrecondition);
    }
    let status = users
        .delete_user(bearer(DeleteUserRequest { user_id: root.id.clone() }, &root.access_token))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);

    // With a second admin, root may demote them; the last one stays.
    let second = app.create_user("second@example.com", "Second", &[Role::Admin]).await;
    users
        .update_user(bearer(
            update(&second.id, Some(vec![Role::Athlete]), None),
            &root.access_token,
        ))
        .await
        .unwrap();
    let me = users
        .get_me(bearer(GetMeRequest {}, &root.access_token))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(me.roles, vec![Role::Admin as i32]);
}

#[tokio::test]
async fn deleting_a_user_scrubs_their_personal_data_and_keeps_the_id() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
    let athlete = app.create_user("athlete@example.com", "Anna", &[Role::Athlete]).await;
    app.link(&coach, &athlete).await;
    let mut users = app.users().await;

    users
        .delete_user(bearer(DeleteUserRequest { user_id: athlete.id.clone() }, &root.access_token))
        .await
        .unwrap();
    // Deleting again is fine; an unknown id is not.
    users
        .delete_user(bearer(DeleteUserRequest { user_id: athlete.id.clone() }, &root.access_token))
        .await
        .unwrap();
    let unknown = users
        .delete_user(bearer(
            DeleteUserRequest { user_id: uuid::Uuid::new_v4().to_string() },
            &root.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);

    let row = app
        .sql_row(
            "SELECT email, email_normalized, password_hash, display_name, deleted_at \
             FROM users WHERE id = $1",
            athlete.id.parse::<uuid::Uuid>().unwrap(),
        )
        .await
        .expect("the row stays");
    let text = |column: &str| row.try_get::<Option<String>>("", column).unwrap();
    assert_eq!(
        (text("email"), text("email_normalized"), text("password_hash")),
        (None, None, None)
    );
    assert_eq!(text("display_name").as_deref(), Some("Deleted user"));
    assert!(
        row.try_get::<Option<chrono::DateTime<chrono::Utc>>>("", "deleted_at").unwrap().is_some()
    );

    assert_eq!(
        app.login("athlete@example.com", PASSWORD).await.unwrap_err().code(),
        Code::Unauthenticated
    );
    let refresh =
        app.auth().await.refresh(RefreshRequest { refresh_token: athlete.refresh_token }).await;
    assert_eq!(refresh.unwrap_err().code(), Code::Unauthenticated);
    let listed = users
        .list_users(bearer(ListUsersRequest::default(), &root.access_token))
        .await
        .unwrap()
        .into_inner();
    assert!(listed.users.iter().all(|u| u.id != athlete.id));
    // The email is free again.
    app.create_user("athlete@example.com", "Anna Again", &[Role::Athlete]).await;
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_signs_out_everywhere() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let athlete = app.create_user("athlete@example.com", "Anna", &[Role::Athlete]).await;
    let mut users = app.users().await;
    let issue =
        || bearer(IssuePasswordResetRequest { user_id: athlete.id.clone() }, &root.access_token);

    let first = users.issue_password_reset(issue()).await.unwrap().into_inner();
    let second = users.issue_password_reset(issue()).await.unwrap().into_inner();
    assert!(second.reset_url.starts_with("http://baton.test/reset-password#"));
    let reset = |url: &str, password: &str| ResetPasswordRequest {
        reset_token: link_token(url),
        new_password: password.to_owned(),
    };
    let superseded =
        app.auth().await.reset_password(reset(&first.reset_url, "a brand new passphrase")).await;
    assert_eq!(
        superseded.unwrap_err().code(),
        Code::FailedPrecondition,
        "a newer link replaces older ones"
    );

    app.auth()
        .await
        .reset_password(reset(&second.reset_url, "a brand new passphrase"))
        .await
        .unwrap();
    let used =
        app.auth().await.reset_password(reset(&second.reset_url, "yet another passphrase")).await;
    assert_eq!(used.unwrap_err().code(), Code::FailedPrecondition);

    assert!(app.login("athlete@example.com", PASSWORD).await.is_err());
    assert!(app.login("athlete@example.com", "a brand new passphrase").await.is_ok());
    let refresh =
        app.auth().await.refresh(RefreshRequest { refresh_token: athlete.refresh_token }).await;
    assert_eq!(refresh.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn reset_links_expire() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let athlete = app.create_user("athlete@example.com", "Anna", &[Role::Athlete]).await;
    let link = app
        .users()
        .await
        .issue_password_reset(bearer(
            IssuePasswordResetRequest { user_id: athlete.id },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    app.clock.advance(chrono::Duration::hours(25));
    let status = app
        .auth()
        .await
        .reset_password(ResetPasswordRequest {
            reset_token: link_token(&link.reset_url),
            new_password: "a brand new passphrase".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn an_admin_signs_a_user_out_everywhere() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let athlete = app.create_user("athlete@example.com", "Anna", &[Role::Athlete]).await;
    app.login("athlete@example.com", PASSWORD).await.unwrap();
    let revoked = app
        .users()
        .await
        .revoke_user_sessions(bearer(
            RevokeUserSessionsRequest { user_id: athlete.id },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revoked.revoked_session_count, 2);
    let refresh =
        app.auth().await.refresh(RefreshRequest { refresh_token: athlete.refresh_token }).await;
    assert_eq!(refresh.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn the_overview_counts_users_by_role_and_pending_invites() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    app.create_user("athlete@example.com", "Athlete", &[Role::Athlete]).await;
    app.users()
        .await
        .invite_athlete(bearer(
            baton_proto::user::v1::InviteAthleteRequest {
                email: "new@example.com".into(),
                ..Default::default()
            },
            &coach.access_token,
        ))
        .await
        .unwrap();
    let overview = app
        .users()
        .await
        .get_overview(bearer(GetOverviewRequest {}, &root.access_token))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(overview.user_count, 3);
    assert_eq!(overview.active_user_count, 3);
    assert_eq!((overview.admin_count, overview.coach_count, overview.athlete_count), (1, 1, 1));
    assert_eq!(overview.active_coach_count, 1);
    assert_eq!(overview.pending_invite_count, 1);
    assert!(overview.active_session_count >= 3);
}

#[tokio::test]
async fn a_setup_link_completes_its_account_even_after_the_email_was_corrected() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let created = app
        .users()
        .await
        .create_user(bearer(
            CreateUserRequest {
                email: "typo@exmaple.com".into(),
                display_name: "Carla".into(),
                roles: vec![Role::Coach as i32],
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    let id = created.user.unwrap().id;
    app.users()
        .await
        .update_user(bearer(
            UpdateUserRequest {
                user_id: id.clone(),
                email: Some("carla@example.com".into()),
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap();
    let accepted = app
        .auth()
        .await
        .accept_invite(AcceptInviteRequest {
            invite_token: link_token(&created.setup_url),
            method: Some(Method::NewPassword(NewAccountPassword { password: PASSWORD.into() })),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!((accepted.id.as_str(), accepted.email.as_str()), (id.as_str(), "carla@example.com"));
    assert!(app.login("carla@example.com", PASSWORD).await.is_ok());
}
