//! Calls to UserService: profiles, the admin's user management, invites,
//! coach–athlete links and the audit log.

use baton_proto::user::v1::{self as user, Role};

use super::{Answer, NOT_AN_EMAIL, NOT_AN_ID, answer, random_id};
use crate::authorization::{
    fixture::Fixture,
    table::{
        Data::{self, Invalid, Linked, Others, Own, Unknown, Unowned},
        Who,
    },
};

pub(super) async fn get_me(f: &Fixture, who: Who) -> Answer {
    answer(f.users().get_me(f.request(who, user::GetMeRequest {})).await)
}

pub(super) async fn update_me(
    f: &Fixture,
    who: Who,
    name: &str,
    payment_link: Option<&str>,
) -> Answer {
    let request = user::UpdateMeRequest {
        display_name: Some(name.to_owned()),
        payment_link: payment_link.map(str::to_owned),
        ..Default::default()
    };
    answer(f.users().update_me(f.request(who, request)).await)
}

pub(super) async fn list_users(f: &Fixture, who: Who, data: Data) -> Answer {
    let role = match data {
        Unowned => Role::Unspecified as i32,
        Invalid => 99,
        other => unreachable!("ListUsers on {other:?}"),
    };
    let request = user::ListUsersRequest { role, ..Default::default() };
    answer(f.users().list_users(f.request(who, request)).await)
}

pub(super) async fn create_user(f: &Fixture, who: Who, data: Data) -> Answer {
    let (email, roles) = match data {
        Unowned => (f.email(), vec![Role::Athlete as i32]),
        Invalid => (NOT_AN_EMAIL.to_owned(), vec![]),
        other => unreachable!("CreateUser on {other:?}"),
    };
    let request = user::CreateUserRequest {
        email,
        display_name: "Nina New".to_owned(),
        roles,
        ..Default::default()
    };
    answer(f.users().create_user(f.request(who, request)).await)
}

/// A user id for the admin RPCs that act on one account. Cells that would
/// change the account for good get a throwaway one.
async fn target_id(f: &Fixture, who: Who, data: Data, throwaway: bool) -> String {
    match data {
        Own => f.me(who).id.clone(),
        Linked if throwaway => f.throwaway_link(who).await.id,
        Linked => f.linked(who).id.clone(),
        Others if throwaway => f.throwaway(Role::Athlete).await.id,
        Others => f.other_athlete.id.clone(),
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        Unowned => unreachable!("a user id on {data:?}"),
    }
}

pub(super) async fn update_user(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = user::UpdateUserRequest {
        user_id: target_id(f, who, data, false).await,
        display_name: Some("Renamed By Admin".to_owned()),
        ..Default::default()
    };
    answer(f.users().update_user(f.request(who, request)).await)
}

pub(super) async fn delete_user(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = user::DeleteUserRequest { user_id: target_id(f, who, data, true).await };
    answer(f.users().delete_user(f.request(who, request)).await)
}

pub(super) async fn issue_password_reset(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = user::IssuePasswordResetRequest { user_id: target_id(f, who, data, false).await };
    answer(f.users().issue_password_reset(f.request(who, request)).await)
}

pub(super) async fn revoke_user_sessions(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = user::RevokeUserSessionsRequest { user_id: target_id(f, who, data, true).await };
    answer(f.users().revoke_user_sessions(f.request(who, request)).await)
}

pub(super) async fn invite_athlete(f: &Fixture, who: Who, data: Data) -> Answer {
    let email = match data {
        Unowned => f.email(),
        Linked => f.linked(who).email.clone(),
        Others => f.other_athlete.email.clone(),
        Invalid => NOT_AN_EMAIL.to_owned(),
        other => unreachable!("InviteAthlete on {other:?}"),
    };
    let request = user::InviteAthleteRequest { email, ..Default::default() };
    answer(f.users().invite_athlete(f.request(who, request)).await)
}

pub(super) async fn list_invites(f: &Fixture, who: Who, data: Data) -> Answer {
    let inviter_id = match data {
        Own => f.me(who).id.clone(),
        Others => f.other_coach.id.clone(),
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        other => unreachable!("ListInvites on {other:?}"),
    };
    let request = user::ListInvitesRequest { inviter_id, ..Default::default() };
    answer(f.users().list_invites(f.request(who, request)).await)
}

pub(super) async fn revoke_invite(f: &Fixture, who: Who, data: Data) -> Answer {
    let invite_id = match data {
        Own if who == Who::Demoted => f.demoted_invite_id.clone(),
        Own => f.invite(&f.coach, &f.email()).await.0,
        Others => f.invite(&f.other_coach, &f.email()).await.0,
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        other => unreachable!("RevokeInvite on {other:?}"),
    };
    answer(f.users().revoke_invite(f.request(who, user::RevokeInviteRequest { invite_id })).await)
}

