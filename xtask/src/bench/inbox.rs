//! The athlete's inbox under load (issue 8, point 10): ListIncomingShares
//! of a page of 20 shares on PostgreSQL, then pgbench running the inbox's
//! own SQL on the same database (`inbox.sql`, which a backend test keeps
//! equal to what the store sends) as its ceiling.

use std::path::Path;

use anyhow::{Context, bail};
use baton_proto::sharing::v1::{
    ListIncomingSharesRequest, ListIncomingSharesResponse, ShareWorkoutsRequest,
    sharing_service_client::SharingServiceClient,
};
use baton_sandbox::GarminSandbox;
use prost::Message;
use tonic::transport::Channel;

use super::{
    Scratch,
    grpc::Client,
    h2load::Call,
    pgbench,
    postgres::Database,
    report::Measured,
    request_path::{self, Log},
    stand_in::{self, Person, bearer},
};

/// The inbox's SQL as pgbench reads it, `:athlete` and `:coach` defined.
const SCRIPT: &str = include_str!("inbox.sql");
/// Shares in the inbox, all on one page.
const SHARES: usize = 20;
const LIST_INCOMING: &str = "/baton.sharing.v1.SharingService/ListIncomingShares";
const EMAIL: &str = "bench-coach@baton.local";
const PASSWORD: &str = "bench password that is long";

/// The inbox read, and pgbench's ceiling for it.
pub fn targets(
    root: &Path,
    client: &Client,
    scratch: &Path,
) -> anyhow::Result<(anyhow::Result<Measured>, anyhow::Result<Measured>)> {
    let runtime = stand_in::runtime()?;
    let garmin = stand_in::start(&runtime)?;
    let db = Database::create()?;
    let data = Scratch::new("inbox")?;
    let env = vec![("BATON_DATABASE_URL".into(), db.url())];
    let baton = stand_in::baton(root, &garmin, &data, env)?;
    baton.create_admin(EMAIL, "Bench Coach", PASSWORD)?;
    let started = request_path::serve(client, &baton, Log::Default)?;
    let addr = started.server.addr;
    let channel = runtime.block_on(async {
        Channel::from_shared(format!("http://{addr}"))?.connect().await.context("connecting")
    })?;
    let (coach, athlete) = runtime.block_on(fill_inbox(&garmin, &channel))?;

    let request = ListIncomingSharesRequest { page_size: SHARES as i32, ..Default::default() };
    let verify = || -> anyhow::Result<ListIncomingSharesResponse> {
        let call = bearer(request.clone(), &athlete.token)?;
        let reply = runtime.block_on(async {
            SharingServiceClient::new(channel.clone()).list_incoming_shares(call).await
        });
        let reply = reply.context("ListIncomingShares")?.into_inner();
        if reply.shares.len() != SHARES || reply.actionable_count != SHARES as i32 {
            bail!(
                "the inbox held {} shares, {} needing action, not {SHARES}",
                reply.shares.len(),
                reply.actionable_count
            );
        }
        Ok(reply)
    };
    let reply_len = verify()?.encoded_len();
    let call = Call {
        addr,
        path: LIST_INCOMING,
        request: request.encode_to_vec(),
        token: Some(&athlete.token),
        reply_len,
    };
    let inbox = request_path::load(&started, &call, || verify().map(|_| ()), scratch);
    // pgbench alone on the cores, as for GetMe.
    drop(started);
    let defines = [("athlete", athlete.id.as_str()), ("coach", coach.id.as_str())];
    let ceiling = pgbench::run(&db, "inbox.sql", SCRIPT, &defines, scratch).map(|load| Measured {
        load,
        idle_rss_kib: None,
        start_to_serving: None,
    });
    Ok((inbox, ceiling))
}

/// A coach with a synced library shares `SHARES` workouts with their one
/// athlete, in one call.
async fn fill_inbox(garmin: &GarminSandbox, channel: &Channel) -> anyhow::Result<(Person, Person)> {
    let coach = stand_in::synced_coach(garmin, channel, EMAIL, PASSWORD).await?;
    let athlete = stand_in::athletes(garmin, channel, &coach, 1, PASSWORD)
        .await?
        .pop()
        .context("no athlete was made")?;
    let workouts = stand_in::library(channel, &coach).await?;
    if workouts.len() < SHARES {
        bail!("the coach's library has only {} workouts", workouts.len());
    }
    let share = ShareWorkoutsRequest {
        workout_ids: workouts[..SHARES].to_vec(),
        athlete_ids: vec![athlete.id.clone()],
        ..Default::default()
    };
    let reply = SharingServiceClient::new(channel.clone())
        .share_workouts(bearer(share, &coach.token)?)
        .await
        .context("ShareWorkouts")?
        .into_inner();
    if reply.shares.len() != SHARES {
        bail!("ShareWorkouts made {} shares, not {SHARES}", reply.shares.len());
    }
    Ok((coach, athlete))
}
