//! Sharing and importing at scale (issue 8, point 10), the release binary
//! on a fresh PostgreSQL database, Garmin played by the stand-in in this
//! process:
//!
//! - one ShareWorkouts call sharing 10 workouts with all of a coach's 100
//!   athletes (1,000 shares in one transaction, the 10 workouts fetched
//!   from Garmin again first), timed a few times with fresh workouts;
//!   target < 150 ms;
//! - 1,000 imports across the 100 athletes (10 each, all asked for at
//!   once) with 50 ms added to every Garmin call, against the ideal for
//!   per-account serial work at `BATON_IMPORT_WORKERS`: every Garmin call
//!   the imports made costs exactly the 50 ms, one at a time per account,
//!   at most that many at once; target ≤ 1.5 × the ideal.

use std::{
    collections::HashMap,
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use baton_proto::sharing::v1::{
    ImportSharesRequest, ShareImport, ShareWorkoutsRequest, import_shares_response::Event,
    sharing_service_client::SharingServiceClient,
};
use baton_sandbox::GarminSandbox;
use serde_json::json;
use tonic::transport::Channel;

use super::{
    Scratch,
    latency::Latencies,
    latency::ms,
    postgres::Database,
    stand_in::{self, Person, bearer},
};
use crate::server;

const ATHLETES: usize = 100;
const WORKOUTS_PER_SHARE: usize = 10;
/// Timed ShareWorkouts calls, each with workouts not shared before.
const SHARE_RUNS: usize = 5;
const SHARE_TARGET: Duration = Duration::from_millis(150);
/// Added to every Garmin call during the imports.
const LATENCY: Duration = Duration::from_millis(50);
/// Imports running at once (`BATON_IMPORT_WORKERS`, set for the server).
const WORKERS: usize = 8;
const IMPORT_TARGET_RATIO: f64 = 1.5;

const EMAIL: &str = "bench-coach@baton.local";
const PASSWORD: &str = "bench password that is long";

pub fn run(root: &std::path::Path) -> anyhow::Result<()> {
    let runtime = stand_in::runtime()?;
    let garmin = stand_in::start(&runtime)?;
    let database = Database::create()?;
    let scratch = Scratch::new("sharing")?;
    let env = vec![
        ("BATON_DATABASE_URL".into(), database.url()),
        ("BATON_IMPORT_WORKERS".into(), WORKERS.to_string()),
        // A hundred athletes set their passwords from one address.
        ("BATON_LOGIN_PER_ADDRESS_PER_MINUTE".into(), "100000".into()),
    ];
    let baton = stand_in::baton(root, &garmin, &scratch, env)?;
    baton.create_admin(EMAIL, "Bench Coach", PASSWORD)?;
    let server = baton.serve(server::free_local_addr()?, Stdio::null())?;
    let figures = runtime.block_on(measure(&garmin, &format!("http://{}", server.addr)))?;
    drop(server);
    report(root, &figures)
}

struct Figures {
    shares: Vec<Duration>,
    imports: Imports,
}

/// The timed imports and what they asked of Garmin.
struct Imports {
    took: Duration,
    imported: usize,
    /// Calls the stand-in answered during the imports, every route.
    calls: usize,
}

impl Imports {
    /// Every call costing exactly the added latency, one at a time per
    /// account and at most `WORKERS` at once: an account's serial work (the
    /// calls shared evenly, as the shares are), or all the calls spread
    /// over the workers, whichever is longer.
    fn ideal(&self) -> Duration {
        let per_account = self.calls.div_ceil(ATHLETES);
        let rounds = per_account.max(self.calls.div_ceil(WORKERS));
        LATENCY * u32::try_from(rounds).unwrap_or(u32::MAX)
    }
}

async fn measure(garmin: &GarminSandbox, url: &str) -> anyhow::Result<Figures> {
    let channel = Channel::from_shared(url.to_owned())?.connect().await.context("connecting")?;
    let coach = stand_in::synced_coach(garmin, &channel, EMAIL, PASSWORD).await?;
    let athletes = stand_in::athletes(garmin, &channel, &coach, ATHLETES, PASSWORD).await?;
    let workouts = stand_in::library(&channel, &coach).await?;
    if workouts.len() < WORKOUTS_PER_SHARE * (SHARE_RUNS + 1) {
        bail!("the coach's library has only {} workouts", workouts.len());
    }

    let mut sharing = SharingServiceClient::new(channel.clone());
    let mut shares = Vec::new();
    let mut first_share_ids = Vec::new();
    for run in 0..=SHARE_RUNS {
        let chosen = &workouts[run * WORKOUTS_PER_SHARE..(run + 1) * WORKOUTS_PER_SHARE];
        let request = ShareWorkoutsRequest {
            workout_ids: chosen.to_vec(),
            all_my_athletes: true,
            ..Default::default()
        };
        let started = Instant::now();
        let reply = sharing
            .share_workouts(bearer(request, &coach.token)?)
            .await
            .context("ShareWorkouts")?
            .into_inner();
        let took = started.elapsed();
        if reply.shares.len() != WORKOUTS_PER_SHARE * ATHLETES {
            bail!("ShareWorkouts made {} shares, not 1,000", reply.shares.len());
        }
        // The first call warms the server up; its shares are imported.
        if run == 0 {
            first_share_ids = reply.shares;
        } else {
            shares.push(took);
        }
    }

    let mut by_athlete: HashMap<String, Vec<String>> = HashMap::new();
    for share in first_share_ids {
        let athlete = share.athlete.map(|a| a.user_id).unwrap_or_default();
        by_athlete.entry(athlete).or_default().push(share.id);
    }
    let imports = import_all(garmin, &channel, &athletes, &by_athlete).await?;
    Ok(Figures { shares, imports })
}

/// Every athlete imports their shares at once; times the lot.
async fn import_all(
    garmin: &GarminSandbox,
    channel: &Channel,
    athletes: &[Person],
    shares: &HashMap<String, Vec<String>>,
) -> anyhow::Result<Imports> {
    let before = garmin_calls(garmin);
    garmin.set_latency(LATENCY);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(athletes.len());
    for athlete in athletes {
        let items: Vec<ShareImport> = shares
            .get(&athlete.id)
            .into_iter()
            .flatten()
            .map(|id| ShareImport { share_id: id.clone(), scheduled_date: None })
            .collect();
        let request = bearer(ImportSharesRequest { shares: items }, &athlete.token)?;
        let mut client = SharingServiceClient::new(channel.clone());
        tasks.push(tokio::spawn(async move {
            let mut events = client.import_shares(request).await?.into_inner();
            let mut imported = 0;
            while let Some(event) = events.message().await? {
                if let Some(Event::Summary(summary)) = event.event {
                    imported = summary.imported + summary.already_imported;
                }
            }
            Ok::<_, tonic::Status>(imported)
        }));
    }
    let mut imported = 0;
    for task in tasks {
        imported += task.await?.context("ImportShares")?;
    }
    let took = started.elapsed();
    garmin.clear_faults();
    let calls = garmin_calls(garmin) - before;
    let imported = usize::try_from(imported).unwrap_or(0);
    if imported != shares.values().map(Vec::len).sum::<usize>() {
        bail!("{imported} shares imported, not all of them");
    }
    Ok(Imports { took, imported, calls })
}

/// Calls the stand-in has answered so far, every route.
fn garmin_calls(garmin: &GarminSandbox) -> usize {
    garmin.request_counts().values().sum()
}

fn report(root: &std::path::Path, figures: &Figures) -> anyhow::Result<()> {
    let shares = Latencies::new(figures.shares.clone())?;
    let worst = shares.at(1.0);
    println!();
    println!(
        "ShareWorkouts, {WORKOUTS_PER_SHARE} workouts × {ATHLETES} athletes (1,000 shares), PostgreSQL, {SHARE_RUNS} calls"
    );
    println!(
        "  median {:.1} ms, worst {:.1} ms; target < {:.0} ms: {}",
        ms(shares.at(0.5)),
        ms(worst),
        ms(SHARE_TARGET),
        if worst < SHARE_TARGET { "met" } else { "MISSED" }
    );
    let imports = &figures.imports;
    let ideal = imports.ideal();
    let ratio = imports.took.as_secs_f64() / ideal.as_secs_f64().max(f64::EPSILON);
    let total = imports.calls;
    println!(
        "Imports: {} across {ATHLETES} athletes, +{} ms per Garmin call, {WORKERS} workers",
        imports.imported,
        LATENCY.as_millis()
    );
    println!(
        "  took {:.0} ms; ideal {:.0} ms ({total} Garmin calls); {ratio:.2} × ideal; target ≤ {IMPORT_TARGET_RATIO} ×: {}",
        ms(imports.took),
        ms(ideal),
        if ratio <= IMPORT_TARGET_RATIO { "met" } else { "MISSED" }
    );
    let figures = json!({
        "share": {
            "workouts": WORKOUTS_PER_SHARE,
            "athletes": ATHLETES,
            "runs_ms": figures.shares.iter().map(|d| ms(*d)).collect::<Vec<_>>(),
            "median_ms": ms(shares.at(0.5)),
            "worst_ms": ms(worst),
            "target_ms": ms(SHARE_TARGET),
            "met": worst < SHARE_TARGET,
        },
        "imports": {
            "imported": imports.imported,
            "latency_ms": ms(LATENCY),
            "workers": WORKERS,
            "garmin_calls": total,
            "took_ms": ms(imports.took),
            "ideal_ms": ms(ideal),
            "ratio": ratio,
            "target_ratio": IMPORT_TARGET_RATIO,
            "met": ratio <= IMPORT_TARGET_RATIO,
        },
    });
    super::write_json(root, "sharing", &figures)?;
    Ok(())
}
