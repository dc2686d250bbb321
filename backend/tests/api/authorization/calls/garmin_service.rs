//! Calls to GarminService: every RPC acts on the caller's own Garmin link,
//! so Linked and Others cells try a workout or pending sign-in of someone
//! else's and must find nothing.

use baton_proto::garmin::v1 as garmin;

use super::{Answer, NOT_AN_ID, answer, random_id};
use crate::{
    authorization::{
        fixture::{Fixture, GARMIN_PASSWORD},
        table::{
            Data::{self, Invalid, Linked, Others, Own, Unknown, Unowned},
            Who,
        },
    },
    garmin::token_file,
    helpers::TestUser,
};

/// Whose Garmin account an Own cell uses: the caller's, or for a caller
/// whose tokens are dead (and who has none), the athlete's.
fn own(f: &Fixture, who: Who) -> &TestUser {
    if Fixture::is_refused(who) { &f.athlete } else { f.me(who) }
}

/// A ticket shaped like Garmin's that Garmin never issued.
const UNKNOWN_TICKET: &str = "ST-0000001-AAAAAAAAAAAAAAAAAAAA-sso";

pub(super) async fn connect(f: &Fixture, who: Who, data: Data) -> Answer {
    let (email, password) = match data {
        Own => (Fixture::garmin_email(own(f, who)), GARMIN_PASSWORD.to_owned()),
        Invalid => (String::new(), String::new()),
        other => unreachable!("Connect on {other:?}"),
    };
    let request = garmin::ConnectRequest { email, password };
    answer(f.garmin_client().connect(f.request(who, request)).await)
}

pub(super) async fn submit_mfa_code(f: &Fixture, who: Who, data: Data) -> Answer {
    let (pending_login_id, code) = match data {
        Others => (f.others_pending_login.clone(), "000000".to_owned()),
        Unknown => (random_id(), "000000".to_owned()),
        Invalid => (NOT_AN_ID.to_owned(), String::new()),
        other => unreachable!("SubmitMfaCode on {other:?}"),
    };
    let request = garmin::SubmitMfaCodeRequest { pending_login_id, code };
    answer(f.garmin_client().submit_mfa_code(f.request(who, request)).await)
}

pub(super) async fn connect_with_ticket(f: &Fixture, who: Who, data: Data) -> Answer {
    let ticket = match data {
        Own => {
            f.garmin.issue_widget_ticket(&Fixture::garmin_email(own(f, who))).expect("an account")
        }
        Unknown => UNKNOWN_TICKET.to_owned(),
        Invalid => "not a ticket".to_owned(),
        other => unreachable!("ConnectWithTicket on {other:?}"),
    };
    let request =
        garmin::ConnectWithTicketRequest { ticket, source: garmin::TicketSource::Browser as i32 };
    answer(f.garmin_client().connect_with_ticket(f.request(who, request)).await)
}

pub(super) async fn import_tokens(f: &Fixture, who: Who, data: Data) -> Answer {
    let tokens_json = match data {
        Own => token_file(&f.garmin, &Fixture::garmin_email(own(f, who))).await,
        Invalid => "{}".to_owned(),
        other => unreachable!("ImportTokens on {other:?}"),
    };
    let request = garmin::ImportTokensRequest { tokens_json };
    answer(f.garmin_client().import_tokens(f.request(who, request)).await)
}

pub(super) async fn get_connection(f: &Fixture, who: Who) -> Answer {
    answer(f.garmin_client().get_connection(f.request(who, garmin::GetConnectionRequest {})).await)
}

pub(super) async fn disconnect(f: &Fixture, who: Who) -> Answer {
    answer(f.garmin_client().disconnect(f.request(who, garmin::DisconnectRequest {})).await)
}

pub(super) async fn list_workouts(f: &Fixture, who: Who, data: Data) -> Answer {
    let page_token = match data {
        Own => String::new(),
        Invalid => "forged".to_owned(),
        other => unreachable!("ListWorkouts on {other:?}"),
    };
    let request = garmin::ListWorkoutsRequest { page_token, ..Default::default() };
    answer(f.garmin_client().list_workouts(f.request(who, request)).await)
}

pub(super) async fn get_workout(f: &Fixture, who: Who, data: Data) -> Answer {
    let workout_id = match data {
        Own => f.workout_of(own(f, who)).await,
        Linked => f.workout_of(f.linked(who)).await,
        Others => f.workout_of(&f.other_athlete).await,
        Unknown => random_id(),
        Invalid => NOT_AN_ID.to_owned(),
        Unowned => unreachable!("GetWorkout on {data:?}"),
    };
    let request = garmin::GetWorkoutRequest { workout_id };
    answer(f.garmin_client().get_workout(f.request(who, request)).await)
}

/// A sync to its end: the answer is the stream's, or its first error.
pub(super) async fn sync_workouts(f: &Fixture, who: Who) -> Answer {
    let request = f.request(who, garmin::SyncWorkoutsRequest { force: false });
    let mut events = f.garmin_client().sync_workouts(request).await?.into_inner();
    while events.message().await?.is_some() {}
    Ok(())
}
