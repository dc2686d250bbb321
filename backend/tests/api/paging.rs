//! Page tokens through the real server: every List RPC continues its own
//! pages and answers INVALID_ARGUMENT — never a reset stream — to tokens
//! that are forged, truncated, oversized, another user's or another
//! query's.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use baton_proto::{
    auth::v1::ListSessionsRequest,
    sharing::v1::{
        ListIncomingSharesRequest, ListOutgoingSharesRequest, ShareStatus, ShareWorkoutsRequest,
        sharing_service_client::SharingServiceClient,
    },
    user::v1::{
        InviteAthleteRequest, ListAuditEventsRequest, ListInvitesRequest, ListMyAthletesRequest,
        ListUsersRequest, Role,
    },
};
use prost::Message;
use tonic::{Code, Status};

use crate::helpers::{PASSWORD, TestApp, TestUser, bearer};

/// The List RPCs of the services built so far; Garmin's come with their
/// issue (they answer UNIMPLEMENTED until then).
const LIST_RPCS: [&str; 5] =
    ["ListSessions", "ListUsers", "ListInvites", "ListMyAthletes", "ListAuditEvents"];
/// The sharing lists, which need a Garmin stand-in to have shares to page.
const SHARING_LIST_RPCS: [&str; 2] = ["ListOutgoingShares", "ListIncomingShares"];
const NOT_BUILT_YET: [&str; 2] = ["ListNotifications", "ListWorkouts"];

/// One page of `rpc` as `who`, filtered by `filter` (a search text where the
/// RPC has one): the next page token.
async fn list(
    app: &TestApp,
    rpc: &str,
    who: &TestUser,
    filter: &str,
    page_token: &str,
) -> Result<String, Status> {
    let page_token = page_token.to_owned();
    let (mut auth, mut users) = (app.auth().await, app.users().await);
    let token = who.access_token.as_str();
    let next = match rpc {
        "ListSessions" => {
            let request = ListSessionsRequest { page_size: 1, page_token };
            auth.list_sessions(bearer(request, token)).await?.into_inner().next_page_token
        }
        "ListUsers" => {
            let query = filter.to_owned();
            let request =
                ListUsersRequest { page_size: 1, page_token, query, ..Default::default() };
            users.list_users(bearer(request, token)).await?.into_inner().next_page_token
        }
        "ListInvites" => {
            let status = if filter.is_empty() { 0 } else { 1 };
            let request =
                ListInvitesRequest { page_size: 1, page_token, status, ..Default::default() };
            users.list_invites(bearer(request, token)).await?.into_inner().next_page_token
        }
        "ListMyAthletes" => {
            let query = filter.to_owned();
            let request = ListMyAthletesRequest { page_size: 1, page_token, query };
            users.list_my_athletes(bearer(request, token)).await?.into_inner().next_page_token
        }
        "ListAuditEvents" => {
            let action_prefix = filter.to_owned();
            let request = ListAuditEventsRequest {
                page_size: 1,
                page_token,
                action_prefix,
                ..Default::default()
            };
            users.list_audit_events(bearer(request, token)).await?.into_inner().next_page_token
        }
        "ListOutgoingShares" | "ListIncomingShares" => {
            let statuses =
                if filter.is_empty() { vec![] } else { vec![ShareStatus::Pending as i32] };
            let mut sharing = SharingServiceClient::new(app.channel().await);
            if rpc == "ListOutgoingShares" {
                let request = ListOutgoingSharesRequest {
                    page_size: 1,
                    page_token,
                    statuses,
                    ..Default::default()
                };
                sharing
                    .list_outgoing_shares(bearer(request, token))
                    .await?
                    .into_inner()
                    .next_page_token
            } else {
                let request = ListIncomingSharesRequest {
                    page_size: 1,
                    page_token,
                    statuses,
                    ..Default::default()
                };
                sharing
                    .list_incoming_shares(bearer(request, token))
                    .await?
                    .into_inner()
                    .next_page_token
            }
        }
        other => panic!("no list call for {other}"),
    };
    Ok(next)
}

/// `rpc`'s tokens that `me` got, tried forged, by `other` and with another
/// filter: each that was not refused with INVALID_ARGUMENT.
async fn accepted_tokens(
    app: &TestApp,
    rpc: &str,
    me: &TestUser,
    other: &TestUser,
    filter: &str,
) -> Vec<String> {
    let token = list(app, rpc, me, "", "").await.unwrap();
    assert!(!token.is_empty(), "{rpc}: a second page follows");
    assert!(list(app, rpc, me, "", &token).await.is_ok(), "{rpc}: the token continues");
    let mut bad = forged(&token).into_iter().map(|t| (t, me, "")).collect::<Vec<_>>();
    bad.push((token.clone(), other, ""));
    if !filter.is_empty() {
        bad.push((token.clone(), me, filter));
    }
    let mut failures = Vec::new();
    for (page_token, who, filter) in bad {
        match list(app, rpc, who, filter, &page_token).await {
            Err(status) if status.code() == Code::InvalidArgument => {}
            other => failures.push(format!(
                "{rpc} with {}…: {other:?}",
                page_token.chars().take(12).collect::<String>()
            )),
        }
    }
    failures
}

