//! The import promises under stress (SECURITY.md, "Reliability"): at most
//! one workout and one calendar entry per share in the athlete's Garmin
//! account across Garmin faults, a server restart mid-import and two
//! servers on one database; every outcome recorded.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use baton::clock::ManualClock;
use baton_proto::sharing::v1::{
    self as pb, ShareStatus, sharing_service_client::SharingServiceClient,
};
use baton_sandbox::garmin::{Fault, Route, seed};
use rand::Rng;
use tokio::task::JoinHandle;
use tonic::{Status, transport::Channel};

use super::{Sharing, copies, copy_name, day, items};
use crate::{
    garmin::GarminApp,
    helpers::{TestApp, TestUser, bearer},
};

/// The coach shares the whole library with both athletes (in calls of 50
/// workouts), on one day: 260 shares.
async fn share_everything(sharing: &Sharing) -> HashMap<String, Vec<String>> {
    let date = day(&sharing.garmin, 6);
    let mut by_athlete: HashMap<String, Vec<String>> = HashMap::new();
    let all: Vec<_> = sharing.library.iter().collect();
    for chunk in all.chunks(50) {
        let request = pb::ShareWorkoutsRequest {
            scheduled_date: date.clone(),
            ..super::request(chunk, &[&sharing.ada, &sharing.mia])
        };
        let reply = sharing.share_as(&sharing.coach, request).await.expect("ShareWorkouts");
        for share in reply.shares {
            by_athlete.entry(share.athlete.unwrap().user_id).or_default().push(share.id);
        }
    }
    assert_eq!(by_athlete.values().map(Vec::len).sum::<usize>(), 260);
    by_athlete
}

/// Drains an ImportShares stream in a task (at most 100 shares a call).
fn import_task(
    client: SharingServiceClient<Channel>,
    who: &TestUser,
    ids: &[String],
) -> JoinHandle<Result<Vec<pb::ImportSharesResponse>, Status>> {
    let request = bearer(pb::ImportSharesRequest { shares: items(ids) }, &who.access_token);
    tokio::spawn(async move {
        let mut client = client;
        let mut stream = client.import_shares(request).await?.into_inner();
        let mut events = Vec::new();
        while let Some(event) = stream.message().await? {
            events.push(event);
        }
        Ok(events)
    })
}

