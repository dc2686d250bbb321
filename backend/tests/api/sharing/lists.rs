//! ListOutgoingShares and ListIncomingShares: newest first, filtered,
//! paged, and never another coach's or athlete's shares.

use std::collections::HashSet;

use baton_proto::{
    sharing::v1::{self as pb, ShareStatus},
    user::v1::Role,
};
use baton_sandbox::garmin::{Fault, Route, seed};
use tonic::Code;

use super::{Sharing, items, link_own_garmin, request};
use crate::helpers::bearer;

/// Newest first: create_time descending, then id descending.
fn assert_newest_first(shares: &[pb::Share]) {
    for pair in shares.windows(2) {
        let key = |s: &pb::Share| {
            let time = s.create_time.unwrap();
            (time.seconds, time.nanos, s.id.clone())
        };
        assert!(
            key(&pair[0]) > key(&pair[1]),
            "out of order: {:?} before {:?}",
            key(&pair[0]),
            key(&pair[1])
        );
    }
}

#[tokio::test]
async fn a_coach_lists_own_shares_newest_first_filtered_and_paged() {
    let sharing = Sharing::spawn().await;
    let all: Vec<_> = sharing.library.iter().collect();
    // 130 workouts × 2 athletes in three calls, a second apart.
    for chunk in all.chunks(50) {
        let reply = sharing.share(chunk, &[&sharing.ada, &sharing.mia]).await;
        assert_eq!(reply.shares.len(), chunk.len() * 2);
        sharing.garmin.app.clock.advance(chrono::Duration::seconds(1));
    }
    let other_coach =
        sharing.garmin.app.create_user("olga@baton.test", "Olga Coach", &[Role::Coach]).await;

    let first = sharing.outgoing(&sharing.coach, Default::default()).await.unwrap();
    assert_eq!(first.shares.len(), 50, "50 by default");
    assert!(!first.next_page_token.is_empty());
    let clamped = pb::ListOutgoingSharesRequest { page_size: 1000, ..Default::default() };
    let clamped = sharing.outgoing(&sharing.coach, clamped).await.unwrap();
    assert_eq!(clamped.shares.len(), 200, "at most 200");

    let everything = sharing
        .outgoing_all(
            &sharing.coach,
            pb::ListOutgoingSharesRequest { page_size: 7, ..Default::default() },
        )
        .await;
    assert_eq!(everything.len(), 260);
    let ids: HashSet<_> = everything.iter().map(|s| s.id.clone()).collect();
    assert_eq!(ids.len(), 260, "no share on two pages");
    assert_newest_first(&everything);
    let last_call: HashSet<&String> = sharing.library[100..].iter().map(|w| &w.id).collect();
    let newest = &everything[0].workout.as_ref().unwrap().id;
    assert!(last_call.contains(newest), "the last call's shares come first");

    let to_mia =
        pb::ListOutgoingSharesRequest { athlete_id: sharing.mia.id.clone(), ..Default::default() };
    let to_mia = sharing.outgoing_all(&sharing.coach, to_mia).await;
    assert_eq!(to_mia.len(), 130);
    assert!(to_mia.iter().all(|s| s.athlete.as_ref().unwrap().user_id == sharing.mia.id));
    let of_one = pb::ListOutgoingSharesRequest {
        workout_id: sharing.library[3].id.clone(),
        ..Default::default()
    };
    let of_one = sharing.outgoing_all(&sharing.coach, of_one).await;
    assert_eq!(of_one.len(), 2);
    assert!(of_one.iter().all(|s| s.workout.as_ref().unwrap().id == sharing.library[3].id));

    let dismissed =
        of_one.iter().find(|s| s.athlete.as_ref().unwrap().user_id == sharing.ada.id).unwrap();
    let request = pb::DismissShareRequest { share_id: dismissed.id.clone() };
    sharing.client().await.dismiss_share(bearer(request, &sharing.ada.access_token)).await.unwrap();
    let by_status = |statuses: Vec<ShareStatus>| pb::ListOutgoingSharesRequest {
        statuses: statuses.into_iter().map(|s| s as i32).collect(),
        ..Default::default()
    };
    let only_dismissed =
        sharing.outgoing_all(&sharing.coach, by_status(vec![ShareStatus::Dismissed])).await;
    assert_eq!(
        only_dismissed.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        vec![dismissed.id.clone()]
    );
    let pending = sharing.outgoing_all(&sharing.coach, by_status(vec![ShareStatus::Pending])).await;
    assert_eq!(pending.len(), 259);
    let both = sharing
        .outgoing_all(&sharing.coach, by_status(vec![ShareStatus::Pending, ShareStatus::Dismissed]))
        .await;
    assert_eq!(both.len(), 260);

    assert!(
        sharing.outgoing_all(&other_coach, Default::default()).await.is_empty(),
        "not another coach's"
    );

    let refusals = [
        (
            "a forged token",
            pb::ListOutgoingSharesRequest { page_token: "AAAAforged".into(), ..Default::default() },
        ),
        (
            "a token of another filter",
            pb::ListOutgoingSharesRequest {
                page_token: first.next_page_token.clone(),
                athlete_id: sharing.mia.id.clone(),
                ..Default::default()
            },
        ),
        (
            "a malformed athlete",
            pb::ListOutgoingSharesRequest { athlete_id: "mia".into(), ..Default::default() },
        ),
        (
            "a malformed workout",
            pb::ListOutgoingSharesRequest { workout_id: "12345".into(), ..Default::default() },
        ),
        (
            "an unknown status",
            pb::ListOutgoingSharesRequest { statuses: vec![42], ..Default::default() },
        ),
    ];
    for (what, request) in refusals {
        let refused = sharing.outgoing(&sharing.coach, request).await.unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{what}: {refused:?}");
    }
    let borrowed =
        pb::ListOutgoingSharesRequest { page_token: first.next_page_token, ..Default::default() };
    let refused = sharing.outgoing(&other_coach, borrowed).await.unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument, "another coach's token");
}

