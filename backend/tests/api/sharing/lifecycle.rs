//! DismissShare and RevokeShare: which states each leaves from, the
//! refusals by reason, and what revoking an imported share takes off the
//! athlete's Garmin account.

use std::time::{Duration, Instant};

use baton_proto::{
    sharing::v1::{self as pb, ShareStatus},
    user::v1::Role,
};
use baton_sandbox::garmin::{Fault, Route, seed};
use tonic::{Code, Status};

use super::{Sharing, copies, day, ends, garmin_workout, items, progress, summary};
use crate::helpers::{TestUser, bearer, reason};

async fn dismiss(sharing: &Sharing, who: &TestUser, id: &str) -> Result<pb::Share, Status> {
    let request = pb::DismissShareRequest { share_id: id.to_owned() };
    let reply = sharing.client().await.dismiss_share(bearer(request, &who.access_token)).await?;
    Ok(reply.into_inner().share.expect("the share"))
}

async fn revoke(
    sharing: &Sharing,
    who: &TestUser,
    id: &str,
    delete: bool,
) -> Result<pb::Share, Status> {
    let request = pb::RevokeShareRequest { share_id: id.to_owned(), delete_imported_copy: delete };
    let reply = sharing.client().await.revoke_share(bearer(request, &who.access_token)).await?;
    Ok(reply.into_inner().share.expect("the share"))
}

fn refused_with(answer: Result<pb::Share, Status>, code: Code, why: &str, what: &str) {
    let status = answer.expect_err(what);
    assert_eq!((status.code(), reason(&status).as_str()), (code, why), "{what}: {status:?}");
}

