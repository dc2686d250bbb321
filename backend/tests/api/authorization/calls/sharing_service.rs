//! Calls to SharingService: coaches share their own workouts with their
//! own athletes and manage those shares; athletes see, import and dismiss
//! shares addressed to them. Cells that would use a share up (importing,
//! dismissing or revoking it) get a fresh one when the rules let them
//! succeed; the others try the fixture's shares, which must stay as they
//! are.

use baton_proto::sharing::v1 as sharing;

use super::{Answer, NOT_AN_ID, answer, random_id};
use crate::authorization::{
    fixture::Fixture,
    table::{
        Data::{self, Invalid, Linked, Others, Own, Unknown, Unowned},
        Who,
    },
};

/// The share a cell tries: the fixture's, or for the cell that may use
/// it up, a fresh one made by `fresh`.
async fn share_id(f: &Fixture, data: Data, fresh: Option<(usize, bool)>) -> String {
    match (data, fresh) {
        // A fresh share of the coach's `nth` workout, to the athlete or to a
        // new athlete of the coach.
        (Own, Some((nth, to_athlete))) => {
            let athlete = if to_athlete {
                f.athlete.id.clone()
            } else {
                f.throwaway_link(Who::Coach).await.id
            };
            f.share(&f.coach, &f.coach_workouts[nth], &athlete).await
        }
        (Own, None) => f.coach_share.clone(),
        // The caller's coach's share to another athlete of theirs.
        (Linked, _) => {
            let sibling = f.throwaway_link(Who::Coach).await;
            f.share(&f.coach, &f.coach_workouts[0], &sibling.id).await
        }
        (Others, _) => f.others_share.clone(),
        (Unknown, _) => random_id(),
        (Invalid, _) => NOT_AN_ID.to_owned(),
        (Unowned, _) => unreachable!("a share on {data:?}"),
    }
}

pub(super) async fn share_workouts(
    f: &Fixture,
    who: Who,
    data: Data,
    others_workout: bool,
) -> Answer {
    let (workout, athlete) = match data {
        Linked if who == Who::Coach => {
            (f.coach_workouts[0].clone(), f.throwaway_link(Who::Coach).await.id)
        }
        Linked if who == Who::Demoted => {
            (f.workout_of(&f.demoted).await, f.demoted_athlete.id.clone())
        }
        Linked => (f.coach_workouts[0].clone(), f.athlete.id.clone()),
        Others if others_workout => (f.workout_of(&f.other_coach).await, f.athlete.id.clone()),
        Others => (f.coach_workouts[0].clone(), f.other_athlete.id.clone()),
        Unknown => (random_id(), f.athlete.id.clone()),
        Invalid => (String::new(), f.athlete.id.clone()),
        Own | Unowned => unreachable!("ShareWorkouts on {data:?}"),
    };
    let workout_ids = if workout.is_empty() { vec![] } else { vec![workout] };
    let request = sharing::ShareWorkoutsRequest {
        workout_ids,
        athlete_ids: vec![athlete],
        ..Default::default()
    };
    answer(f.sharing_client().share_workouts(f.request(who, request)).await)
}

pub(super) async fn list_outgoing_shares(f: &Fixture, who: Who, data: Data) -> Answer {
    let page_token = match data {
        Own => String::new(),
        Invalid => "forged".to_owned(),
        other => unreachable!("ListOutgoingShares on {other:?}"),
    };
    let request = sharing::ListOutgoingSharesRequest { page_token, ..Default::default() };
    answer(f.sharing_client().list_outgoing_shares(f.request(who, request)).await)
}

pub(super) async fn list_incoming_shares(f: &Fixture, who: Who, data: Data) -> Answer {
    let page_token = match data {
        Own => String::new(),
        Invalid => "forged".to_owned(),
        other => unreachable!("ListIncomingShares on {other:?}"),
    };
    let request = sharing::ListIncomingSharesRequest { page_token, ..Default::default() };
    answer(f.sharing_client().list_incoming_shares(f.request(who, request)).await)
}

pub(super) async fn get_share(f: &Fixture, who: Who, data: Data) -> Answer {
    let request = sharing::GetShareRequest { share_id: share_id(f, data, None).await };
    answer(f.sharing_client().get_share(f.request(who, request)).await)
}

/// An import to its end: the answer is the stream's, or its first error.
pub(super) async fn import_shares(f: &Fixture, who: Who, data: Data) -> Answer {
    let shares = if data == Invalid {
        vec![]
    } else {
        let fresh = (who == Who::Athlete).then_some((1, true));
        let share_id = share_id(f, data, fresh).await;
        vec![sharing::ShareImport { share_id, scheduled_date: None }]
    };
    let request = f.request(who, sharing::ImportSharesRequest { shares });
    let mut events = f.sharing_client().import_shares(request).await?.into_inner();
    while events.message().await?.is_some() {}
    Ok(())
}

pub(super) async fn dismiss_share(f: &Fixture, who: Who, data: Data) -> Answer {
    let fresh = (who == Who::Athlete).then_some((2, true));
    let request = sharing::DismissShareRequest { share_id: share_id(f, data, fresh).await };
    answer(f.sharing_client().dismiss_share(f.request(who, request)).await)
}

pub(super) async fn revoke_share(f: &Fixture, who: Who, data: Data) -> Answer {
    let fresh = (who == Who::Coach).then_some((0, false));
    let share_id = share_id(f, data, fresh).await;
    let request = sharing::RevokeShareRequest { share_id, delete_imported_copy: false };
    answer(f.sharing_client().revoke_share(f.request(who, request)).await)
}

/// Own: the coach's workout, to every athlete it was shared with; Others:
/// the other coach's workout, or (`unlinked_athlete`) the coach's own
/// workout to an athlete of the other coach.
pub(super) async fn update_shared_copies(
    f: &Fixture,
    who: Who,
    data: Data,
    unlinked_athlete: bool,
) -> Answer {
    let (workout_id, athlete_ids) = match data {
        Own => (f.coach_workouts[0].clone(), vec![]),
        Others if unlinked_athlete => {
            (f.coach_workouts[0].clone(), vec![f.other_athlete.id.clone()])
        }
        Others => (f.workout_of(&f.other_coach).await, vec![]),
        Unknown => (random_id(), vec![]),
        Invalid => (NOT_AN_ID.to_owned(), vec![]),
        Linked | Unowned => unreachable!("UpdateSharedCopies on {data:?}"),
    };
    let request = sharing::UpdateSharedCopiesRequest { workout_id, athlete_ids };
    answer(f.sharing_client().update_shared_copies(f.request(who, request)).await)
}