#[tokio::test]
async fn an_athletes_inbox_leaves_out_revoked_and_counts_what_needs_acting_on() {
    let mut sharing = Sharing::spawn().await;
    let app = &sharing.garmin.app;
    let second_coach = app.create_user("sven@baton.test", "Sven Second", &[Role::Coach]).await;
    app.link(&second_coach, &sharing.ada).await;
    let template = sharing.garmin.garmin.workouts(seed::COACH.email).swap_remove(5);
    link_own_garmin(&sharing.garmin, &second_coach, "sven@garmin.test", &[template]).await;
    let svens_workout = super::library(&sharing.garmin, &second_coach).await.swap_remove(0);

    let lib = &sharing.library;
    let reply =
        sharing.share(&[&lib[0], &lib[1], &lib[2], &lib[3], &lib[4]], &[&sharing.ada]).await;
    let ids: Vec<String> = reply.shares.iter().map(|s| s.id.clone()).collect();
    sharing.share(&[&lib[0]], &[&sharing.mia]).await;
    app.clock.advance(chrono::Duration::seconds(1));
    let mut second_coach = second_coach;
    let svens = sharing
        .share_as(&second_coach, request(&[&svens_workout], &[&sharing.ada]))
        .await
        .unwrap()
        .shares
        .remove(0);

    let mut client = sharing.client().await;
    let revoke = pb::RevokeShareRequest { share_id: ids[0].clone(), ..Default::default() };
    client.revoke_share(bearer(revoke, &sharing.coach.access_token)).await.unwrap();
    let dismiss = pb::DismissShareRequest { share_id: ids[1].clone() };
    client.dismiss_share(bearer(dismiss, &sharing.ada.access_token)).await.unwrap();
    sharing.garmin.garmin.inject_always(Route::CreateWorkout, Fault::ServerError(500));
    let events = sharing.import_over_cool_downs(&sharing.ada, items([&ids[2]])).await.unwrap();
    assert_eq!(super::summary(&events).failed, 1);
    sharing.garmin.garmin.clear_faults();
    sharing.sign_in_everyone().await;
    sharing.sign_in_again(&mut second_coach).await;
    let ada = sharing.ada.clone();

    let inbox = sharing.incoming(&ada, Default::default()).await.unwrap();
    let listed: Vec<String> = inbox.shares.iter().map(|s| s.id.clone()).collect();
    assert_eq!(listed.len(), 5, "all but the revoked one: {listed:?}");
    assert!(!listed.contains(&ids[0]));
    assert_eq!(listed[0], svens.id, "newest first");
    assert_newest_first(&inbox.shares);
    assert_eq!(inbox.actionable_count, 4, "two pending of Carla's, Sven's one and the failed one");
    let statuses: Vec<ShareStatus> = inbox.shares.iter().map(pb::Share::status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == ShareStatus::Failed).count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == ShareStatus::Dismissed).count(), 1);

    let revoked = pb::ListIncomingSharesRequest {
        statuses: vec![ShareStatus::Revoked as i32],
        ..Default::default()
    };
    let revoked = sharing.incoming(&ada, revoked).await.unwrap();
    assert_eq!(
        revoked.shares.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        vec![ids[0].clone()]
    );
    assert_eq!(revoked.actionable_count, 4, "the badge counts the whole inbox");
    let from_sven =
        pb::ListIncomingSharesRequest { coach_id: second_coach.id.clone(), ..Default::default() };
    let from_sven = sharing.incoming(&ada, from_sven).await.unwrap();
    assert_eq!(
        from_sven.shares.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
        vec![svens.id.clone()]
    );

    let mut paged = Vec::new();
    let mut request = pb::ListIncomingSharesRequest { page_size: 2, ..Default::default() };
    loop {
        let page = sharing.incoming(&ada, request.clone()).await.unwrap();
        assert!(page.shares.len() <= 2);
        paged.extend(page.shares.into_iter().map(|s| s.id));
        if page.next_page_token.is_empty() {
            break;
        }
        request.page_token = page.next_page_token;
    }
    assert_eq!(paged, listed, "pages add up to the list");

    let mias = sharing.incoming_all(&sharing.mia, Default::default()).await;
    assert_eq!(mias.len(), 1, "never another athlete's");
    assert!(mias.iter().all(|s| s.athlete.as_ref().unwrap().user_id == sharing.mia.id));
    for (what, request) in [
        (
            "a forged token",
            pb::ListIncomingSharesRequest { page_token: "forged".into(), ..Default::default() },
        ),
        (
            "a malformed coach",
            pb::ListIncomingSharesRequest { coach_id: "sven".into(), ..Default::default() },
        ),
    ] {
        let refused = sharing.incoming(&ada, request).await.unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{what}: {refused:?}");
    }
}

