//! UpdateSharedCopies: after the coach changed a shared workout in Garmin,
//! imported copies are replaced in place (same Garmin id, so calendar
//! entries stay) and shares not imported yet get the new snapshot; a
//! second call changes nothing; strangers' workouts and athletes are
//! refused with nothing written.

use std::collections::HashMap;

use baton_proto::{
    garmin::v1::WorkoutSummary,
    sharing::v1::{self as pb, CopyUpdateOutcome, ShareStatus},
    user::v1::{self as user, NotificationKind, Role},
};
use baton_sandbox::garmin::Route;
use serde_json::Value;
use tonic::{Code, Status};

use super::{
    Sharing, bad_fields, copies, copy_name, day, delete_in_garmin, ends, items, scheduled_days,
    step_shape,
};
use crate::helpers::{TestUser, bearer};

impl Sharing {
    async fn update_copies(
        &self,
        who: &TestUser,
        workout_id: &str,
        athletes: &[&TestUser],
    ) -> Result<Vec<pb::SharedCopyUpdate>, Status> {
        let request = pb::UpdateSharedCopiesRequest {
            workout_id: workout_id.to_owned(),
            athlete_ids: athletes.iter().map(|a| a.id.clone()).collect(),
        };
        let reply =
            self.client().await.update_shared_copies(bearer(request, &who.access_token)).await?;
        Ok(reply.into_inner().results)
    }

    /// Imports one share (keeping its day) and returns it imported.
    async fn import_one(&self, who: &TestUser, share_id: &str) -> pb::Share {
        let events = self.import(who, items([&share_id.to_owned()])).await.expect("ImportShares");
        let (share, _) = ends(&events).remove(share_id).expect("the share's end");
        assert_eq!(share.status(), ShareStatus::Imported, "{share:?}");
        share
    }
}

/// The coach's edit: a new name and the first timed or measured step made
/// longer, so the steps differ too.
fn lengthen(json: &mut Value, name: &str) {
    fn first_value(steps: &mut Value) -> Option<&mut Value> {
        for step in steps.as_array_mut()? {
            if step["endConditionValue"].as_f64().is_some_and(|value| value > 0.0) {
                return Some(&mut step["endConditionValue"]);
            }
            if let Some(found) = first_value(&mut step["workoutSteps"]) {
                return Some(found);
            }
        }
        None
    }
    json["workoutName"] = Value::from(name);
    let value = first_value(&mut json["workoutSegments"][0]["workoutSteps"])
        .expect("a step with an end value");
    *value = Value::from(value.as_f64().unwrap() * 2.0);
}

fn outcomes(results: &[pb::SharedCopyUpdate]) -> HashMap<String, (CopyUpdateOutcome, String)> {
    results.iter().map(|r| (r.share.clone().unwrap().id, (r.outcome(), r.error.clone()))).collect()
}

#[tokio::test]
async fn a_change_replaces_the_imported_copy_in_place_and_refreshes_a_pending_share() {
    let sharing = Sharing::spawn().await;
    let workout: &WorkoutSummary = sharing.single_sport(3);
    let date = day(&sharing.garmin, 3);
    let adas = sharing.share_one(workout, &sharing.ada, &date).await;
    let mias = sharing.share_one(workout, &sharing.mia, "").await;
    let imported = sharing.import_one(&sharing.ada, &adas.id).await;
    let copy_id = imported.athlete_garmin_workout_id.clone();
    let ada_email = sharing.email_of(&sharing.ada);
    let description_before = copies(&sharing.garmin, ada_email)[0]["description"].clone();

    // Nothing changed yet: nothing to do, and Garmin is not written to.
    let results = sharing.update_copies(&sharing.coach, &workout.id, &[]).await.unwrap();
    assert!(results.iter().all(|r| r.outcome() == CopyUpdateOutcome::Unchanged), "{results:?}");
    assert_eq!(sharing.garmin.garmin.requests(Route::UpdateWorkout), 0);

    sharing.change_in_garmin(workout, |json| lengthen(json, "Tempo, longer")).await;
    assert!(sharing.share_now(&sharing.coach, &adas.id).await.snapshot_outdated);
    let results = sharing.update_copies(&sharing.coach, &workout.id, &[]).await.unwrap();
    let outcome = outcomes(&results);
    assert_eq!(outcome.len(), 2, "{results:?}");
    assert_eq!(outcome[&adas.id], (CopyUpdateOutcome::Updated, String::new()));
    assert_eq!(outcome[&mias.id], (CopyUpdateOutcome::SnapshotUpdated, String::new()));

    // In Ada's Garmin account: the one copy, same id, the new version,
    // still once on its day, still carrying the note and marker.
    let theirs = copies(&sharing.garmin, ada_email);
    assert_eq!(theirs.len(), 1, "no second copy: {theirs:?}");
    assert_eq!(theirs[0]["workoutId"].as_i64().unwrap().to_string(), copy_id);
    assert_eq!(theirs[0]["workoutName"], copy_name("Tempo, longer").as_str());
    assert_eq!(step_shape(&theirs[0]), step_shape(&sharing.in_garmin(workout)));
    assert_eq!(theirs[0]["description"], description_before);
    assert_eq!(scheduled_days(&sharing.garmin, ada_email, &copy_id), vec![date.clone()]);

    for id in [&adas.id, &mias.id] {
        let now = sharing.share_now(&sharing.coach, id).await;
        assert!(!now.snapshot_outdated, "{now:?}");
        assert_eq!(now.workout.unwrap().name, "Tempo, longer");
    }
    let updated = sharing.share_now(&sharing.ada, &adas.id).await;
    assert_eq!(updated.status(), ShareStatus::Imported);
    assert_eq!(updated.athlete_garmin_workout_id, copy_id);

    // Ada hears of it; a second call finds nothing to do.
    let request = bearer(user::ListNotificationsRequest::default(), &sharing.ada.access_token);
    let listed = sharing.garmin.app.users().await.list_notifications(request).await.unwrap();
    let told = listed.into_inner().notifications;
    assert!(
        told.iter().any(|n| n.kind() == NotificationKind::ShareUpdated && n.share_id == adas.id),
        "{told:?}"
    );
    let puts = sharing.garmin.garmin.requests(Route::UpdateWorkout);
    let again = sharing.update_copies(&sharing.coach, &workout.id, &[]).await.unwrap();
    assert!(again.iter().all(|r| r.outcome() == CopyUpdateOutcome::Unchanged), "{again:?}");
    assert_eq!(sharing.garmin.garmin.requests(Route::UpdateWorkout), puts);

    // Mia, importing only now, gets the new version.
    let mias = sharing.import_one(&sharing.mia, &mias.id).await;
    let hers = copies(&sharing.garmin, sharing.email_of(&sharing.mia));
    assert_eq!(hers.len(), 1);
    assert_eq!(hers[0]["workoutName"], copy_name("Tempo, longer").as_str());
    assert_eq!(hers[0]["workoutId"].as_i64().unwrap().to_string(), mias.athlete_garmin_workout_id);
}