pub(super) async fn list_my_athletes(f: &Fixture, who: Who, data: Data) -> Answer {
    let page_size = match data {
        Own => 0,
        Invalid => -1,
        other => unreachable!("ListMyAthletes on {other:?}"),
    };
    let request = user::ListMyAthletesRequest { page_size, ..Default::default() };
    answer(f.users().list_my_athletes(f.request(who, request)).await)
}

pub(super) async fn get_my_coaches(f: &Fixture, who: Who) -> Answer {
    answer(f.users().get_my_coaches(f.request(who, user::GetMyCoachesRequest {})).await)
}

/// Unlinks a pair, leaving the caller's own side empty as the proto asks
/// (an admin or anonymous caller names both).
pub(super) async fn unlink_athlete(f: &Fixture, who: Who, data: Data) -> Answer {
    let (coach_id, athlete_id) = match (data, who) {
        (Linked, Who::Athlete) => (f.throwaway_link(who).await.id, f.athlete.id.clone()),
        (Linked, Who::Demoted) => (f.demoted.id.clone(), f.demoted_athlete.id.clone()),
        (Linked, _) => (f.coach.id.clone(), f.throwaway_link(who).await.id),
        (Others, Who::Athlete) => (f.other_coach.id.clone(), f.athlete.id.clone()),
        (Others, _) => (f.coach.id.clone(), f.other_athlete.id.clone()),
        (Unknown, Who::Athlete) => (random_id(), f.athlete.id.clone()),
        (Unknown, _) => (f.coach.id.clone(), random_id()),
        (other, _) => unreachable!("UnlinkAthlete on {other:?}"),
    };
    let request = user::UnlinkAthleteRequest {
        coach_id: if matches!(who, Who::Coach | Who::Demoted) { String::new() } else { coach_id },
        athlete_id: if who == Who::Athlete { String::new() } else { athlete_id },
    };
    answer(f.users().unlink_athlete(f.request(who, request)).await)
}

/// Names both sides of a new pair the caller has nothing to do with.
pub(super) async fn unlink_strangers(f: &Fixture, who: Who) -> Answer {
    let coach = f.throwaway(Role::Coach).await;
    let athlete = f.throwaway(Role::Athlete).await;
    f.app.link(&coach, &athlete).await;
    let request = user::UnlinkAthleteRequest { coach_id: coach.id, athlete_id: athlete.id };
    answer(f.users().unlink_athlete(f.request(who, request)).await)
}

pub(super) async fn link_athlete(f: &Fixture, who: Who, data: Data) -> Answer {
    let (coach_id, athlete_id) = match data {
        Linked => (f.coach.id.clone(), f.athlete.id.clone()),
        Others => (f.other_coach.id.clone(), f.throwaway(Role::Athlete).await.id),
        Unknown => (f.coach.id.clone(), random_id()),
        Invalid => (NOT_AN_ID.to_owned(), f.athlete.id.clone()),
        other => unreachable!("LinkAthlete on {other:?}"),
    };
    let request = user::LinkAthleteRequest { coach_id, athlete_id };
    answer(f.users().link_athlete(f.request(who, request)).await)
}

pub(super) async fn get_overview(f: &Fixture, who: Who) -> Answer {
    answer(f.users().get_overview(f.request(who, user::GetOverviewRequest {})).await)
}

pub(super) async fn list_audit_events(f: &Fixture, who: Who, data: Data) -> Answer {
    let user_id = match data {
        Own => f.me(who).id.clone(),
        Linked => f.linked(who).id.clone(),
        Others => f.other_athlete.id.clone(),
        other => unreachable!("ListAuditEvents on {other:?}"),
    };
    let request = user::ListAuditEventsRequest { user_id, ..Default::default() };
    answer(f.users().list_audit_events(f.request(who, request)).await)
}

pub(super) async fn list_notifications(f: &Fixture, who: Who) -> Answer {
    let request = user::ListNotificationsRequest::default();
    answer(f.users().list_notifications(f.request(who, request)).await)
}

pub(super) async fn mark_notifications_read(f: &Fixture, who: Who, data: Data) -> Answer {
    let notification_ids = match data {
        Invalid => vec![NOT_AN_ID.to_owned()],
        _ => vec![random_id()],
    };
    let request = user::MarkNotificationsReadRequest { notification_ids, up_to_time: None };
    answer(f.users().mark_notifications_read(f.request(who, request)).await)
}

pub(super) async fn watch_notifications(f: &Fixture, who: Who) -> Answer {
    let request = f.request(who, user::WatchNotificationsRequest {});
    let mut stream = f.users().watch_notifications(request).await?.into_inner();
    // The first message (the unread count) shows the watch is open.
    stream.message().await?.ok_or_else(|| tonic::Status::internal("no first message"))?;
    Ok(())
}
