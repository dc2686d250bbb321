//! ShareWorkouts: every pair shared or skipped with its reason, in one
//! transaction; input refused field by field; nothing shared when any
//! workout or athlete is not the caller's, or Garmin would refuse a copy;
//! retries with an idempotency key replayed.

use baton_proto::{
    sharing::v1::{self as pb, ShareStatus, SkipReason},
    user::v1::Role,
};
use baton_sandbox::garmin::{Fault, Route, seed};
use serde_json::Value;
use tonic::Code;

use super::{
    COACH_NAME, Sharing, bad_fields, day, edit_in_garmin, link_own_garmin, request, share_rows,
};
use crate::helpers::reason;

#[tokio::test]
async fn a_coach_shares_workouts_with_athletes_and_each_share_waits_for_its_athlete() {
    let sharing = Sharing::spawn().await;
    let (first, second) = (&sharing.library[0], &sharing.library[1]);
    let note = "é".repeat(2000);
    let date = day(&sharing.garmin, 3);
    let request = pb::ShareWorkoutsRequest {
        note: note.clone(),
        scheduled_date: date.clone(),
        ..request(&[first, second], &[&sharing.ada, &sharing.mia])
    };
    let reply = sharing.share_as(&sharing.coach, request).await.expect("2000 characters fit");

    assert!(reply.skipped.is_empty(), "{:?}", reply.skipped);
    assert_eq!(reply.shares.len(), 4);
    let mut pairs: Vec<(String, String)> = reply
        .shares
        .iter()
        .map(|s| {
            (s.workout.as_ref().unwrap().id.clone(), s.athlete.as_ref().unwrap().user_id.clone())
        })
        .collect();
    pairs.sort();
    let mut expected = vec![];
    for workout in [first, second] {
        for athlete in [&sharing.ada, &sharing.mia] {
            expected.push((workout.id.clone(), athlete.id.clone()));
        }
    }
    expected.sort();
    assert_eq!(pairs, expected, "one share per (workout, athlete) pair");
    for share in &reply.shares {
        assert_eq!(share.status(), ShareStatus::Pending);
        assert!(uuid::Uuid::parse_str(&share.id).is_ok(), "an opaque UUID: {}", share.id);
        let workout = share.workout.as_ref().unwrap();
        let original = if workout.id == first.id { first } else { second };
        assert_eq!(workout.name, original.name, "the coach's own name, not the copy's");
        assert_eq!(workout.sport, original.sport);
        assert_eq!(
            (share.note.as_str(), share.scheduled_date.as_str()),
            (note.as_str(), date.as_str())
        );
        let coach = share.coach.as_ref().unwrap();
        assert_eq!(
            (coach.user_id.as_str(), coach.display_name.as_str()),
            (sharing.coach.id.as_str(), COACH_NAME)
        );
        let athlete = share.athlete.as_ref().unwrap();
        let name = if athlete.user_id == sharing.ada.id { "Ada Athlete" } else { "Mia Athlete" };
        assert_eq!(athlete.display_name, name);
        assert!(
            share.athlete_garmin_workout_id.is_empty() && share.athlete_scheduled_date.is_empty()
        );
        assert_eq!(share.attempt_count, 0);
        assert!(share.last_error.is_empty() && share.create_time.is_some());
    }
    assert_eq!(share_rows(&sharing.garmin).await, 4);
    let inbox = sharing.incoming_all(&sharing.ada, Default::default()).await;
    assert_eq!(inbox.len(), 2, "Ada's two shares reach her inbox");
}

