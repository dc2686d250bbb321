//! Notifications from sharing, listed and live: an athlete hears of new
//! and withdrawn shares and of failed imports, a coach of imports done and
//! failed, anyone whose Garmin sign-in died is told once; a watch started
//! before the event sees it arrive, on the same server or (PostgreSQL)
//! another one on the same database.

use std::time::Duration;

use baton::clock::ManualClock;
use baton_proto::user::v1::{
    self as user, ListNotificationsRequest, MarkNotificationsReadRequest, NotificationKind,
    WatchNotificationsRequest, WatchNotificationsResponse,
};
use baton_sandbox::garmin::{Fault, Route};
use tonic::{Code, Streaming, transport::Channel};

use super::{Sharing, day, items};
use crate::helpers::{TestApp, TestUser, bearer};

/// `who`'s notifications, newest first, and the unread count.
async fn notifications(sharing: &Sharing, who: &TestUser) -> (Vec<user::Notification>, i32) {
    let request = bearer(ListNotificationsRequest::default(), &who.access_token);
    let reply =
        sharing.garmin.app.users().await.list_notifications(request).await.unwrap().into_inner();
    (reply.notifications, reply.unread_count)
}

/// A watch of `who`'s notifications through `channel`, past its first
/// message (whose unread count it returns).
async fn watch(channel: Channel, who: &TestUser) -> (Streaming<WatchNotificationsResponse>, i32) {
    let mut users = user::user_service_client::UserServiceClient::new(channel);
    let request = bearer(WatchNotificationsRequest {}, &who.access_token);
    let mut stream = users.watch_notifications(request).await.unwrap().into_inner();
    let first = stream.message().await.unwrap().expect("a first message");
    assert!(first.notification.is_none(), "the first message only counts: {first:?}");
    (stream, first.unread_count)
}

/// The next notification of a watch (skipping gap messages).
async fn next(stream: &mut Streaming<WatchNotificationsResponse>) -> (user::Notification, i32) {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(20), stream.message())
            .await
            .expect("a notification within 20 s")
            .unwrap()
            .expect("the watch stays open");
        if let Some(notification) = message.notification {
            return (notification, message.unread_count);
        }
    }
}

#[tokio::test]
async fn athletes_and_coaches_hear_of_shares_and_imports_as_they_happen() {
    let mut sharing = Sharing::spawn().await;
    let (mut adas_watch, unread) = watch(sharing.garmin.app.channel().await, &sharing.ada).await;
    assert_eq!(unread, 0);
    let (mut coachs_watch, _) = watch(sharing.garmin.app.channel().await, &sharing.coach).await;

    let (one, two) = (sharing.single_sport(0), sharing.single_sport(1));
    let reply = sharing.share(&[one, two], &[&sharing.ada]).await;
    let (received, unread) = next(&mut adas_watch).await;
    assert_eq!(received.kind(), NotificationKind::ShareReceived);
    assert_eq!(received.title, "Carla Coach shared 2 workouts with you");
    assert!(received.body.contains(&one.name) && received.body.contains(&two.name));
    assert!(reply.shares.iter().any(|share| share.id == received.share_id));
    assert_eq!((received.user_id.as_str(), unread), (sharing.coach.id.as_str(), 1));
    let (listed, unread) = notifications(&sharing, &sharing.ada).await;
    assert_eq!((listed.len(), unread), (1, 1));
    assert_eq!(listed[0].id, received.id);
    assert!(listed[0].read_time.is_none());

    // Imported: the coach hears it, with the athlete's name and the day.
    let first = reply.shares[0].id.clone();
    let shares = vec![baton_proto::sharing::v1::ShareImport {
        share_id: first.clone(),
        scheduled_date: Some(day(&sharing.garmin, 4)),
    }];
    let events = sharing.import(&sharing.ada, shares).await.unwrap();
    assert_eq!(super::summary(&events).imported, 1);
    let (imported, _) = next(&mut coachs_watch).await;
    assert_eq!(imported.kind(), NotificationKind::ShareImported);
    assert_eq!(imported.share_id, first);
    assert!(imported.title.starts_with("Ada Athlete imported "), "{}", imported.title);
    assert!(imported.body.contains(&day(&sharing.garmin, 4)), "{}", imported.body);

    // Failed: both sides hear why.
    sharing.garmin.garmin.inject_always(Route::CreateWorkout, Fault::ServerError(500));
    let second = reply.shares[1].id.clone();
    let events = sharing.import_over_cool_downs(&sharing.ada, items([&second])).await.unwrap();
    assert_eq!(super::summary(&events).failed, 1);
    sharing.garmin.garmin.clear_faults();
    let (failed, _) = next(&mut adas_watch).await;
    assert_eq!(
        (failed.kind(), failed.share_id.as_str()),
        (NotificationKind::ShareFailed, second.as_str())
    );
    assert!(!failed.body.is_empty());
    let (told, _) = next(&mut coachs_watch).await;
    assert_eq!(
        (told.kind(), told.share_id.as_str()),
        (NotificationKind::ShareFailed, second.as_str())
    );
    sharing.sign_in_everyone().await;

    // Withdrawn: the athlete hears it.
    let theirs = sharing.share_one(sharing.single_sport(2), &sharing.mia, "").await;
    let (mut mias_watch, _) = watch(sharing.garmin.app.channel().await, &sharing.mia).await;
    let request = baton_proto::sharing::v1::RevokeShareRequest {
        share_id: theirs.id.clone(),
        delete_imported_copy: false,
    };
    sharing
        .client()
        .await
        .revoke_share(bearer(request, &sharing.coach.access_token))
        .await
        .unwrap();
    let (revoked, unread) = next(&mut mias_watch).await;
    assert_eq!(revoked.kind(), NotificationKind::ShareRevoked);
    assert_eq!((revoked.share_id.as_str(), unread), (theirs.id.as_str(), 2), "received, revoked");
}

