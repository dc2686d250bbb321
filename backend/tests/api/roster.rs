//! The roster: a coach invites athletes; invites are accepted by new people
//! or by existing accounts; links are listed and ended.

use baton_proto::{
    auth::v1::{
        AcceptInviteRequest, ExistingAccount, GetInviteRequest, NewAccountPassword, RefreshRequest,
        accept_invite_request::Method,
    },
    user::v1::{
        GetMyCoachesRequest, InviteAthleteRequest, InviteStatus, LinkAthleteRequest,
        ListInvitesRequest, ListMyAthletesRequest, RevokeInviteRequest, Role, UnlinkAthleteRequest,
        UpdateMeRequest,
    },
};
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, TestUser, bearer, link_token};

async fn invite(app: &TestApp, coach: &TestUser, email: &str) -> (String, String) {
    let reply = app
        .users()
        .await
        .invite_athlete(bearer(
            InviteAthleteRequest { email: email.to_owned(), ..Default::default() },
            &coach.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    (reply.invite.unwrap().id, link_token(&reply.invite_url))
}

fn with_password(token: &str, name: &str) -> AcceptInviteRequest {
    AcceptInviteRequest {
        invite_token: token.to_owned(),
        method: Some(Method::NewPassword(NewAccountPassword { password: PASSWORD.to_owned() })),
        display_name: name.to_owned(),
        timezone: "America/New_York".to_owned(),
    }
}

fn as_existing(token: &str) -> AcceptInviteRequest {
    AcceptInviteRequest {
        invite_token: token.to_owned(),
        method: Some(Method::ExistingAccount(ExistingAccount {})),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_invited_person_joins_as_the_coachs_athlete() {
    let app = TestApp::spawn().await;
    let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
    app.users()
        .await
        .update_me(bearer(
            UpdateMeRequest {
                payment_link: Some("https://pay.example.com/carla".into()),
                ..Default::default()
            },
            &coach.access_token,
        ))
        .await
        .unwrap();
    let (_, token) = invite(&app, &coach, "Anna@Example.com").await;

    let preview = app
        .auth()
        .await
        .get_invite(GetInviteRequest { invite_token: token.clone() })
        .await
        .unwrap();
    let preview = preview.into_inner();
    assert_eq!(preview.email, "anna@example.com");
    assert_eq!(preview.inviter_display_name, "Carla Coach");
    assert_eq!(preview.roles, vec![Role::Athlete as i32]);

    let joined =
        app.auth().await.accept_invite(with_password(&token, "Anna")).await.unwrap().into_inner();
    let anna = joined.user.unwrap();
    assert_eq!(anna.roles, vec![Role::Athlete as i32]);
    assert_eq!(anna.timezone, "America/New_York");
    let anna_token = joined.tokens.unwrap().access_token;

    let coaches = app
        .users()
        .await
        .get_my_coaches(bearer(GetMyCoachesRequest {}, &anna_token))
        .await
        .unwrap()
        .into_inner()
        .coaches;
    assert_eq!(coaches.len(), 1);
    assert_eq!(coaches[0].display_name, "Carla Coach");
    assert_eq!(coaches[0].payment_link, "https://pay.example.com/carla");

    let athletes = app
        .users()
        .await
        .list_my_athletes(bearer(ListMyAthletesRequest::default(), &coach.access_token))
        .await
        .unwrap()
        .into_inner()
        .athletes;
    assert_eq!(athletes.len(), 1);
    assert_eq!(athletes[0].user_id, anna.id);
    assert_eq!(athletes[0].email, "anna@example.com");

    let used =
        app.auth().await.get_invite(GetInviteRequest { invite_token: token }).await.unwrap_err();
    assert_eq!(used.code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn an_existing_account_accepts_only_when_signed_in_and_gains_a_second_coach() {
    let app = TestApp::spawn().await;
    let first = app.create_user("first@example.com", "First Coach", &[Role::Coach]).await;
    let second = app.create_user("second@example.com", "Second Coach", &[Role::Coach]).await;
    let anna = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    app.link(&first, &anna).await;
    let (_, token) = invite(&app, &second, "anna@example.com").await;

    // Setting a password through the invite would take over the account.
    let takeover =
        app.auth().await.accept_invite(with_password(&token, "Mallory")).await.unwrap_err();
    assert_eq!(takeover.code(), Code::FailedPrecondition);
    assert!(app.login("anna@example.com", PASSWORD).await.is_ok(), "her password is untouched");

    let anonymous = app.auth().await.accept_invite(as_existing(&token)).await.unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);
    let wrong_person = app.create_user("other@example.com", "Other", &[Role::Athlete]).await;
    let status = app
        .auth()
        .await
        .accept_invite(bearer(as_existing(&token), &wrong_person.access_token))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);

    let accepted = app
        .auth()
        .await
        .accept_invite(bearer(as_existing(&token), &anna.access_token))
        .await
        .unwrap()
        .into_inner();
    assert!(accepted.tokens.is_none(), "an existing account refreshes instead");
    let coaches = app
        .users()
        .await
        .get_my_coaches(bearer(GetMyCoachesRequest {}, &anna.access_token))
        .await
        .unwrap()
        .into_inner()
        .coaches;
    let mut names: Vec<_> = coaches.into_iter().map(|c| c.display_name).collect();
    names.sort();
    assert_eq!(names, ["First Coach", "Second Coach"], "nobody is moved between coaches");
}

#[tokio::test]
async fn accepting_an_athlete_invite_adds_the_role_to_a_coach() {
    let app = TestApp::spawn().await;
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    let other = app.create_user("other@example.com", "Other Coach", &[Role::Coach]).await;
    let (_, token) = invite(&app, &coach, "other@example.com").await;
    let user = app
        .auth()
        .await
        .accept_invite(bearer(as_existing(&token), &other.access_token))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(user.roles, vec![Role::Athlete as i32, Role::Coach as i32]);
    // The new role reaches the token on the next refresh.
    let refreshed = app
        .auth()
        .await
        .refresh(RefreshRequest { refresh_token: other.refresh_token })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    let coaches = app
        .users()
        .await
        .get_my_coaches(bearer(GetMyCoachesRequest {}, &refreshed.access_token))
        .await;
    assert_eq!(coaches.unwrap().into_inner().coaches.len(), 1);
}

#[tokio::test]
async fn a_new_invite_replaces_the_pending_one_and_invites_can_be_revoked() {
    let app = TestApp::spawn().await;
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    let (first_id, first_token) = invite(&app, &coach, "anna@example.com").await;
    let (second_id, _) = invite(&app, &coach, "anna@example.com").await;
    let (third_id, third_token) = invite(&app, &coach, "ben@example.com").await;

    let replaced =
        app.auth().await.accept_invite(with_password(&first_token, "Anna")).await.unwrap_err();
    assert_eq!(replaced.code(), Code::FailedPrecondition);

    let list = |status: InviteStatus| {
        bearer(
            ListInvitesRequest { status: status as i32, ..Default::default() },
            &coach.access_token,
        )
    };
    let pending =
        app.users().await.list_invites(list(InviteStatus::Pending)).await.unwrap().into_inner();
    let mut ids: Vec<_> = pending.invites.iter().map(|i| i.id.clone()).collect();
    ids.sort();
    let mut expected = vec![second_id.clone(), third_id.clone()];
    expected.sort();
    assert_eq!(ids, expected);

    let revoked = app
        .users()
        .await
        .revoke_invite(bearer(
            RevokeInviteRequest { invite_id: third_id.clone() },
            &coach.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .invite
        .unwrap();
    assert_eq!(revoked.status, InviteStatus::Revoked as i32);
    let dead =
        app.auth().await.accept_invite(with_password(&third_token, "Ben")).await.unwrap_err();
    assert_eq!(dead.code(), Code::FailedPrecondition);
    // Revoking twice is fine.
    app.users()
        .await
        .revoke_invite(bearer(RevokeInviteRequest { invite_id: third_id }, &coach.access_token))
        .await
        .unwrap();

    let revoked_list =
        app.users().await.list_invites(list(InviteStatus::Revoked)).await.unwrap().into_inner();
    assert_eq!(revoked_list.invites.len(), 2, "the replaced one and the revoked one");
    assert!(revoked_list.invites.iter().any(|i| i.id == first_id));
}

#[tokio::test]
async fn an_accepted_invite_cannot_be_revoked_and_invites_expire_after_a_week() {
    let app = TestApp::spawn().await;
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    let (accepted_id, token) = invite(&app, &coach, "anna@example.com").await;
    app.auth().await.accept_invite(with_password(&token, "Anna")).await.unwrap();
    let status = app
        .users()
        .await
        .revoke_invite(bearer(RevokeInviteRequest { invite_id: accepted_id }, &coach.access_token))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);

    let (_, late) = invite(&app, &coach, "ben@example.com").await;
    app.clock.advance(chrono::Duration::days(7) + chrono::Duration::seconds(1));
    let expired = app.auth().await.accept_invite(with_password(&late, "Ben")).await.unwrap_err();
    assert_eq!(expired.code(), Code::FailedPrecondition);
    let coach_token = app.login("coach@example.com", PASSWORD).await.unwrap().access_token;
    let listed = app
        .users()
        .await
        .list_invites(bearer(
            ListInvitesRequest { status: InviteStatus::Expired as i32, ..Default::default() },
            &coach_token,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.invites.len(), 1);
}

#[tokio::test]
async fn inviting_someone_who_is_already_your_athlete_is_refused() {
    let app = TestApp::spawn().await;
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    let anna = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    app.link(&coach, &anna).await;
    let status = app
        .users()
        .await
        .invite_athlete(bearer(
            InviteAthleteRequest { email: "ANNA@example.com".into(), ..Default::default() },
            &coach.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn coach_and_athlete_can_each_end_their_link() {
    let app = TestApp::spawn().await;
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    let anna = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    let ben = app.create_user("ben@example.com", "Ben", &[Role::Athlete]).await;
    app.link(&coach, &anna).await;
    app.link(&coach, &ben).await;

    app.users()
        .await
        .unlink_athlete(bearer(
            UnlinkAthleteRequest { athlete_id: anna.id.clone(), ..Default::default() },
            &coach.access_token,
        ))
        .await
        .unwrap();
    app.users()
        .await
        .unlink_athlete(bearer(
            UnlinkAthleteRequest { coach_id: coach.id.clone(), ..Default::default() },
            &ben.access_token,
        ))
        .await
        .unwrap();
    let athletes = app
        .users()
        .await
        .list_my_athletes(bearer(ListMyAthletesRequest::default(), &coach.access_token))
        .await
        .unwrap()
        .into_inner()
        .athletes;
    assert!(athletes.is_empty());
    // Unlinking a pair that is not linked is not the coach's to do.
    let status = app
        .users()
        .await
        .unlink_athlete(bearer(
            UnlinkAthleteRequest { athlete_id: anna.id, ..Default::default() },
            &coach.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn an_admin_links_only_a_coach_to_an_athlete() {
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    let anna = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    let link = |coach_id: &str, athlete_id: &str| {
        bearer(
            LinkAthleteRequest { coach_id: coach_id.into(), athlete_id: athlete_id.into() },
            &root.access_token,
        )
    };
    let mut users = app.users().await;
    assert_eq!(
        users.link_athlete(link(&anna.id, &coach.id)).await.unwrap_err().code(),
        Code::FailedPrecondition
    );
    assert_eq!(
        users.link_athlete(link(&coach.id, &coach.id)).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let unknown = uuid::Uuid::new_v4().to_string();
    assert_eq!(
        users.link_athlete(link(&coach.id, &unknown)).await.unwrap_err().code(),
        Code::NotFound
    );
    users.link_athlete(link(&coach.id, &anna.id)).await.unwrap();
    users.link_athlete(link(&coach.id, &anna.id)).await.unwrap();
    let athletes = users
        .list_my_athletes(bearer(ListMyAthletesRequest::default(), &coach.access_token))
        .await
        .unwrap()
        .into_inner()
        .athletes;
    assert_eq!(athletes.len(), 1);
}

#[tokio::test]
async fn a_coachs_athletes_are_searched_and_paged_by_name() {
    let app = TestApp::spawn().await;
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    for (email, name) in
        [("c@example.com", "Cleo"), ("a@example.com", "anna"), ("b@example.com", "Ben")]
    {
        let athlete = app.create_user(email, name, &[Role::Athlete]).await;
        app.link(&coach, &athlete).await;
    }
    let list = |request: ListMyAthletesRequest| bearer(request, &coach.access_token);
    let first = app
        .users()
        .await
        .list_my_athletes(list(ListMyAthletesRequest { page_size: 2, ..Default::default() }))
        .await
        .unwrap()
        .into_inner();
    let names: Vec<_> = first.athletes.iter().map(|a| a.display_name.as_str()).collect();
    assert_eq!(names, ["anna", "Ben"]);
    let second = app
        .users()
        .await
        .list_my_athletes(list(ListMyAthletesRequest {
            page_size: 2,
            page_token: first.next_page_token,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(second.athletes.len(), 1);
    assert!(second.next_page_token.is_empty());
    let found = app
        .users()
        .await
        .list_my_athletes(list(ListMyAthletesRequest {
            query: "B@EX".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.athletes.len(), 1);
}