#[tokio::test]
async fn malformed_requests_are_refused_by_field_and_share_nothing() {
    let sharing = Sharing::spawn().await;
    let w = &sharing.library[0];
    let base = request(&[w], &[&sharing.ada]);
    let random = || uuid::Uuid::new_v4().to_string();
    let many = |n: usize| (0..n).map(|_| random()).collect::<Vec<_>>();
    let cases: Vec<(&str, pb::ShareWorkoutsRequest, &[&str])> = vec![
        (
            "no workouts",
            pb::ShareWorkoutsRequest { workout_ids: vec![], ..base.clone() },
            &["workout_ids"],
        ),
        (
            "51 workouts",
            pb::ShareWorkoutsRequest { workout_ids: many(51), ..base.clone() },
            &["workout_ids"],
        ),
        (
            "no athletes",
            pb::ShareWorkoutsRequest { athlete_ids: vec![], ..base.clone() },
            &["athlete_ids"],
        ),
        (
            "athletes and all my athletes",
            pb::ShareWorkoutsRequest { all_my_athletes: true, ..base.clone() },
            &["athlete_ids", "all_my_athletes"],
        ),
        (
            "201 athletes",
            pb::ShareWorkoutsRequest { athlete_ids: many(201), ..base.clone() },
            &["athlete_ids"],
        ),
        (
            "1200 pairs",
            pb::ShareWorkoutsRequest {
                workout_ids: many(6),
                athlete_ids: many(200),
                ..base.clone()
            },
            &["workout_ids", "athlete_ids"],
        ),
        (
            "a workout id that is no UUID",
            pb::ShareWorkoutsRequest {
                workout_ids: vec![w.id.clone(), "12345".into()],
                ..base.clone()
            },
            &["workout_ids"],
        ),
        (
            "an athlete id that is no UUID",
            pb::ShareWorkoutsRequest { athlete_ids: vec!["ada".into()], ..base.clone() },
            &["athlete_ids"],
        ),
        (
            "2001 characters of note",
            pb::ShareWorkoutsRequest { note: "n".repeat(2001), ..base.clone() },
            &["note"],
        ),
        (
            "30 February",
            pb::ShareWorkoutsRequest { scheduled_date: "2027-02-30".into(), ..base.clone() },
            &["scheduled_date"],
        ),
        (
            "an unpadded day",
            pb::ShareWorkoutsRequest { scheduled_date: "2027-3-5".into(), ..base.clone() },
            &["scheduled_date"],
        ),
        (
            "a word for a day",
            pb::ShareWorkoutsRequest { scheduled_date: "tomorrow".into(), ..base.clone() },
            &["scheduled_date"],
        ),
        (
            "a day with a time",
            pb::ShareWorkoutsRequest {
                scheduled_date: "2027-03-05T10:00:00Z".into(),
                ..base.clone()
            },
            &["scheduled_date"],
        ),
        (
            "an overlong idempotency key",
            pb::ShareWorkoutsRequest { idempotency_key: "k".repeat(129), ..base.clone() },
            &["idempotency_key"],
        ),
    ];
    let mut failures = Vec::new();
    for (what, request, fields) in cases {
        match sharing.share_as(&sharing.coach, request).await {
            Err(status) if status.code() == Code::InvalidArgument => {
                let named = bad_fields(&status);
                if !named.iter().any(|f| fields.iter().any(|want| f.starts_with(want))) {
                    failures.push(format!("{what}: names {named:?}, expected one of {fields:?}"));
                }
            }
            other => failures.push(format!("{what}: {:?}", other.map(|r| r.shares.len()))),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(share_rows(&sharing.garmin).await, 0, "nothing shared");
}

#[tokio::test]
async fn only_coaches_share_and_only_their_own_workouts_with_their_own_athletes() {
    let sharing = Sharing::spawn().await;
    let app = &sharing.garmin.app;
    let other_coach = app.create_user("olga@baton.test", "Olga Coach", &[Role::Coach]).await;
    let stranger = app.create_user("stan@baton.test", "Stan Stranger", &[Role::Athlete]).await;
    app.link(&other_coach, &stranger).await;
    let template = sharing.garmin.garmin.workouts(seed::COACH.email).swap_remove(0);
    link_own_garmin(&sharing.garmin, &other_coach, "olga@garmin.test", &[template]).await;
    let others_workout = super::library(&sharing.garmin, &other_coach).await.swap_remove(0);
    let admin = app.create_user("adam@baton.test", "Adam Admin", &[Role::Admin]).await;

    let mine = &sharing.library[0];
    let unknown = pb::ShareWorkoutsRequest {
        workout_ids: vec![mine.id.clone(), uuid::Uuid::new_v4().to_string()],
        ..request(&[], &[&sharing.ada])
    };
    let unknown_athlete = pb::ShareWorkoutsRequest {
        athlete_ids: vec![sharing.ada.id.clone(), uuid::Uuid::new_v4().to_string()],
        ..request(&[mine], &[])
    };
    let audit_before = app.sql_count("SELECT COUNT(*) AS n FROM audit_log").await;
    let refusals = [
        (
            "another coach's workout",
            &sharing.coach,
            request(&[mine, &others_workout], &[&sharing.ada]),
        ),
        ("a workout nobody has", &sharing.coach, unknown),
        ("another coach's athlete", &sharing.coach, request(&[mine], &[&sharing.ada, &stranger])),
        ("an athlete nobody is", &sharing.coach, unknown_athlete),
        ("the other coach with my workout", &other_coach, request(&[mine], &[&stranger])),
        ("an athlete", &sharing.ada, request(&[mine], &[&sharing.mia])),
        ("an admin", &admin, request(&[mine], &[&sharing.ada])),
    ];
    for (what, who, request) in refusals {
        let refused = sharing.share_as(who, request).await.expect_err(what);
        assert_eq!(refused.code(), Code::PermissionDenied, "{what}: {refused:?}");
    }
    assert_eq!(share_rows(&sharing.garmin).await, 0, "nothing shared");
    let audit_after = app.sql_count("SELECT COUNT(*) AS n FROM audit_log").await;
    assert_eq!(audit_after, audit_before, "and nothing audited as shared");
}

#[tokio::test]
async fn duplicates_collapse_and_shared_or_inactive_pairs_are_skipped_with_their_reason() {
    let sharing = Sharing::spawn().await;
    let app = &sharing.garmin.app;
    let (first, second) = (&sharing.library[0], &sharing.library[1]);
    let dora = app.create_user("dora@baton.test", "Dora Deactivated", &[Role::Athlete]).await;
    app.link(&sharing.coach, &dora).await;
    app.deactivate(dora.id.parse().unwrap()).await;

    let twice = request(&[first, first], &[&sharing.ada, &sharing.ada]);
    let reply = sharing.share_as(&sharing.coach, twice).await.unwrap();
    assert_eq!((reply.shares.len(), reply.skipped.len()), (1, 0), "listed twice, shared once");
    let existing = reply.shares[0].id.clone();

    let reply = sharing
        .share_as(&sharing.coach, request(&[first, second], &[&sharing.ada, &sharing.mia, &dora]))
        .await
        .unwrap();
    assert_eq!(reply.shares.len(), 3, "the new pairs: {reply:?}");
    let mut skipped: Vec<_> = reply
        .skipped
        .iter()
        .map(|s| {
            (s.workout_id.clone(), s.athlete_id.clone(), s.reason(), s.existing_share_id.clone())
        })
        .collect();
    skipped.sort();
    let mut expected = vec![
        (first.id.clone(), sharing.ada.id.clone(), SkipReason::AlreadyShared, existing.clone()),
        (first.id.clone(), dora.id.clone(), SkipReason::AthleteInactive, String::new()),
        (second.id.clone(), dora.id.clone(), SkipReason::AthleteInactive, String::new()),
    ];
    expected.sort();
    assert_eq!(skipped, expected);
    assert_eq!(share_rows(&sharing.garmin).await, 4);

    // Dismissed by the athlete or revoked by the coach: shareable again.
    let dismissed = pb::DismissShareRequest { share_id: existing.clone() };
    sharing
        .client()
        .await
        .dismiss_share(crate::helpers::bearer(dismissed, &sharing.ada.access_token))
        .await
        .unwrap();
    let again = sharing.share(&[first], &[&sharing.ada]).await;
    assert_eq!((again.shares.len(), again.skipped.len()), (1, 0), "{again:?}");
    assert_ne!(again.shares[0].id, existing, "a new share");
    let mias = reply.shares.iter().find(|s| s.athlete.as_ref().unwrap().user_id == sharing.mia.id);
    let revoked =
        pb::RevokeShareRequest { share_id: mias.unwrap().id.clone(), ..Default::default() };
    sharing
        .client()
        .await
        .revoke_share(crate::helpers::bearer(revoked, &sharing.coach.access_token))
        .await
        .unwrap();
    let workout = mias.unwrap().workout.as_ref().unwrap().id.clone();
    let workout = sharing.library.iter().find(|w| w.id == workout).unwrap();
    let again = sharing.share(&[workout], &[&sharing.mia]).await;
    assert_eq!((again.shares.len(), again.skipped.len()), (1, 0), "{again:?}");
}

#[tokio::test]
async fn all_my_athletes_means_every_athlete_linked_now() {
    let sharing = Sharing::spawn().await;
    let app = &sharing.garmin.app;
    let unlinked = app.create_user("ulla@baton.test", "Ulla Unlinked", &[Role::Athlete]).await;
    let request = pb::ShareWorkoutsRequest {
        all_my_athletes: true,
        ..request(&[&sharing.library[0], &sharing.library[1]], &[])
    };
    let reply = sharing.share_as(&sharing.coach, request).await.unwrap();
    let mut athletes: Vec<String> =
        reply.shares.iter().map(|s| s.athlete.as_ref().unwrap().user_id.clone()).collect();
    athletes.sort();
    let mut expected = vec![
        sharing.ada.id.clone(),
        sharing.ada.id.clone(),
        sharing.mia.id.clone(),
        sharing.mia.id.clone(),
    ];
    expected.sort();
    assert_eq!(athletes, expected);
    assert!(sharing.incoming_all(&unlinked, Default::default()).await.is_empty());
}

#[tokio::test]
async fn a_workout_garmin_would_refuse_to_copy_shares_nothing() {
    let sharing = Sharing::spawn().await;
    // An exercise without a category: Garmin keeps it in a run (which is
    // how it got there) but refuses a copy of it (GARMIN.md §0.1).
    let mut drill = sharing
        .garmin
        .garmin
        .workouts(seed::COACH.email)
        .into_iter()
        .find(|w| w["sportType"]["sportTypeKey"] == "running")
        .expect("a run");
    drill["workoutName"] = Value::from("Drills with squats");
    let step = drill["workoutSegments"][0]["workoutSteps"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["type"] == "ExecutableStepDTO")
        .expect("a top-level step");
    step["exerciseName"] = Value::from("GOBLET_SQUAT");
    step["category"] = Value::Null;
    sharing.garmin.garmin.add_workout(seed::COACH.email, &drill).expect("Garmin keeps it");
    sharing.garmin.sync(&sharing.coach, false).await.unwrap();
    let library = super::library(&sharing.garmin, &sharing.coach).await;
    let drill = library.iter().find(|w| w.name == "Drills with squats").expect("synced");

    let refused = sharing
        .share_as(&sharing.coach, request(&[&sharing.library[0], drill], &[&sharing.ada]))
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code(), reason(&refused).as_str()),
        (Code::FailedPrecondition, "WORKOUT_NOT_COPYABLE")
    );
    assert_eq!(share_rows(&sharing.garmin).await, 0, "not even the copyable one");
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_gets_the_same_reply_and_shares_nothing_more() {
    let sharing = Sharing::spawn().await;
    let keyed = pb::ShareWorkoutsRequest {
        idempotency_key: "share-once-7f3a".into(),
        note: "Tempo week".into(),
        ..request(&[&sharing.library[0], &sharing.library[1]], &[&sharing.ada])
    };
    let first = sharing.share_as(&sharing.coach, keyed.clone()).await.unwrap();
    assert_eq!(first.shares.len(), 2);
    let replayed = sharing.share_as(&sharing.coach, keyed.clone()).await.unwrap();
    assert_eq!(replayed, first, "the stored reply, shares and all");
    assert_eq!(share_rows(&sharing.garmin).await, 2);

    let fresh = pb::ShareWorkoutsRequest { idempotency_key: "another-key".into(), ..keyed };
    let second = sharing.share_as(&sharing.coach, fresh).await.unwrap();
    assert!(second.shares.is_empty(), "a new key runs again and finds the pairs shared");
    assert_eq!(second.skipped.len(), 2);
    assert!(second.skipped.iter().all(|s| s.reason() == SkipReason::AlreadyShared));
    assert_eq!(share_rows(&sharing.garmin).await, 2);
}

#[tokio::test]
async fn a_share_snapshots_the_coachs_latest_version_even_before_a_sync() {
    let sharing = Sharing::spawn().await;
    let workout = sharing.single_sport(7);
    let current = sharing.in_garmin(workout);
    sharing.garmin.garmin.advance_clock(std::time::Duration::from_secs(60));
    edit_in_garmin(&sharing.garmin, seed::COACH.email, &current, |json| {
        json["workoutName"] = "Changed a minute ago".into();
    })
    .await;

    let share = sharing.share_one(workout, &sharing.ada, "").await;
    assert_eq!(share.workout.as_ref().unwrap().name, "Changed a minute ago");
    assert!(!share.snapshot_outdated);
    let library = super::library(&sharing.garmin, &sharing.coach).await;
    let cached = library.iter().find(|w| w.id == workout.id).unwrap();
    assert_eq!(cached.name, "Changed a minute ago", "the library caught up too");
}

#[tokio::test]
async fn when_garmin_cannot_be_asked_the_share_is_made_from_the_cache() {
    let sharing = Sharing::spawn().await;
    let workout = sharing.single_sport(8);
    let current = sharing.in_garmin(workout);
    sharing.garmin.garmin.advance_clock(std::time::Duration::from_secs(60));
    edit_in_garmin(&sharing.garmin, seed::COACH.email, &current, |json| {
        json["workoutName"] = "Not seen yet".into();
    })
    .await;
    let limited = Fault::RateLimited { retry_after: Some(std::time::Duration::from_secs(120)) };
    sharing.garmin.garmin.inject_always(Route::GetWorkout, limited);

    let share = sharing.share_one(workout, &sharing.ada, "").await;
    assert_eq!(share.workout.as_ref().unwrap().name, workout.name, "as last synced");
    assert_eq!(share.status(), ShareStatus::Pending);
}