/// Starts importing `id` with every Garmin call slowed down, and returns
/// once the share is importing (the stream runs on in a task).
async fn start_slow_import(
    sharing: &Sharing,
    who: &TestUser,
    id: &str,
) -> tokio::task::JoinHandle<()> {
    sharing.garmin.garmin.set_latency(Duration::from_millis(700));
    let request =
        bearer(pb::ImportSharesRequest { shares: items([&id.to_owned()]) }, &who.access_token);
    let mut client = sharing.client().await;
    let task = tokio::spawn(async move {
        let mut stream = client.import_shares(request).await.expect("ImportShares").into_inner();
        while stream.message().await.expect("events").is_some() {}
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while sharing.share_now(who, id).await.status() != ShareStatus::Importing {
        assert!(Instant::now() < deadline, "the import did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task
}

#[tokio::test]
async fn an_athlete_dismisses_what_is_pending_or_failed_and_may_import_it_later() {
    let sharing = Sharing::spawn().await;
    let shares = sharing
        .share(
            &[sharing.single_sport(0), sharing.single_sport(1), sharing.single_sport(2)],
            &[&sharing.ada],
        )
        .await
        .shares;
    let (pending, imported, busy) = (&shares[0], &shares[1], &shares[2]);

    let dismissed = dismiss(&sharing, &sharing.ada, &pending.id).await.unwrap();
    assert_eq!(dismissed.status(), ShareStatus::Dismissed);
    let again = dismiss(&sharing, &sharing.ada, &pending.id).await.expect("dismissing twice is OK");
    assert_eq!(again.status(), ShareStatus::Dismissed);
    let inbox = sharing.incoming(&sharing.ada, Default::default()).await.unwrap();
    assert!(inbox.shares.iter().any(|s| s.id == pending.id), "still listed, as dismissed");
    assert_eq!(inbox.actionable_count, 2);

    for (what, who) in [("another athlete", &sharing.mia), ("the coach", &sharing.coach)] {
        refused_with(dismiss(&sharing, who, &imported.id).await, Code::PermissionDenied, "", what);
    }
    refused_with(
        dismiss(&sharing, &sharing.ada, &uuid::Uuid::new_v4().to_string()).await,
        Code::PermissionDenied,
        "",
        "an unknown share",
    );

    sharing.import(&sharing.ada, items([&imported.id])).await.unwrap();
    refused_with(
        dismiss(&sharing, &sharing.ada, &imported.id).await,
        Code::FailedPrecondition,
        "SHARE_IMPORTED",
        "imported",
    );

    let task = start_slow_import(&sharing, &sharing.ada, &busy.id).await;
    refused_with(
        dismiss(&sharing, &sharing.ada, &busy.id).await,
        Code::FailedPrecondition,
        "SHARE_IMPORTING",
        "importing",
    );
    refused_with(
        revoke(&sharing, &sharing.coach, &busy.id, false).await,
        Code::FailedPrecondition,
        "SHARE_IMPORTING",
        "revoking while importing",
    );
    task.await.unwrap();
    sharing.garmin.garmin.set_latency(Duration::ZERO);
    assert_eq!(sharing.share_now(&sharing.ada, &busy.id).await.status(), ShareStatus::Imported);

    // A failed share can be dismissed too.
    let failing = sharing.share_one(sharing.single_sport(3), &sharing.ada, "").await;
    sharing.garmin.garmin.inject_times(Route::CreateWorkout, Fault::ServerError(503), 1000);
    let mut sharing = sharing;
    sharing.import_over_cool_downs(&sharing.ada, items([&failing.id])).await.unwrap();
    sharing.sign_in_everyone().await;
    sharing.garmin.garmin.clear_faults();
    assert_eq!(sharing.share_now(&sharing.ada, &failing.id).await.status(), ShareStatus::Failed);
    assert_eq!(
        dismiss(&sharing, &sharing.ada, &failing.id).await.unwrap().status(),
        ShareStatus::Dismissed
    );

    // The dismissed one is imported after all.
    let events = sharing.import_over_cool_downs(&sharing.ada, items([&pending.id])).await.unwrap();
    sharing.sign_in_everyone().await;
    let done = &ends(&events)[&pending.id].0;
    assert_eq!(done.status(), ShareStatus::Imported, "{events:?}");
    assert!(
        garmin_workout(&sharing.garmin, seed::ATHLETE.email, &done.athlete_garmin_workout_id)
            .is_some()
    );

    let revoked = sharing.share_one(sharing.single_sport(4), &sharing.ada, "").await;
    revoke(&sharing, &sharing.coach, &revoked.id, false).await.unwrap();
    refused_with(
        dismiss(&sharing, &sharing.ada, &revoked.id).await,
        Code::FailedPrecondition,
        "SHARE_REVOKED",
        "revoked",
    );
}

#[tokio::test]
async fn a_coach_revokes_what_was_not_imported_and_the_athlete_cannot_import_it() {
    let sharing = Sharing::spawn().await;
    let app = &sharing.garmin.app;
    let shares = sharing
        .share(&[sharing.single_sport(0), sharing.single_sport(1)], &[&sharing.ada])
        .await
        .shares;
    let (pending, dismissed) = (&shares[0], &shares[1]);
    dismiss(&sharing, &sharing.ada, &dismissed.id).await.unwrap();
    let other_coach = app.create_user("olga@baton.test", "Olga Coach", &[Role::Coach]).await;

    for (what, who) in [("another coach", &other_coach), ("the athlete", &sharing.ada)] {
        refused_with(
            revoke(&sharing, who, &pending.id, false).await,
            Code::PermissionDenied,
            "",
            what,
        );
    }
    let unknown = uuid::Uuid::new_v4().to_string();
    refused_with(
        revoke(&sharing, &sharing.coach, &unknown, false).await,
        Code::PermissionDenied,
        "",
        "unknown",
    );

    for share in [pending, dismissed] {
        let revoked = revoke(&sharing, &sharing.coach, &share.id, false).await.unwrap();
        assert_eq!(revoked.status(), ShareStatus::Revoked);
    }
    let again =
        revoke(&sharing, &sharing.coach, &pending.id, false).await.expect("revoking twice is OK");
    assert_eq!(again.status(), ShareStatus::Revoked);
    let inbox = sharing.incoming(&sharing.ada, Default::default()).await.unwrap();
    assert!(inbox.shares.is_empty(), "gone from the inbox: {:?}", inbox.shares);
    assert_eq!(inbox.actionable_count, 0);
    assert_eq!(sharing.share_now(&sharing.ada, &pending.id).await.status(), ShareStatus::Revoked);

    let events = sharing.import(&sharing.ada, items([&pending.id])).await.unwrap();
    let seen = progress(&events);
    assert_eq!(seen.len(), 1, "only an end event: {events:?}");
    assert_eq!(seen[0].0.status(), ShareStatus::Revoked);
    let s = summary(&events);
    assert_eq!((s.imported, s.already_imported, s.failed, s.skipped), (0, 0, 0, 1));
    assert_eq!(sharing.garmin.garmin.requests(Route::CreateWorkout), 0);
    assert!(copies(&sharing.garmin, seed::ATHLETE.email).is_empty());
}

#[tokio::test]
async fn an_imported_share_is_revoked_only_together_with_the_athletes_copy() {
    let sharing = Sharing::spawn().await;
    let workouts_before = sharing.garmin.garmin.workouts(seed::ATHLETE.email).len();
    let schedules_before = sharing.garmin.garmin.schedules(seed::ATHLETE.email).len();
    let share =
        sharing.share_one(sharing.single_sport(0), &sharing.ada, &day(&sharing.garmin, 5)).await;
    let kept =
        sharing.share_one(sharing.single_sport(1), &sharing.ada, &day(&sharing.garmin, 5)).await;
    let events = sharing.import(&sharing.ada, items([&share.id, &kept.id])).await.unwrap();
    assert_eq!(summary(&events).imported, 2);
    let copy_id = ends(&events)[&share.id].0.athlete_garmin_workout_id.clone();
    assert_eq!(sharing.garmin.garmin.schedules(seed::ATHLETE.email).len(), schedules_before + 2);

    refused_with(
        revoke(&sharing, &sharing.coach, &share.id, false).await,
        Code::FailedPrecondition,
        "SHARE_IMPORTED",
        "imported, copy kept",
    );
    assert!(garmin_workout(&sharing.garmin, seed::ATHLETE.email, &copy_id).is_some());

    let revoked = revoke(&sharing, &sharing.coach, &share.id, true).await.unwrap();
    assert_eq!(revoked.status(), ShareStatus::Revoked);
    assert!(
        garmin_workout(&sharing.garmin, seed::ATHLETE.email, &copy_id).is_none(),
        "the copy is deleted"
    );
    let schedules = sharing.garmin.garmin.schedules(seed::ATHLETE.email);
    assert!(
        schedules.iter().all(|s| s["workoutId"].as_i64() != copy_id.parse().ok()),
        "and off the calendar"
    );
    assert_eq!(schedules.len(), schedules_before + 1, "the other entries stay");
    assert_eq!(sharing.garmin.garmin.workouts(seed::ATHLETE.email).len(), workouts_before + 1);
    assert_eq!(sharing.share_now(&sharing.ada, &kept.id).await.status(), ShareStatus::Imported);
}