#[tokio::test]
async fn only_the_listed_athletes_shares_are_updated() {
    let sharing = Sharing::spawn().await;
    let workout = sharing.single_sport(4);
    let adas = sharing.share_one(workout, &sharing.ada, "").await;
    let mias = sharing.share_one(workout, &sharing.mia, "").await;
    sharing.change_in_garmin(workout, |json| lengthen(json, "Only for Mia")).await;

    let results =
        sharing.update_copies(&sharing.coach, &workout.id, &[&sharing.mia]).await.unwrap();
    assert_eq!(outcomes(&results).keys().collect::<Vec<_>>(), vec![&mias.id]);
    assert!(sharing.share_now(&sharing.coach, &adas.id).await.snapshot_outdated);
    assert!(!sharing.share_now(&sharing.coach, &mias.id).await.snapshot_outdated);
}

#[tokio::test]
async fn a_copy_the_athlete_deleted_is_reported_and_the_share_left_as_it_was() {
    let sharing = Sharing::spawn().await;
    let workout = sharing.single_sport(5);
    let adas = sharing.share_one(workout, &sharing.ada, "").await;
    let imported = sharing.import_one(&sharing.ada, &adas.id).await;
    let ada_email = sharing.email_of(&sharing.ada);
    let copy_id: i64 = imported.athlete_garmin_workout_id.parse().unwrap();
    delete_in_garmin(&sharing.garmin, ada_email, copy_id).await;
    sharing.change_in_garmin(workout, |json| lengthen(json, "Deleted meanwhile")).await;

    let results = sharing.update_copies(&sharing.coach, &workout.id, &[]).await.unwrap();
    let (outcome, error) = outcomes(&results).remove(&adas.id).unwrap();
    assert_eq!(outcome, CopyUpdateOutcome::Failed);
    assert!(error.contains("deleted"), "{error}");
    assert!(copies(&sharing.garmin, ada_email).is_empty(), "nothing was created instead");
    let now = sharing.share_now(&sharing.coach, &adas.id).await;
    assert!(now.snapshot_outdated, "still the old version: {now:?}");
    assert_eq!(now.status(), ShareStatus::Imported);
}

#[tokio::test]
async fn strangers_workouts_and_athletes_are_refused_with_nothing_written() {
    let sharing = Sharing::spawn().await;
    let app = &sharing.garmin.app;
    let workout = sharing.single_sport(6);
    let adas = sharing.share_one(workout, &sharing.ada, "").await;
    sharing.change_in_garmin(workout, |json| lengthen(json, "Not pushed")).await;
    let other_coach = app.create_user("other@baton.test", "Other Coach", &[Role::Coach]).await;
    let stranger = app.create_user("stranger@baton.test", "Stan Ger", &[Role::Athlete]).await;

    for (what, who, athletes) in [
        ("an athlete", &sharing.ada, vec![]),
        ("another coach", &other_coach, vec![]),
        ("an athlete not linked", &sharing.coach, vec![&sharing.ada, &stranger]),
    ] {
        let refused = sharing.update_copies(who, &workout.id, &athletes).await.unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied, "{what}: {refused:?}");
    }
    let unknown = uuid::Uuid::new_v4().to_string();
    let refused = sharing.update_copies(&sharing.coach, &unknown, &[]).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    let request = pb::UpdateSharedCopiesRequest {
        workout_id: "w-1".to_owned(),
        athlete_ids: vec!["a-1".to_owned()],
    };
    let refused = sharing
        .client()
        .await
        .update_shared_copies(bearer(request, &sharing.coach.access_token))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(bad_fields(&refused), vec!["workout_id", "athlete_ids[0]"]);

    let now = sharing.share_now(&sharing.coach, &adas.id).await;
    assert!(now.snapshot_outdated, "nothing was pushed: {now:?}");
}