/// Checks every share of `athlete` ended (imported or failed with a
/// reason) and that Garmin holds one copy per imported share, each on the
/// calendar once: the number imported.
async fn check_outcomes(sharing: &Sharing, athlete: &TestUser, expected: usize) -> usize {
    let email = sharing.email_of(athlete);
    let shares = sharing.incoming_all(athlete, Default::default()).await;
    assert_eq!(shares.len(), expected);
    let mut imported = 0;
    for share in &shares {
        match share.status() {
            ShareStatus::Imported => imported += 1,
            ShareStatus::Failed => {
                assert!(!share.last_error.is_empty(), "a failure in words: {share:?}");
                assert_ne!(share.last_error_reason, 0, "and a reason: {share:?}");
            }
            other => panic!("a share ended {other:?}: {share:?}"),
        }
    }
    let made = copies(&sharing.garmin, email);
    let mut names: HashMap<String, usize> = HashMap::new();
    for copy in &made {
        *names.entry(copy["workoutName"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let mut library: HashMap<String, usize> = HashMap::new();
    for workout in &sharing.library {
        *library.entry(copy_name(&workout.name)).or_default() += 1;
    }
    for (name, count) in &names {
        assert!(count <= library.get(name).unwrap_or(&0), "{count} copies of {name}");
    }
    // Every copy carries its share's marker: none without one, none twice.
    // A share that failed after its copy was made (its calendar entry
    // never went through) may have one; a retry uses it.
    let mut by_share: HashMap<String, usize> = HashMap::new();
    for copy in &made {
        let description = copy["description"].as_str().unwrap_or_default();
        let share = shares
            .iter()
            .find(|share| description.contains(&format!("[baton:{}]", share.id)))
            .unwrap_or_else(|| panic!("a copy no share accounts for: {copy}"));
        *by_share.entry(share.id.clone()).or_default() += 1;
        if share.status() == ShareStatus::Failed && !share.athlete_garmin_workout_id.is_empty() {
            assert_eq!(copy["workoutId"].to_string(), share.athlete_garmin_workout_id);
        }
    }
    assert!(by_share.values().all(|n| *n == 1), "one copy per share: {by_share:?}");
    let failed_with_copy = shares
        .iter()
        .filter(|s| s.status() == ShareStatus::Failed && by_share.contains_key(&s.id))
        .count();
    assert_eq!(made.len(), imported + failed_with_copy, "a copy per imported share, no strays");
    let mut entries: HashMap<i64, usize> = HashMap::new();
    for schedule in sharing.garmin.garmin.schedules(email) {
        *entries.entry(schedule["workoutId"].as_i64().unwrap()).or_default() += 1;
    }
    for share in shares.iter().filter(|s| s.status() == ShareStatus::Imported) {
        let id: i64 = share.athlete_garmin_workout_id.parse().unwrap();
        assert!(
            made.iter().any(|c| c["workoutId"].as_i64() == Some(id)),
            "the copy is there: {share:?}"
        );
        assert_eq!(entries.get(&id), Some(&1), "one calendar entry: {share:?}");
    }
    assert!(entries.values().all(|n| *n == 1), "no calendar entry twice");
    imported
}

#[tokio::test]
async fn imports_through_a_storm_of_garmin_faults_make_no_duplicates() {
    let mut sharing = Sharing::spawn().await;
    let by_athlete = share_everything(&sharing).await;
    sharing.garmin.garmin.set_latency(Duration::from_millis(1));

    // Faults come one at a time on the write routes while the imports run.
    let mut rng = rand::rng();
    let storm: Vec<(Route, Fault)> = (0..60)
        .map(|_| {
            let route = if rng.random_bool(0.6) { Route::CreateWorkout } else { Route::Schedule };
            let fault = match rng.random_range(0..4) {
                0 => Fault::RateLimited { retry_after: Some(Duration::from_secs(1)) },
                1 => Fault::ServerError(503),
                2 => Fault::Latency(Duration::from_millis(150)),
                _ => Fault::DropAfterCommit,
            };
            (route, fault)
        })
        .collect();

    let mut tasks = Vec::new();
    for athlete in [&sharing.ada, &sharing.mia] {
        for chunk in by_athlete[&athlete.id].chunks(100) {
            tasks.push(import_task(sharing.client().await, athlete, chunk));
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    for (route, fault) in storm {
        if Instant::now() > deadline || tasks.iter().all(JoinHandle::is_finished) {
            break;
        }
        sharing.garmin.garmin.inject(route, fault);
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    sharing
        .advance_while(|| !tasks.iter().all(JoinHandle::is_finished), Duration::from_secs(180))
        .await;
    let mut summaries = pb::ImportSummary::default();
    for task in tasks {
        let events = task.await.unwrap().expect("the import streams end with OK");
        let s = super::summary(&events);
        summaries.imported += s.imported;
        summaries.failed += s.failed;
        summaries.already_imported += s.already_imported;
        summaries.skipped += s.skipped;
    }
    assert_eq!((summaries.imported + summaries.failed, summaries.already_imported), (260, 0));

    sharing.garmin.garmin.clear_faults();
    sharing.sign_in_everyone().await;
    let imported = check_outcomes(&sharing, &sharing.ada, 130).await
        + check_outcomes(&sharing, &sharing.mia, 130).await;
    assert_eq!(imported, summaries.imported as usize, "the summaries say what happened");
    assert!(imported >= 200, "most got through: {imported} of 260");
}

/// Polls both athletes' inboxes until nothing is importing.
async fn wait_until_nothing_imports(sharing: &Sharing, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let mut importing = 0;
        for athlete in [&sharing.ada, &sharing.mia] {
            let shares = sharing.incoming_all(athlete, Default::default()).await;
            importing += shares.iter().filter(|s| s.status() == ShareStatus::Importing).count();
        }
        if importing == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "{importing} shares still importing after {limit:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_server_restarted_mid_import_finishes_the_jobs_without_duplicates() {
    let sharing = Sharing::spawn().await;
    let all: Vec<_> = sharing.library.iter().take(15).collect();
    let request = pb::ShareWorkoutsRequest {
        scheduled_date: day(&sharing.garmin, 2),
        ..super::request(&all, &[&sharing.ada, &sharing.mia])
    };
    let reply = sharing.share_as(&sharing.coach, request).await.unwrap();
    let mut by_athlete: HashMap<String, Vec<String>> = HashMap::new();
    for share in reply.shares {
        by_athlete.entry(share.athlete.unwrap().user_id).or_default().push(share.id);
    }
    sharing.garmin.garmin.set_latency(Duration::from_millis(60));
    let client = sharing.client().await;
    let tasks: Vec<_> = [&sharing.ada, &sharing.mia]
        .into_iter()
        .map(|athlete| import_task(client.clone(), athlete, &by_athlete[&athlete.id]))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while copies(&sharing.garmin, seed::ATHLETE.email).len() < 2 {
        assert!(Instant::now() < deadline, "the imports did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(copies(&sharing.garmin, seed::ATHLETE.email).len() < 15, "restarted mid-import");
    for task in &tasks {
        task.abort();
    }

    let Sharing { garmin, coach, ada, mia, library } = sharing;
    let GarminApp { app, garmin } = garmin;
    let app = app.restart().await;
    let sharing = Sharing { garmin: GarminApp { app, garmin }, coach, ada, mia, library };
    wait_until_nothing_imports(&sharing, Duration::from_secs(60)).await;
    sharing.garmin.garmin.set_latency(Duration::ZERO);
    let imported = check_outcomes(&sharing, &sharing.ada, 15).await
        + check_outcomes(&sharing, &sharing.mia, 15).await;
    assert_eq!(imported, 30, "with no faults every share imports");
}

#[tokio::test]
async fn two_servers_on_one_database_run_each_import_once() {
    if std::env::var("BATON_TEST_DATABASE").as_deref() != Ok("postgres") {
        eprintln!("skipped: two servers share a database on PostgreSQL only");
        return;
    }
    let sharing = Sharing::spawn().await;
    let by_athlete = share_everything(&sharing).await;
    let base: url::Url = sharing.garmin.garmin.base_url().parse().unwrap();
    let storage = sharing.garmin.app.storage.clone();
    let clock: ManualClock = sharing.garmin.app.clock.clone();
    let second = TestApp::start_with(storage, clock, |config| {
        config.garmin_sso_url = base.clone();
        config.garmin_diauth_url = base.clone();
        config.garmin_api_url = base;
    })
    .await;
    sharing.garmin.garmin.set_latency(Duration::from_millis(3));

    let first_client = || async { sharing.client().await };
    let second_client = || async { SharingServiceClient::new(second.channel().await) };
    let mut tasks = Vec::new();
    for athlete in [&sharing.ada, &sharing.mia] {
        let ids = &by_athlete[&athlete.id];
        // Overlapping halves through each server: the overlap is followed,
        // not imported twice.
        tasks.push(import_task(first_client().await, athlete, &ids[..80]));
        tasks.push(import_task(second_client().await, athlete, &ids[50..]));
    }
    for task in tasks {
        let events = task.await.unwrap().expect("the import streams end with OK");
        let s = super::summary(&events);
        assert_eq!(s.failed, 0, "no faults, no failures: {s:?}");
    }
    wait_until_nothing_imports(&sharing, Duration::from_secs(60)).await;
    let total = check_outcomes(&sharing, &sharing.ada, 130).await
        + check_outcomes(&sharing, &sharing.mia, 130).await;
    assert_eq!(total, 260);
    assert_eq!(sharing.garmin.garmin.requests(Route::CreateWorkout), 260, "each job ran once");
}