/// Who calls `rpc` (two callers who may, with a page to follow each).
fn callers<'a>(
    rpc: &str,
    admins: &'a [TestUser; 2],
    coaches: &'a [TestUser; 2],
) -> [&'a TestUser; 2] {
    match rpc {
        "ListUsers" => [&admins[0], &admins[1]],
        "ListInvites" | "ListMyAthletes" => [&coaches[0], &coaches[1]],
        _ => [&coaches[0], &admins[0]],
    }
}

fn forged(token: &str) -> Vec<String> {
    let mut raised = URL_SAFE_NO_PAD.decode(token).expect("our tokens are base64url");
    for byte in raised.iter_mut().skip(1).take(4) {
        *byte = 0xff;
    }
    // The old, unsigned shape: an offset of 2^63 and a fingerprint anyone
    // can compute.
    let mut unsigned = [0u8; 16];
    unsigned[0] = 0x80;
    vec![
        URL_SAFE_NO_PAD.encode(raised),
        URL_SAFE_NO_PAD.encode(unsigned),
        token[..token.len() - 3].to_owned(),
        format!("{token}A"),
        "A".repeat(10_000),
        "not a token!".to_owned(),
    ]
}

#[tokio::test]
async fn every_list_rpc_refuses_tokens_it_did_not_issue_for_this_query() {
    let app = TestApp::spawn().await;
    let admins = [
        app.create_user("ada@example.com", "Ada Admin", &[Role::Admin]).await,
        app.create_user("adam@example.com", "Adam Admin", &[Role::Admin]).await,
    ];
    let coaches = [
        app.create_user("carla@example.com", "Carla Coach", &[Role::Coach]).await,
        app.create_user("cody@example.com", "Cody Coach", &[Role::Coach]).await,
    ];
    for coach in &coaches {
        for n in 0..2 {
            let athlete = app
                .create_user(
                    &format!("{}.{n}@athletes.test", coach.id),
                    "Ath Lete",
                    &[Role::Athlete],
                )
                .await;
            app.link(coach, &athlete).await;
            let invite = InviteAthleteRequest {
                email: format!("{}.{n}@invitees.test", coach.id),
                ..Default::default()
            };
            app.users().await.invite_athlete(bearer(invite, &coach.access_token)).await.unwrap();
        }
        app.login(&coach.email, PASSWORD).await.unwrap();
    }
    app.login(&admins[0].email, PASSWORD).await.unwrap();

    let mut failures = Vec::new();
    for rpc in LIST_RPCS {
        let [me, other] = callers(rpc, &admins, &coaches);
        let filter = match rpc {
            "ListAuditEvents" => "auth.",
            "ListSessions" => "",
            _ => "a",
        };
        failures.extend(accepted_tokens(&app, rpc, me, other, filter).await);
    }
    assert!(failures.is_empty(), "tokens accepted or mishandled:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn the_sharing_lists_refuse_tokens_they_did_not_issue_for_this_query() {
    let garmin = crate::garmin::GarminApp::spawn().await;
    let app = &garmin.app;
    let coach = app.create_user("carla@example.com", "Carla Coach", &[Role::Coach]).await;
    let other_coach = app.create_user("cody@example.com", "Cody Coach", &[Role::Coach]).await;
    let athlete = app.create_user("ada@example.com", "Ada Athlete", &[Role::Athlete]).await;
    let other_athlete = app.create_user("abe@example.com", "Abe Athlete", &[Role::Athlete]).await;
    app.link(&coach, &athlete).await;
    garmin.link(&coach, baton_sandbox::garmin::seed::COACH).await;
    garmin.sync(&coach, false).await.unwrap();
    let workouts = crate::sharing::library(&garmin, &coach).await;
    let request = ShareWorkoutsRequest {
        workout_ids: workouts.iter().take(3).map(|w| w.id.clone()).collect(),
        athlete_ids: vec![athlete.id.clone()],
        ..Default::default()
    };
    let mut sharing = SharingServiceClient::new(app.channel().await);
    sharing.share_workouts(bearer(request, &coach.access_token)).await.unwrap();

    let mut failures =
        accepted_tokens(app, "ListOutgoingShares", &coach, &other_coach, "pending").await;
    failures.extend(
        accepted_tokens(app, "ListIncomingShares", &athlete, &other_athlete, "pending").await,
    );
    assert!(failures.is_empty(), "tokens accepted or mishandled:\n{}", failures.join("\n"));
}

#[test]
fn the_paging_test_covers_every_list_rpc() {
    let descriptors = prost_types::FileDescriptorSet::decode(baton_proto::FILE_DESCRIPTOR_SET)
        .expect("the descriptor set decodes");
    let lists: Vec<String> = descriptors
        .file
        .iter()
        .flat_map(|file| &file.service)
        .flat_map(|service| &service.method)
        .map(|method| method.name().to_owned())
        .filter(|name| name.starts_with("List"))
        .collect();
    for name in &lists {
        assert!(
            LIST_RPCS.contains(&name.as_str())
                || SHARING_LIST_RPCS.contains(&name.as_str())
                || NOT_BUILT_YET.contains(&name.as_str()),
            "{name} pages but has no case in the paging test"
        );
    }
}