#[tokio::test]
async fn marking_read_counts_down_and_ignores_other_peoples_notifications() {
    let sharing = Sharing::spawn().await;
    sharing.share(&[sharing.single_sport(0)], &[&sharing.ada, &sharing.mia]).await;
    sharing.share(&[sharing.single_sport(1)], &[&sharing.ada]).await;
    let (adas, unread) = notifications(&sharing, &sharing.ada).await;
    assert_eq!((adas.len(), unread), (2, 2));
    let (mias, _) = notifications(&sharing, &sharing.mia).await;
    let mut users = sharing.garmin.app.users().await;
    let mark = |ids: Vec<String>, up_to_time| MarkNotificationsReadRequest {
        notification_ids: ids,
        up_to_time,
    };

    // Mia's id in Ada's call: ignored.
    let request = mark(vec![mias[0].id.clone(), adas[1].id.clone()], None);
    let left = users
        .mark_notifications_read(bearer(request, &sharing.ada.access_token))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(left.unread_count, 1);
    assert_eq!(notifications(&sharing, &sharing.mia).await.1, 1, "Mia's stays unread");
    let unread_only = bearer(
        ListNotificationsRequest { unread_only: true, ..Default::default() },
        &sharing.ada.access_token,
    );
    let still = users.list_notifications(unread_only).await.unwrap().into_inner();
    assert_eq!(still.notifications.iter().map(|n| &n.id).collect::<Vec<_>>(), vec![&adas[0].id]);

    // Everything up to the newest shown; again is a no-op.
    for _ in 0..2 {
        let request = mark(vec![], adas[0].create_time);
        let left = users
            .mark_notifications_read(bearer(request, &sharing.ada.access_token))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(left.unread_count, 0);
    }
    assert!(notifications(&sharing, &sharing.ada).await.0.iter().all(|n| n.read_time.is_some()));

    for (what, request) in [
        ("nothing named", mark(vec![], None)),
        ("201 ids", mark((0..201).map(|_| uuid::Uuid::new_v4().to_string()).collect(), None)),
        ("a malformed id", mark(vec!["n-1".into()], None)),
        (
            "an impossible time",
            mark(vec![], Some(prost_types::Timestamp { seconds: 0, nanos: -5 })),
        ),
    ] {
        let refused = users
            .mark_notifications_read(bearer(request, &sharing.ada.access_token))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{what}");
    }
    let forged = bearer(
        ListNotificationsRequest { page_token: "forged".into(), ..Default::default() },
        &sharing.ada.access_token,
    );
    assert_eq!(users.list_notifications(forged).await.unwrap_err().code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_dead_garmin_sign_in_is_told_once() {
    let mut sharing = Sharing::spawn().await;
    let reply =
        sharing.share(&[sharing.single_sport(0), sharing.single_sport(1)], &[&sharing.ada]).await;
    sharing.garmin.garmin.revoke_refresh_tokens();
    sharing.garmin.garmin.expire_access_tokens();
    let ids: Vec<String> = reply.shares.iter().map(|share| share.id.clone()).collect();
    let events = sharing.import_over_cool_downs(&sharing.ada, items(&ids)).await.unwrap();
    assert_eq!(super::summary(&events).failed, 2, "{events:?}");
    sharing.sign_in_everyone().await;
    let (listed, _) = notifications(&sharing, &sharing.ada).await;
    let attention: Vec<_> =
        listed.iter().filter(|n| n.kind() == NotificationKind::GarminAttention).collect();
    assert_eq!(attention.len(), 1, "{listed:?}");
    assert_eq!(attention[0].title, "Connect Garmin again");
}

#[tokio::test]
async fn a_watch_on_one_server_hears_what_another_server_made() {
    if std::env::var("BATON_TEST_DATABASE").as_deref() != Ok("postgres") {
        eprintln!("skipped: two servers share a database on PostgreSQL only");
        return;
    }
    let sharing = Sharing::spawn().await;
    let storage = sharing.garmin.app.storage.clone();
    let clock: ManualClock = sharing.garmin.app.clock.clone();
    let second = TestApp::start_with(storage, clock, |_| {}).await;
    let (mut watch_there, _) = watch(second.channel().await, &sharing.ada).await;
    // LISTEN starts with the server; give it a moment to be connected.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let share = sharing.share_one(sharing.single_sport(0), &sharing.ada, "").await;
    let (received, unread) = next(&mut watch_there).await;
    assert_eq!((received.share_id.as_str(), unread), (share.id.as_str(), 1));
}

#[tokio::test]
async fn a_quiet_watch_hears_a_heartbeat_with_the_unread_count() {
    let sharing = Sharing::spawn().await;
    sharing.share_one(sharing.single_sport(0), &sharing.ada, "").await;
    let (mut stream, unread) = watch(sharing.garmin.app.channel().await, &sharing.ada).await;
    assert_eq!(unread, 1);
    let wait = baton::service::HEARTBEAT + Duration::from_secs(10);
    let beat = tokio::time::timeout(wait, stream.message())
        .await
        .expect("a heartbeat before the wait is over")
        .unwrap()
        .expect("the watch stays open");
    assert!(beat.heartbeat, "{beat:?}");
    assert_eq!((beat.notification, beat.unread_count), (None, 1));
}
