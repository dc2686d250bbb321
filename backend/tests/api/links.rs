//! One-time links follow their accounts: deactivating or deleting a user
//! revokes their setup, reset and invite links and the invites they sent;
//! a link works only while its account, and its inviting coach, are active.

use baton_proto::{
    auth::v1::{GetInviteRequest, ResetPasswordRequest},
    user::v1::{
        CreateUserRequest, DeleteUserRequest, InviteAthleteRequest, InviteStatus,
        IssuePasswordResetRequest, ListInvitesRequest, Role, RoleSet, UpdateUserRequest,
    },
};
use tonic::Code;

use crate::helpers::{TestApp, TestUser, bearer, link_token, reason};

async fn invite(app: &TestApp, coach: &TestUser, email: &str) -> String {
    let request = InviteAthleteRequest { email: email.to_owned(), ..Default::default() };
    let reply = app.users().await.invite_athlete(bearer(request, &coach.access_token)).await;
    link_token(&reply.unwrap().into_inner().invite_url)
}

async fn invite_usable(app: &TestApp, token: &str) -> Result<(), String> {
    let request = GetInviteRequest { invite_token: token.to_owned() };
    match app.auth().await.get_invite(request).await {
        Ok(_) => Ok(()),
        Err(status) => Err(reason(&status)),
    }
}

#[tokio::test]
async fn deactivating_an_account_revokes_its_links_and_the_invites_it_sent() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let mut users = app.users().await;

    // A prepared account whose setup link is still pending.
    let prepared = users
        .create_user(bearer(
            CreateUserRequest {
                email: "pending@example.com".into(),
                display_name: "Pat Pending".into(),
                roles: vec![Role::Coach as i32],
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    let setup = link_token(&prepared.setup_url);
    // A coach with an invite out, and an athlete with a reset link and an
    // invite addressed to them.
    let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
    let sent = invite(&app, &coach, "invitee@example.com").await;
    let athlete = app.create_user("athlete@example.com", "Ada Athlete", &[Role::Athlete]).await;
    let to_athlete = invite(&app, &coach, "athlete@example.com").await;
    let reset = users
        .issue_password_reset(bearer(
            IssuePasswordResetRequest { user_id: athlete.id.clone() },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    for token in [&setup, &sent, &to_athlete] {
        assert_eq!(invite_usable(&app, token).await, Ok(()));
    }

    app.deactivate(prepared.user.unwrap().id.parse().unwrap()).await;
    app.deactivate(coach.id.parse().unwrap()).await;
    app.deactivate(athlete.id.parse().unwrap()).await;

    for token in [&setup, &sent, &to_athlete] {
        assert_eq!(invite_usable(&app, token).await, Err("LINK_UNUSABLE".to_owned()));
    }
    let used = app
        .auth()
        .await
        .reset_password(ResetPasswordRequest {
            reset_token: link_token(&reset.reset_url),
            new_password: "a brand new passphrase".into(),
        })
        .await
        .unwrap_err();
    assert_eq!((used.code(), reason(&used).as_str()), (Code::FailedPrecondition, "LINK_UNUSABLE"));
}

#[tokio::test]
async fn a_demoted_coachs_invites_are_revoked_and_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
    let token = invite(&app, &coach, "invitee@example.com").await;
    let demotion = UpdateUserRequest {
        user_id: coach.id.clone(),
        roles: Some(RoleSet { roles: vec![Role::Athlete as i32] }),
        ..Default::default()
    };
    app.users().await.update_user(bearer(demotion, &root.access_token)).await.unwrap();

    assert_eq!(invite_usable(&app, &token).await, Err("LINK_UNUSABLE".to_owned()));
    let listed = app
        .users()
        .await
        .list_invites(bearer(
            ListInvitesRequest { inviter_id: coach.id.clone(), ..Default::default() },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .invites;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, InviteStatus::Revoked as i32);
}

#[tokio::test]
async fn deleting_a_coach_revokes_the_invites_they_sent() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
    let token = invite(&app, &coach, "invitee@example.com").await;
    let delete = DeleteUserRequest { user_id: coach.id.clone() };
    app.users().await.delete_user(bearer(delete, &root.access_token)).await.unwrap();
    assert_eq!(invite_usable(&app, &token).await, Err("LINK_UNUSABLE".to_owned()));
    app.wait_until_refused(&coach.access_token).await;
}
