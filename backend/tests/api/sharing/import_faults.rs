//! ImportShares when Garmin misbehaves: a refused copy fails at once with
//! Garmin's words; outages and rate limits are retried up to the limit and
//! then fail with their reason; answers lost after Garmin committed never
//! make a second workout or calendar entry; a failed share imports on a
//! retry; dead Garmin tokens ask for a new sign-in.

use std::time::Duration;

use baton_proto::{error::v1::ErrorReason, sharing::v1::ShareStatus};
use baton_sandbox::garmin::{Fault, Route, seed};
use serde_json::Value;
use tonic::Code;

use super::{
    Sharing, copies, copy_name, day, ends, garmin_workout, items, scheduled_days, summary,
};
use crate::helpers::reason;

/// Imports one share of `sharing.single_sport(0)` for Ada (with a day) and
/// returns its end.
async fn import_one(sharing: &mut Sharing) -> baton_proto::sharing::v1::Share {
    let share =
        sharing.share_one(sharing.single_sport(0), &sharing.ada, &day(&sharing.garmin, 3)).await;
    let events = sharing.import_over_cool_downs(&sharing.ada, items([&share.id])).await.unwrap();
    sharing.sign_in_everyone().await;
    let ends = ends(&events);
    assert_eq!(ends.len(), 1, "{events:?}");
    ends[&share.id].0.clone()
}

#[tokio::test]
async fn a_copy_garmin_refuses_fails_with_garmins_words_and_is_not_retried() {
    let sharing = Sharing::spawn().await;
    // A category Baton does not know to be wrong and Garmin refuses (400):
    // put into the share's snapshot, since Garmin would not have stored it.
    let share =
        sharing.share_one(sharing.single_sport(0), &sharing.ada, &day(&sharing.garmin, 3)).await;
    let id = uuid::Uuid::parse_str(&share.id).unwrap();
    let row = sharing
        .garmin
        .app
        .sql_row(
            "SELECT s.id AS id, s.raw_json AS raw_json FROM workout_snapshots s \
             JOIN shares ON shares.snapshot_id = s.id WHERE shares.id = $1",
            id,
        )
        .await
        .expect("the share's snapshot");
    let snapshot_id: uuid::Uuid = row.try_get("", "id").unwrap();
    let raw: String = row.try_get("", "raw_json").unwrap();
    let mut json: Value = serde_json::from_str(&raw).unwrap();
    let step = json["workoutSegments"][0]["workoutSteps"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["type"] == "ExecutableStepDTO")
        .expect("a top-level step");
    step["category"] = Value::from("NOT_A_CATEGORY");
    let changed = sharing
        .garmin
        .app
        .sql_write(
            "UPDATE workout_snapshots SET raw_json = $1 WHERE id = $2",
            vec![json.to_string().into(), snapshot_id.into()],
        )
        .await;
    assert_eq!(changed, 1);

    let events = sharing.import_over_cool_downs(&sharing.ada, items([&share.id])).await.unwrap();
    let done = ends(&events)[&share.id].0.clone();
    assert_eq!(done.status(), ShareStatus::Failed, "{done:?}");
    assert_eq!(done.last_error_reason(), ErrorReason::GarminRefusedWorkout);
    assert!(!done.last_error.is_empty());
    assert!(done.athlete_garmin_workout_id.is_empty());
    assert_eq!(sharing.garmin.garmin.requests(Route::CreateWorkout), 1, "a refusal is not retried");
    assert!(copies(&sharing.garmin, seed::ATHLETE.email).is_empty());
}

#[tokio::test]
async fn garmin_down_past_the_attempts_fails_the_share_as_unavailable() {
    let mut sharing = Sharing::spawn().await;
    sharing.garmin.garmin.inject_always(Route::CreateWorkout, Fault::ServerError(503));
    let done = import_one(&mut sharing).await;
    assert_eq!(done.status(), ShareStatus::Failed, "{done:?}");
    assert_eq!(done.last_error_reason(), ErrorReason::GarminUnavailable);
    assert!(!done.last_error.is_empty() && !done.last_error.contains("503"), "{}", done.last_error);
    assert_eq!(done.attempt_count, 4, "import_max_attempts");
    assert!(sharing.garmin.garmin.requests(Route::CreateWorkout) >= 4);
    assert!(copies(&sharing.garmin, seed::ATHLETE.email).is_empty());
    let inbox = sharing.incoming(&sharing.ada, Default::default()).await.unwrap();
    assert_eq!(inbox.actionable_count, 1, "a failed share waits for the athlete");
}

#[tokio::test]
async fn rate_limited_past_the_attempts_fails_the_share_as_rate_limited() {
    let mut sharing = Sharing::spawn().await;
    let limited = Fault::RateLimited { retry_after: Some(Duration::from_secs(2)) };
    sharing.garmin.garmin.inject_always(Route::CreateWorkout, limited);
    let done = import_one(&mut sharing).await;
    assert_eq!(done.status(), ShareStatus::Failed, "{done:?}");
    assert_eq!(done.last_error_reason(), ErrorReason::GarminRateLimited);
    assert!(!done.last_error.is_empty());
    assert!(copies(&sharing.garmin, seed::ATHLETE.email).is_empty());
}