#[tokio::test]
async fn the_roster_and_the_admin_dashboard_count_shares_by_where_they_stand() {
    use baton_proto::user::v1::{GetOverviewRequest, ListMyAthletesRequest};
    let mut sharing = Sharing::spawn().await;
    let (one, two) = (sharing.single_sport(0), sharing.single_sport(1));
    let reply = sharing.share(&[one, two], &[&sharing.ada]).await;
    sharing.share(&[one], &[&sharing.mia]).await;
    let imported = &reply.shares[0].id;
    let events = sharing.import_over_cool_downs(&sharing.ada, items([imported])).await.unwrap();
    assert_eq!(super::summary(&events).imported, 1);
    sharing.sign_in_everyone().await;

    let athletes = sharing
        .garmin
        .app
        .users()
        .await
        .list_my_athletes(bearer(ListMyAthletesRequest::default(), &sharing.coach.access_token))
        .await
        .unwrap()
        .into_inner()
        .athletes;
    let open = |id: &str| athletes.iter().find(|a| a.user_id == id).unwrap().pending_share_count;
    assert_eq!(
        (open(&sharing.ada.id), open(&sharing.mia.id)),
        (1, 1),
        "imported ones are not open"
    );

    let root = sharing.garmin.app.root().await.clone();
    let overview = sharing
        .garmin
        .app
        .users()
        .await
        .get_overview(bearer(GetOverviewRequest {}, &root.access_token))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (overview.pending_share_count, overview.imported_share_count, overview.failed_share_count),
        (2, 1, 0)
    );
    assert_eq!(overview.queued_job_count, 0, "the one import job is done");
}
