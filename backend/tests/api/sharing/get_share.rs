//! GetShare: the share and its snapshot's typed steps, for its coach and
//! its athlete only; `snapshot_outdated` tells the coach the workout
//! changed in Garmin since.

use baton_proto::user::v1::Role;
use tonic::Code;

use super::Sharing;

#[tokio::test]
async fn the_coach_and_the_athlete_see_the_share_with_its_steps_and_nobody_else_does() {
    let sharing = Sharing::spawn().await;
    let app = &sharing.garmin.app;
    let workout = sharing.single_sport(0);
    let share = sharing.share_one(workout, &sharing.ada, "").await;

    for who in [&sharing.coach, &sharing.ada] {
        let got = sharing.get(who, &share.id).await.expect("GetShare");
        let shown = got.share.expect("the share");
        assert_eq!(shown.id, share.id);
        assert_eq!(shown.workout.as_ref().unwrap().id, workout.id);
        let steps = got.workout.expect("the snapshot");
        assert_eq!(
            (steps.id.as_str(), steps.name.as_str()),
            (workout.id.as_str(), workout.name.as_str())
        );
        assert!(!steps.steps.is_empty(), "typed steps");
        assert_eq!(steps.step_count, workout.step_count);
        assert!(!shown.snapshot_outdated);
    }

    let other_coach = app.create_user("olga@baton.test", "Olga Coach", &[Role::Coach]).await;
    let admin = app.create_user("adam@baton.test", "Adam Admin", &[Role::Admin]).await;
    for (what, who, id) in [
        ("another athlete", &sharing.mia, share.id.clone()),
        ("another coach", &other_coach, share.id.clone()),
        ("an admin", &admin, share.id.clone()),
        ("an unknown share", &sharing.coach, uuid::Uuid::new_v4().to_string()),
        ("an unknown share", &sharing.ada, uuid::Uuid::new_v4().to_string()),
    ] {
        let refused = sharing.get(who, &id).await.unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied, "{what}: {refused:?}");
    }
    let refused = sharing.get(&sharing.ada, "share-1").await.unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn the_coach_sees_that_a_shared_workout_changed_in_garmin_and_the_athlete_does_not() {
    let sharing = Sharing::spawn().await;
    let workout = sharing.single_sport(1);
    let kept = sharing.single_sport(2);
    let share = sharing.share_one(workout, &sharing.ada, "").await;
    let untouched = sharing.share_one(kept, &sharing.ada, "").await;
    assert!(!sharing.share_now(&sharing.coach, &share.id).await.snapshot_outdated);

    sharing
        .change_in_garmin(workout, |json| json["workoutName"] = "Renamed after sharing".into())
        .await;

    let coachs = sharing.get(&sharing.coach, &share.id).await.unwrap();
    let coachs_share = coachs.share.unwrap();
    assert!(coachs_share.snapshot_outdated, "the coach's copy changed since the snapshot");
    assert_eq!(coachs_share.workout.unwrap().name, workout.name, "the snapshot itself is kept");
    assert_eq!(coachs.workout.unwrap().name, workout.name);
    assert!(
        !sharing.share_now(&sharing.ada, &share.id).await.snapshot_outdated,
        "never for athletes"
    );
    assert!(!sharing.share_now(&sharing.coach, &untouched.id).await.snapshot_outdated);
    let listed = sharing.outgoing_all(&sharing.coach, Default::default()).await;
    let listed = listed.iter().find(|s| s.id == share.id).unwrap();
    assert!(listed.snapshot_outdated, "the list says so too");
}
