//! ImportShares without faults: the copy that lands in the athlete's
//! Garmin account (named for the coach, no coach ids, the same steps), its
//! calendar day, the stream's events, idempotence, and the refusals that
//! come before any event.

use std::{collections::HashSet, time::Duration};

use baton_proto::{
    sharing::v1::{ShareImport, ShareStatus},
    user::v1::Role,
};
use baton_sandbox::garmin::{Route, seed};
use tonic::Code;

use super::{
    Sharing, copies, copy_name, day, ends, garmin_workout, items, progress, scheduled_days,
    step_ids, step_shape, summary,
};
use crate::helpers::reason;

#[tokio::test]
async fn an_import_puts_a_clean_copy_in_the_athletes_garmin_and_on_the_day() {
    let sharing = Sharing::spawn().await;
    let workout = sharing.single_sport(0);
    let date = day(&sharing.garmin, 4);
    let share = sharing.share_one(workout, &sharing.ada, &date).await;
    let before = sharing.garmin.garmin.workouts(seed::ATHLETE.email).len();

    let events = sharing.import(&sharing.ada, items([&share.id])).await.expect("ImportShares");
    let seen = progress(&events);
    assert_eq!(seen.len(), 2, "a start and an end: {events:?}");
    assert_eq!(seen[0].0.status(), ShareStatus::Importing);
    let (done, already) = &seen[1];
    assert!(!already);
    assert_eq!(done.status(), ShareStatus::Imported, "{done:?}");
    let s = summary(&events);
    assert_eq!((s.imported, s.already_imported, s.failed, s.skipped), (1, 0, 0, 0));

    let id = done.athlete_garmin_workout_id.clone();
    assert!(!id.is_empty());
    assert_eq!(
        done.athlete_garmin_workout_url,
        format!("https://connect.garmin.test/modern/workout/{id}")
    );
    assert_eq!(done.athlete_scheduled_date, date);
    assert!(done.import_time.is_some() && done.attempt_count >= 1 && done.last_error.is_empty());

    let coachs = sharing
        .garmin
        .garmin
        .workouts(seed::COACH.email)
        .into_iter()
        .find(|w| w["workoutId"].as_i64() == workout.garmin_workout_id.parse().ok())
        .unwrap();
    let copy =
        garmin_workout(&sharing.garmin, seed::ATHLETE.email, &id).expect("the copy is in Garmin");
    assert_eq!(copy["workoutName"], copy_name(&workout.name).as_str());
    assert_eq!(copy["ownerId"], seed::ATHLETE.profile_id, "the athlete's own workout");
    assert_ne!(copy["workoutId"], coachs["workoutId"]);
    let coach_steps: HashSet<i64> = step_ids(&coachs).into_iter().collect();
    assert!(step_ids(&copy).iter().all(|id| !coach_steps.contains(id)), "fresh step ids");
    assert_eq!(step_shape(&copy), step_shape(&coachs), "the same steps");
    let numbers = numbers(&copy);
    assert!(!numbers.contains(&seed::COACH.profile_id), "no coach ids in the copy");
    assert!(
        !numbers.contains(&coachs["workoutId"].as_i64().unwrap()),
        "not the coach's workout id"
    );
    assert_eq!(sharing.garmin.garmin.workouts(seed::ATHLETE.email).len(), before + 1);
    assert_eq!(copies(&sharing.garmin, seed::ATHLETE.email).len(), 1);
    assert_eq!(scheduled_days(&sharing.garmin, seed::ATHLETE.email, &id), vec![date]);

    let now = sharing.share_now(&sharing.ada, &share.id).await;
    assert_eq!(
        (now.status(), now.athlete_garmin_workout_id.as_str()),
        (ShareStatus::Imported, id.as_str())
    );
    let coach_view = sharing.share_now(&sharing.coach, &share.id).await;
    assert_eq!(coach_view.status(), ShareStatus::Imported, "the coach sees it imported");
}