#[tokio::test]
async fn a_few_server_errors_then_success_make_one_copy() {
    let mut sharing = Sharing::spawn().await;
    sharing.garmin.garmin.inject_times(Route::CreateWorkout, Fault::ServerError(502), 2);
    let done = import_one(&mut sharing).await;
    assert_eq!(done.status(), ShareStatus::Imported, "{done:?}");
    assert!(done.last_error.is_empty());
    assert_eq!(copies(&sharing.garmin, seed::ATHLETE.email).len(), 1);
    assert!(sharing.garmin.garmin.requests(Route::CreateWorkout) >= 3);
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_found_again_not_repeated() {
    let mut sharing = Sharing::spawn().await;
    sharing.garmin.garmin.inject(Route::CreateWorkout, Fault::DropAfterCommit);
    let done = import_one(&mut sharing).await;
    assert_eq!(done.status(), ShareStatus::Imported, "{done:?}");
    let made = copies(&sharing.garmin, seed::ATHLETE.email);
    assert_eq!(made.len(), 1, "one workout in Garmin: {made:?}");
    assert_eq!(
        made[0]["workoutId"].to_string(),
        done.athlete_garmin_workout_id,
        "the one Garmin made"
    );
    assert_eq!(made[0]["workoutName"], copy_name(&sharing.single_sport(0).name).as_str());
    assert_eq!(sharing.garmin.garmin.requests(Route::CreateWorkout), 1, "found by its marker");
    let days =
        scheduled_days(&sharing.garmin, seed::ATHLETE.email, &done.athlete_garmin_workout_id);
    assert_eq!(days, vec![done.athlete_scheduled_date.clone()]);
}

#[tokio::test]
async fn a_schedule_whose_answer_is_lost_makes_one_calendar_entry() {
    let mut sharing = Sharing::spawn().await;
    sharing.garmin.garmin.inject(Route::Schedule, Fault::DropAfterCommit);
    let done = import_one(&mut sharing).await;
    assert_eq!(done.status(), ShareStatus::Imported, "{done:?}");
    let id = &done.athlete_garmin_workout_id;
    let days = scheduled_days(&sharing.garmin, seed::ATHLETE.email, id);
    assert_eq!(days, vec![day(&sharing.garmin, 3)], "exactly one entry on the day");
    assert_eq!(copies(&sharing.garmin, seed::ATHLETE.email).len(), 1);
}

#[tokio::test]
async fn a_failed_share_imports_when_tried_again() {
    let mut sharing = Sharing::spawn().await;
    sharing.garmin.garmin.inject_always(Route::CreateWorkout, Fault::ServerError(500));
    let failed = import_one(&mut sharing).await;
    assert_eq!(failed.status(), ShareStatus::Failed);
    sharing.garmin.garmin.clear_faults();

    let events = sharing.import_over_cool_downs(&sharing.ada, items([&failed.id])).await.unwrap();
    sharing.sign_in_everyone().await;
    let s = summary(&events);
    assert_eq!((s.imported, s.failed), (1, 0), "{events:?}");
    let done = &ends(&events)[&failed.id].0;
    assert_eq!(done.status(), ShareStatus::Imported);
    assert!(done.last_error.is_empty(), "the old error is cleared");
    assert_eq!(done.last_error_reason(), ErrorReason::Unspecified);
    assert!(
        garmin_workout(&sharing.garmin, seed::ATHLETE.email, &done.athlete_garmin_workout_id)
            .is_some()
    );
    assert_eq!(copies(&sharing.garmin, seed::ATHLETE.email).len(), 1);
}

#[tokio::test]
async fn dead_garmin_tokens_fail_the_import_and_ask_for_a_new_sign_in() {
    let mut sharing = Sharing::spawn().await;
    let second = sharing.share_one(sharing.single_sport(1), &sharing.ada, "").await;
    sharing.garmin.garmin.revoke_refresh_tokens();
    sharing.garmin.garmin.expire_access_tokens();
    let done = import_one(&mut sharing).await;
    assert_eq!(done.status(), ShareStatus::Failed, "{done:?}");
    assert_eq!(done.last_error_reason(), ErrorReason::GarminNeedsRelogin);
    assert!(!done.last_error.is_empty());
    assert!(copies(&sharing.garmin, seed::ATHLETE.email).is_empty());

    // Baton now knows: the next import is refused before it starts.
    let refused = sharing.import_refused(&sharing.ada, items([&second.id])).await;
    assert_eq!(
        (refused.code(), reason(&refused).as_str()),
        (Code::FailedPrecondition, "GARMIN_NEEDS_RELOGIN")
    );
    assert_eq!(sharing.share_now(&sharing.ada, &second.id).await.status(), ShareStatus::Pending);
}
