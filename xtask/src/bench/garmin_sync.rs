//! Syncing a coach's library (issue 7, point 9): the release binary syncs
//! the stand-in's demo coach (130 workouts) with 50 ms added to every call
//! Garmin answers. The first sync fetches every workout; forced syncs fetch
//! them all again; a plain re-sync only lists. Target ≤ 2 s for a full
//! sync, printed beside the ideal for Baton's concurrency: the list pages
//! one after another, then the details `READ_SLOTS` at a time, each call
//! costing exactly the added latency and nothing else.

use std::{
    collections::HashMap,
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use baton_proto::garmin::v1::{
    SyncWorkoutsRequest, garmin_service_client::GarminServiceClient, sync_workouts_response::Event,
};
use baton_sandbox::garmin::{GarminSandbox, Route, seed};
use serde_json::json;
use tonic::transport::Channel;

use super::{
    Scratch,
    latency::{Latencies, ms},
    stand_in::{self, bearer},
};
use crate::server;

/// Added to every call the stand-in answers.
const LATENCY: Duration = Duration::from_millis(50);
/// Garmin detail fetches Baton keeps in flight per account (`READ_SLOTS` in
/// backend/src/service/garmin/locks.rs).
const READ_SLOTS: usize = 6;
const TARGET: Duration = Duration::from_secs(2);
/// Forced full syncs timed after the first.
const FORCED_RUNS: usize = 5;

const EMAIL: &str = "bench-coach@baton.local";
const PASSWORD: &str = "bench password that is long";

pub fn run(root: &std::path::Path) -> anyhow::Result<()> {
    let runtime = stand_in::runtime()?;
    let garmin = stand_in::start(&runtime)?;
    let scratch = Scratch::new("garmin-sync")?;
    let baton = stand_in::baton(root, &garmin, &scratch, Vec::new())?;
    baton.create_admin(EMAIL, "Bench Coach", PASSWORD)?;
    let server = baton.serve(server::free_local_addr()?, Stdio::null())?;
    let runs = runtime.block_on(measure(&garmin, &format!("http://{}", server.addr)))?;
    drop(server);
    report(root, &runs)
}

/// One timed sync and what it asked Garmin.
struct Run {
    kind: &'static str,
    took: Duration,
    workouts: usize,
    list_calls: usize,
    detail_calls: usize,
}

impl Run {
    /// The best a sync making these calls can do with this latency.
    fn ideal(&self) -> Duration {
        let rounds = self.list_calls + self.detail_calls.div_ceil(READ_SLOTS);
        LATENCY * u32::try_from(rounds).unwrap_or(u32::MAX)
    }
}

async fn measure(garmin: &GarminSandbox, url: &str) -> anyhow::Result<Vec<Run>> {
    let channel = Channel::from_shared(url.to_owned())?.connect().await.context("connecting")?;
    let token = stand_in::login(&channel, EMAIL, PASSWORD).await?;
    stand_in::connect_garmin(garmin, &channel, &token, seed::COACH.email).await?;
    let mut client = GarminServiceClient::new(channel);

    garmin.set_latency(LATENCY);
    let mut runs = vec![sync(garmin, &mut client, &token, "first (all new)", false).await?];
    for _ in 0..FORCED_RUNS {
        runs.push(sync(garmin, &mut client, &token, "forced (all refetched)", true).await?);
    }
    runs.push(sync(garmin, &mut client, &token, "re-sync (nothing changed)", false).await?);
    Ok(runs)
}

async fn sync(
    garmin: &GarminSandbox,
    client: &mut GarminServiceClient<Channel>,
    token: &str,
    kind: &'static str,
    force: bool,
) -> anyhow::Result<Run> {
    let before = garmin.request_counts();
    let started = Instant::now();
    let request = bearer(SyncWorkoutsRequest { force }, token)?;
    let mut events = client.sync_workouts(request).await.context("SyncWorkouts")?.into_inner();
    let mut workouts = 0;
    let mut finished = false;
    while let Some(event) = events.message().await.context("the sync's events")? {
        match event.event {
            Some(Event::Workout(_)) => workouts += 1,
            Some(Event::Summary(_)) => finished = true,
            None => {}
        }
    }
    let took = started.elapsed();
    if !finished {
        bail!("the sync ended without its summary");
    }
    let after = garmin.request_counts();
    let delta = |route| calls(&after, route) - calls(&before, route);
    Ok(Run {
        kind,
        took,
        workouts,
        list_calls: delta(Route::ListWorkouts),
        detail_calls: delta(Route::GetWorkout),
    })
}

fn calls(counts: &HashMap<Route, usize>, route: Route) -> usize {
    counts.get(&route).copied().unwrap_or_default()
}

fn report(root: &std::path::Path, runs: &[Run]) -> anyhow::Result<()> {
    println!();
    println!(
        "Garmin sync, demo coach ({} workouts), +{} ms per Garmin call, {READ_SLOTS} detail fetches in flight",
        seed::COACH_WORKOUTS,
        LATENCY.as_millis()
    );
    println!(
        "  {:<28} {:>9} {:>9} {:>6} {:>8} {:>9}",
        "sync", "took", "ideal", "lists", "details", "workouts"
    );
    for run in runs {
        println!(
            "  {:<28} {:>7.0}ms {:>7.0}ms {:>6} {:>8} {:>9}",
            run.kind,
            ms(run.took),
            ms(run.ideal()),
            run.list_calls,
            run.detail_calls,
            run.workouts
        );
    }
    let full: Vec<Duration> =
        runs.iter().filter(|run| run.detail_calls > 0).map(|run| run.took).collect();
    let full = Latencies::new(full)?;
    let worst = full.at(1.0);
    let ideal = runs[0].ideal();
    println!(
        "  full sync: median {:.0} ms, worst {:.0} ms; ideal {:.0} ms; target ≤ {:.0} ms: {}",
        ms(full.at(0.5)),
        ms(worst),
        ms(ideal),
        ms(TARGET),
        if worst <= TARGET { "met" } else { "MISSED" }
    );
    let figures = json!({
        "workouts": seed::COACH_WORKOUTS,
        "latency_ms": ms(LATENCY),
        "read_slots": READ_SLOTS,
        "runs": runs.iter().map(|run| json!({
            "kind": run.kind,
            "took_ms": ms(run.took),
            "ideal_ms": ms(run.ideal()),
            "list_calls": run.list_calls,
            "detail_calls": run.detail_calls,
            "workouts": run.workouts,
        })).collect::<Vec<_>>(),
        "full_sync_median_ms": ms(full.at(0.5)),
        "full_sync_worst_ms": ms(worst),
        "target_ms": ms(TARGET),
        "met": worst <= TARGET,
    });
    super::write_json(root, "garmin-sync", &figures)?;
    Ok(())
}