#[tokio::test]
async fn the_athlete_moves_or_drops_the_coachs_day() {
    let sharing = Sharing::spawn().await;
    let (coach_day, own_day) = (day(&sharing.garmin, 2), day(&sharing.garmin, 9));
    let moved = sharing.share_one(sharing.single_sport(0), &sharing.ada, &coach_day).await;
    let dropped = sharing.share_one(sharing.single_sport(1), &sharing.ada, &coach_day).await;
    let undated = sharing.share_one(sharing.single_sport(2), &sharing.ada, "").await;
    let chosen = sharing.share_one(sharing.single_sport(3), &sharing.ada, "").await;
    let request = vec![
        ShareImport { share_id: moved.id.clone(), scheduled_date: Some(own_day.clone()) },
        ShareImport { share_id: dropped.id.clone(), scheduled_date: Some(String::new()) },
        ShareImport { share_id: undated.id.clone(), scheduled_date: None },
        ShareImport { share_id: chosen.id.clone(), scheduled_date: Some(own_day.clone()) },
    ];
    let events = sharing.import(&sharing.ada, request).await.unwrap();
    assert_eq!(summary(&events).imported, 4);
    let ends = ends(&events);
    let email = seed::ATHLETE.email;
    for (share, expected) in
        [(&moved, Some(&own_day)), (&dropped, None), (&undated, None), (&chosen, Some(&own_day))]
    {
        let done = &ends[&share.id].0;
        assert_eq!(done.status(), ShareStatus::Imported);
        let days = scheduled_days(&sharing.garmin, email, &done.athlete_garmin_workout_id);
        match expected {
            Some(day) => {
                assert_eq!(days, vec![day.clone()]);
                assert_eq!(&done.athlete_scheduled_date, day);
            }
            None => {
                assert!(days.is_empty(), "not scheduled: {days:?}");
                assert!(done.athlete_scheduled_date.is_empty());
            }
        }
    }
}

#[tokio::test]
async fn importing_an_imported_share_again_makes_no_second_copy() {
    let sharing = Sharing::spawn().await;
    let share =
        sharing.share_one(sharing.single_sport(0), &sharing.ada, &day(&sharing.garmin, 1)).await;
    let first = sharing.import(&sharing.ada, items([&share.id])).await.unwrap();
    let id = ends(&first)[&share.id].0.athlete_garmin_workout_id.clone();
    let (creates, schedules) = (
        sharing.garmin.garmin.requests(Route::CreateWorkout),
        sharing.garmin.garmin.requests(Route::Schedule),
    );

    let again = sharing.import(&sharing.ada, items([&share.id])).await.unwrap();
    let seen = progress(&again);
    assert_eq!(seen.len(), 1, "only an end event: {again:?}");
    let (done, already) = &seen[0];
    assert!(*already);
    assert_eq!(
        (done.status(), done.athlete_garmin_workout_id.as_str()),
        (ShareStatus::Imported, id.as_str())
    );
    let s = summary(&again);
    assert_eq!((s.imported, s.already_imported, s.failed, s.skipped), (0, 1, 0, 0));
    assert_eq!(
        sharing.garmin.garmin.requests(Route::CreateWorkout),
        creates,
        "Garmin not asked again"
    );
    assert_eq!(sharing.garmin.garmin.requests(Route::Schedule), schedules);
    assert_eq!(copies(&sharing.garmin, seed::ATHLETE.email).len(), 1);
    assert_eq!(scheduled_days(&sharing.garmin, seed::ATHLETE.email, &id).len(), 1);
}

#[tokio::test]
async fn closing_the_stream_early_does_not_stop_the_import() {
    let sharing = Sharing::spawn().await;
    let shares =
        sharing.share(&[sharing.single_sport(0), sharing.single_sport(1)], &[&sharing.ada]).await;
    let ids: Vec<String> = shares.shares.iter().map(|s| s.id.clone()).collect();
    sharing.garmin.garmin.set_latency(Duration::from_millis(150));
    let request = crate::helpers::bearer(
        baton_proto::sharing::v1::ImportSharesRequest { shares: items(&ids) },
        &sharing.ada.access_token,
    );
    let mut stream = sharing.client().await.import_shares(request).await.unwrap().into_inner();
    let first = stream.message().await.unwrap().expect("a first event");
    assert!(progress(&[first]).iter().all(|(s, _)| s.status() == ShareStatus::Importing));
    drop(stream);

    for id in &ids {
        let done = sharing.wait_until_done(&sharing.ada, id).await;
        assert_eq!(done.status(), ShareStatus::Imported, "{done:?}");
        assert!(
            garmin_workout(&sharing.garmin, seed::ATHLETE.email, &done.athlete_garmin_workout_id)
                .is_some()
        );
    }
    assert_eq!(copies(&sharing.garmin, seed::ATHLETE.email).len(), 2);
}

#[tokio::test]
async fn refused_imports_are_refused_before_any_event_and_change_nothing() {
    let sharing = Sharing::spawn().await;
    let app = &sharing.garmin.app;
    let adas = sharing.share_one(sharing.single_sport(0), &sharing.ada, "").await;
    let mias = sharing.share_one(sharing.single_sport(0), &sharing.mia, "").await;
    let bo = app.create_user("bo@baton.test", "Bo Unconnected", &[Role::Athlete]).await;
    app.link(&sharing.coach, &bo).await;
    let bos = sharing.share_one(sharing.single_sport(0), &bo, "").await;
    let admin = app.create_user("adam@baton.test", "Adam Admin", &[Role::Admin]).await;
    let one = |id: &str, date: Option<&str>| ShareImport {
        share_id: id.to_owned(),
        scheduled_date: date.map(str::to_owned),
    };
    let random = || uuid::Uuid::new_v4().to_string();

    let cases: Vec<(&str, &crate::helpers::TestUser, Vec<ShareImport>, Code, &str)> = vec![
        ("the coach", &sharing.coach, items([&adas.id]), Code::PermissionDenied, ""),
        ("an admin", &admin, items([&adas.id]), Code::PermissionDenied, ""),
        (
            "another athlete's share",
            &sharing.ada,
            items([&adas.id, &mias.id]),
            Code::PermissionDenied,
            "",
        ),
        ("an unknown share", &sharing.ada, vec![one(&random(), None)], Code::PermissionDenied, ""),
        ("nothing", &sharing.ada, vec![], Code::InvalidArgument, ""),
        (
            "101 shares",
            &sharing.ada,
            (0..101).map(|_| one(&random(), None)).collect(),
            Code::InvalidArgument,
            "",
        ),
        ("one share twice", &sharing.ada, items([&adas.id, &adas.id]), Code::InvalidArgument, ""),
        ("a malformed id", &sharing.ada, vec![one("share-1", None)], Code::InvalidArgument, ""),
        (
            "a bad day",
            &sharing.ada,
            vec![one(&adas.id, Some("2027-13-01"))],
            Code::InvalidArgument,
            "",
        ),
        ("no Garmin link", &bo, items([&bos.id]), Code::FailedPrecondition, "GARMIN_NOT_CONNECTED"),
    ];
    for (what, who, shares, code, why) in cases {
        let refused = sharing.import_refused(who, shares).await;
        assert_eq!(refused.code(), code, "{what}: {refused:?}");
        if !why.is_empty() {
            assert_eq!(reason(&refused), why, "{what}");
        }
    }
    for (who, share) in [(&sharing.ada, &adas), (&sharing.mia, &mias), (&bo, &bos)] {
        assert_eq!(sharing.share_now(who, &share.id).await.status(), ShareStatus::Pending);
    }
    assert_eq!(sharing.garmin.garmin.requests(Route::CreateWorkout), 0);
}

/// Every integer anywhere in a JSON value.
fn numbers(value: &serde_json::Value) -> HashSet<i64> {
    let mut out = HashSet::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Number(n) => out.extend(n.as_i64()),
            serde_json::Value::Array(items) => stack.extend(items),
            serde_json::Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    out
}
