//! The coach's library: a sync pages Garmin's list to the end, fetches only
//! what changed, drops what was deleted, never runs twice at once and waits
//! out Garmin's rate limiting; the cached library lists, filters, sorts and
//! opens with typed steps; a coach reads athletes' link health from
//! Baton's own records.

use std::{collections::HashSet, time::Duration};

use baton::clock::Clock;
use baton_proto::{
    garmin::v1::{
        self as pb, ConnectionStatus, GetWorkoutRequest, ListWorkoutsRequest, SportType,
        SyncAction, WorkoutSort, sync_workouts_response::Event, workout_step,
    },
    user::v1::{ListMyAthletesRequest, Role},
};
use baton_sandbox::garmin::{Fault, Route, seed};
use serde_json::Value;
use tonic::Code;

use super::{GarminApp, summary, token_file};
use crate::helpers::{TestUser, bearer, reason};

async fn list(
    garmin: &GarminApp,
    user: &TestUser,
    request: ListWorkoutsRequest,
) -> Result<pb::ListWorkoutsResponse, tonic::Status> {
    let reply = garmin.client().await.list_workouts(bearer(request, &user.access_token)).await?;
    Ok(reply.into_inner())
}

/// Every page of the caller's library under `request`'s filter and order.
async fn list_all(
    garmin: &GarminApp,
    user: &TestUser,
    mut request: ListWorkoutsRequest,
) -> Vec<pb::WorkoutSummary> {
    let mut all = Vec::new();
    loop {
        let page = list(garmin, user, request.clone()).await.expect("ListWorkouts");
        all.extend(page.workouts);
        if page.next_page_token.is_empty() {
            return all;
        }
        request.page_token = page.next_page_token;
    }
}

fn actions(events: &[pb::SyncWorkoutsResponse]) -> Vec<(SyncAction, String)> {
    events
        .iter()
        .filter_map(|event| match &event.event {
            Some(Event::Workout(synced)) => Some((
                synced.action(),
                synced.workout.as_ref().map(|w| w.garmin_workout_id.clone()).unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

/// Edits the coach's library the way Garmin Connect would: through its API
/// with the coach's own token.
struct GarminEditor {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl GarminEditor {
    async fn new(garmin: &GarminApp, email: &str) -> Self {
        let file: Value = serde_json::from_str(&token_file(&garmin.garmin, email).await).unwrap();
        Self {
            http: reqwest::Client::new(),
            base: format!("{}/workout-service", garmin.garmin.base_url()),
            token: file["di_token"].as_str().unwrap().to_owned(),
        }
    }

    async fn rename(&self, workout: &Value, name: &str) {
        let mut edited = workout.clone();
        edited["workoutName"] = Value::from(name);
        let id = workout["workoutId"].as_i64().unwrap();
        let response = self
            .http
            .put(format!("{}/workout/{id}", self.base))
            .bearer_auth(&self.token)
            .json(&edited)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "PUT: {}", response.status());
    }

    async fn delete(&self, id: i64) {
        let response = self
            .http
            .delete(format!("{}/workout/{id}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "DELETE: {}", response.status());
    }
}

#[tokio::test]
async fn a_sync_pages_past_a_hundred_and_caches_the_whole_library() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    garmin.link(&coach, seed::COACH).await;

    let events = garmin.sync(&coach, false).await.unwrap();
    let total = seed::COACH_WORKOUTS as i32;
    let done = summary(&events);
    assert_eq!(
        (done.added, done.updated, done.unchanged, done.removed, done.failed),
        (total, 0, 0, 0, 0)
    );
    assert!(done.finish_time.is_some());
    let progress: Vec<_> = events
        .iter()
        .filter_map(|event| match &event.event {
            Some(Event::Workout(synced)) => Some((synced.done, synced.total)),
            _ => None,
        })
        .collect();
    assert_eq!(progress.len(), seed::COACH_WORKOUTS, "one event per workout");
    assert_eq!(progress.last(), Some(&(total, total)), "progress counts to the end");
    assert!(progress.windows(2).all(|pair| pair[1].0 == pair[0].0 + 1), "done counts up by one");
    assert!(garmin.garmin.requests(Route::ListWorkouts) >= 2, "Garmin's list pages by 100");
    assert_eq!(garmin.garmin.requests(Route::GetWorkout), seed::COACH_WORKOUTS);

    let cached =
        list_all(&garmin, &coach, ListWorkoutsRequest { page_size: 40, ..Default::default() })
            .await;
    let in_garmin: HashSet<String> = garmin
        .garmin
        .workouts(seed::COACH.email)
        .iter()
        .map(|workout| workout["workoutId"].to_string())
        .collect();
    let listed: HashSet<String> = cached.iter().map(|w| w.garmin_workout_id.clone()).collect();
    assert_eq!(cached.len(), seed::COACH_WORKOUTS, "no workout listed twice across pages");
    assert_eq!(listed, in_garmin);
    let updates: Vec<_> = cached.iter().map(|w| w.update_time.unwrap().seconds).collect();
    assert!(updates.windows(2).all(|pair| pair[0] >= pair[1]), "most recently updated first");
    assert!(cached.iter().all(|w| w.sync_time.is_some() && w.step_count > 0));

    let connection = garmin.connection(&coach).await;
    assert!(connection.last_sync_time.is_some(), "{connection:?}");
}

#[tokio::test]
async fn a_second_sync_fetches_only_what_changed_and_drops_what_was_deleted() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    garmin.link(&coach, seed::COACH).await;
    garmin.sync(&coach, false).await.unwrap();

    let unchanged = garmin.sync(&coach, false).await.unwrap();
    let total = seed::COACH_WORKOUTS as i32;
    assert_eq!(summary(&unchanged).unchanged, total);
    assert_eq!(
        garmin.garmin.requests(Route::GetWorkout),
        seed::COACH_WORKOUTS,
        "nothing refetched"
    );

    let library = garmin.garmin.workouts(seed::COACH.email);
    let (renamed, deleted) = (&library[3], library[7]["workoutId"].as_i64().unwrap());
    let editor = GarminEditor::new(&garmin, seed::COACH.email).await;
    garmin.garmin.advance_clock(Duration::from_secs(60));
    editor.rename(renamed, "Hill repeats, revised").await;
    editor.delete(deleted).await;
    let mut added = library[0].clone();
    added["workoutName"] = Value::from("Added in Garmin");
    let added_id = garmin.garmin.add_workout(seed::COACH.email, &added).unwrap();

    let fetched_before = garmin.garmin.requests(Route::GetWorkout);
    let events = garmin.sync(&coach, false).await.unwrap();
    let done = summary(&events);
    assert_eq!((done.added, done.updated, done.removed, done.unchanged), (1, 1, 1, total - 2));
    assert_eq!(
        garmin.garmin.requests(Route::GetWorkout) - fetched_before,
        2,
        "only new and changed"
    );
    let actions = actions(&events);
    assert!(actions.contains(&(SyncAction::Added, added_id.to_string())));
    assert!(actions.contains(&(SyncAction::Updated, renamed["workoutId"].to_string())));
    assert!(actions.contains(&(SyncAction::Removed, deleted.to_string())));

    let cached = list_all(&garmin, &coach, ListWorkoutsRequest::default()).await;
    assert_eq!(cached.len(), seed::COACH_WORKOUTS);
    assert!(cached.iter().all(|w| w.garmin_workout_id != deleted.to_string()));
    assert_eq!(cached[0].name, "Added in Garmin", "the newest first");
    let renamed_id = renamed["workoutId"].to_string();
    let revised = cached.iter().find(|w| w.garmin_workout_id == renamed_id);
    assert_eq!(revised.unwrap().name, "Hill repeats, revised");

    let fetched_before = garmin.garmin.requests(Route::GetWorkout);
    let forced = garmin.sync(&coach, true).await.unwrap();
    assert_eq!(summary(&forced).unchanged, total);
    assert_eq!(garmin.garmin.requests(Route::GetWorkout) - fetched_before, seed::COACH_WORKOUTS);
}

#[tokio::test]
async fn the_library_filters_by_sport_and_name_and_sorts() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    garmin.link(&coach, seed::COACH).await;
    garmin.sync(&coach, false).await.unwrap();
    let everything = list_all(&garmin, &coach, ListWorkoutsRequest::default()).await;

    let swims = list_all(
        &garmin,
        &coach,
        ListWorkoutsRequest { sport: SportType::Swimming as i32, ..Default::default() },
    )
    .await;
    let expected = everything.iter().filter(|w| w.sport() == SportType::Swimming).count();
    assert!(expected > 0);
    assert_eq!(swims.len(), expected);

    let word = everything[0].name.split_whitespace().next().unwrap().to_uppercase();
    let found = list_all(
        &garmin,
        &coach,
        ListWorkoutsRequest { query: word.clone(), ..Default::default() },
    )
    .await;
    let expected: Vec<_> = everything
        .iter()
        .filter(|w| w.name.to_lowercase().contains(&word.to_lowercase()))
        .map(|w| w.id.clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(found.iter().map(|w| w.id.clone()).collect::<Vec<_>>(), expected, "{word}");
    let none =
        list(&garmin, &coach, ListWorkoutsRequest { query: "%_".into(), ..Default::default() });
    assert!(none.await.unwrap().workouts.is_empty(), "wildcards are literal");

    let by_name = list_all(
        &garmin,
        &coach,
        ListWorkoutsRequest { sort: WorkoutSort::Name as i32, page_size: 50, ..Default::default() },
    )
    .await;
    let names: Vec<String> = by_name.iter().map(|w| w.name.to_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let by_duration = list_all(
        &garmin,
        &coach,
        ListWorkoutsRequest { sort: WorkoutSort::Duration as i32, ..Default::default() },
    )
    .await;
    let durations: Vec<i32> =
        by_duration.iter().map(|w| w.estimated_duration_seconds.unwrap_or(i32::MAX)).collect();
    assert!(durations.windows(2).all(|pair| pair[0] <= pair[1]), "shortest first, unknown last");
    assert_eq!(by_duration.len(), everything.len());

    let first = list(&garmin, &coach, ListWorkoutsRequest { page_size: 10, ..Default::default() })
        .await
        .unwrap();
    let borrowed = ListWorkoutsRequest {
        page_size: 10,
        page_token: first.next_page_token,
        sort: WorkoutSort::Name as i32,
        ..Default::default()
    };
    let refused = list(&garmin, &coach, borrowed).await.unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument, "a token continues only its own order");
    let unknown = ListWorkoutsRequest { sort: 99, ..Default::default() };
    assert_eq!(list(&garmin, &coach, unknown).await.unwrap_err().code(), Code::InvalidArgument);
}

/// The first step list of `workout` holding a repeat group, with its group.
fn repeat_of(workout: &pb::Workout) -> Option<&pb::RepeatGroup> {
    workout.steps.iter().find_map(|step| match &step.kind {
        Some(workout_step::Kind::Repeat(group)) => Some(group),
        _ => None,
    })
}

#[tokio::test]
async fn a_workout_opens_with_typed_steps_and_only_for_its_owner() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    garmin.link(&coach, seed::COACH).await;
    garmin.link(&athlete, seed::ATHLETE).await;
    garmin.sync(&coach, false).await.unwrap();

    let runs = list_all(
        &garmin,
        &coach,
        ListWorkoutsRequest { sport: SportType::Running as i32, ..Default::default() },
    )
    .await;
    let mut opened = None;
    for summary in &runs {
        let request = GetWorkoutRequest { workout_id: summary.id.clone() };
        let workout = garmin
            .client()
            .await
            .get_workout(bearer(request, &coach.access_token))
            .await
            .unwrap()
            .into_inner()
            .workout
            .unwrap();
        assert_eq!((&workout.id, &workout.name), (&summary.id, &summary.name));
        if repeat_of(&workout).is_some() {
            opened = Some(workout);
            break;
        }
    }
    let intervals = opened.expect("the demo coach has interval runs");
    let group = repeat_of(&intervals).unwrap();
    assert!(group.iterations > 1);
    let work = group.steps.iter().find_map(|step| match &step.kind {
        Some(workout_step::Kind::Step(step)) => Some(step),
        _ => None,
    });
    let work = work.expect("a repeat holds executable steps");
    assert!(work.end_condition.is_some());
    assert!(
        intervals.estimated_duration_seconds.is_some()
            || intervals.estimated_distance_meters.is_some()
    );

    for (who, id) in [(&athlete, intervals.id.clone()), (&coach, uuid::Uuid::new_v4().to_string())]
    {
        let request = GetWorkoutRequest { workout_id: id };
        let refused = garmin
            .client()
            .await
            .get_workout(bearer(request, &who.access_token))
            .await
            .unwrap_err();
        assert_eq!(
            refused.code(),
            Code::NotFound,
            "another's workout is as unknown as a made-up one"
        );
    }
    let request = GetWorkoutRequest { workout_id: "12345".into() };
    let refused =
        garmin.client().await.get_workout(bearer(request, &coach.access_token)).await.unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument, "a Garmin id is not Baton's id");
}

#[tokio::test]
async fn a_garmin_server_error_on_a_read_is_retried() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    garmin.link(&athlete, seed::ATHLETE).await;
    garmin.garmin.inject(Route::ListWorkouts, Fault::ServerError(503));
    garmin.garmin.inject(Route::GetWorkout, Fault::DropAfterCommit);

    let events = garmin.sync(&athlete, false).await.unwrap();
    let done = summary(&events);
    assert_eq!((done.added, done.failed), (3, 0), "{done:?}");
    // The failed page, asked again, then the empty page after a short one
    // (Garmin may cap pages below the asked limit).
    assert_eq!(garmin.garmin.requests(Route::ListWorkouts), 3, "the failed page was asked again");
    assert_eq!(garmin.garmin.requests(Route::GetWorkout), 4, "and the dropped detail");
    assert_eq!(garmin.connection(&athlete).await.status(), ConnectionStatus::Connected);
}

#[tokio::test]
async fn garmin_down_for_good_is_unavailable_and_said_in_plain_words() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    garmin.link(&athlete, seed::ATHLETE).await;
    garmin.garmin.inject_always(Route::ListWorkouts, Fault::ServerError(502));

    let refused = garmin.sync(&athlete, false).await.unwrap_err();
    assert_eq!(
        (refused.code(), reason(&refused).as_str()),
        (Code::Unavailable, "GARMIN_UNAVAILABLE")
    );
    let connection = garmin.connection(&athlete).await;
    assert!(!connection.last_error.is_empty());
    assert!(!connection.last_error.contains("502 Bad Gateway"), "words, not a status line");

    garmin.garmin.clear_faults();
    // Past the first failure's cool-down.
    garmin.app.clock.advance(chrono::Duration::seconds(61));
    garmin.sync(&athlete, false).await.unwrap();
    let connection = garmin.connection(&athlete).await;
    assert_eq!(connection.status(), ConnectionStatus::Connected);
    assert!(connection.last_error.is_empty(), "cleared after the next success");
}

#[tokio::test]
async fn a_rate_limit_cools_the_account_down_and_shows_in_its_status() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    garmin.link(&athlete, seed::ATHLETE).await;
    let retry_after = Duration::from_secs(120);
    garmin
        .garmin
        .inject_always(Route::ListWorkouts, Fault::RateLimited { retry_after: Some(retry_after) });

    let refused = garmin.sync(&athlete, false).await.unwrap_err();
    assert_eq!(
        (refused.code(), reason(&refused).as_str()),
        (Code::Unavailable, "GARMIN_RATE_LIMITED")
    );
    let asked = garmin.garmin.requests(Route::ListWorkouts);
    assert_eq!(asked, 1, "a 429 is not hammered");
    let connection = garmin.connection(&athlete).await;
    assert_eq!(connection.status(), ConnectionStatus::RateLimited);
    let until = connection.rate_limited_until.expect("the cool-down's end");
    let now = garmin.app.clock.now().timestamp();
    assert!(
        (until.seconds - now - 120).abs() <= 2,
        "Retry-After honoured: {}",
        until.seconds - now
    );

    garmin.garmin.clear_faults();
    let refused = garmin.sync(&athlete, false).await.unwrap_err();
    assert_eq!(reason(&refused), "GARMIN_RATE_LIMITED");
    let list = list(&garmin, &athlete, ListWorkoutsRequest::default()).await;
    assert!(list.is_ok(), "the cached library still reads");
    assert_eq!(
        garmin.garmin.requests(Route::ListWorkouts),
        asked,
        "Garmin not called while cooling down"
    );

    garmin.app.clock.advance(chrono::Duration::seconds(121));
    assert_eq!(summary(&garmin.sync(&athlete, false).await.unwrap()).added, 3);
    let connection = garmin.connection(&athlete).await;
    assert_eq!(connection.status(), ConnectionStatus::Connected);
    assert!(connection.rate_limited_until.is_none() && connection.last_error.is_empty());
}

#[tokio::test]
async fn a_rate_limit_without_retry_after_cools_down_longer_each_time() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    garmin.link(&athlete, seed::ATHLETE).await;
    garmin.garmin.inject_always(Route::ListWorkouts, Fault::RateLimited { retry_after: None });

    let mut waits = Vec::new();
    for _ in 0..3 {
        garmin.sync(&athlete, false).await.unwrap_err();
        let until = garmin.connection(&athlete).await.rate_limited_until.unwrap().seconds;
        let wait = until - garmin.app.clock.now().timestamp();
        waits.push(wait);
        garmin.app.clock.advance(chrono::Duration::seconds(wait + 1));
    }
    assert!(waits.windows(2).all(|pair| pair[1] > pair[0]), "the cool-down grows: {waits:?}");
}

#[tokio::test]
async fn two_syncs_of_one_account_never_run_at_once() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    garmin.link(&coach, seed::COACH).await;
    garmin.garmin.set_latency(Duration::from_millis(20));

    let request = pb::SyncWorkoutsRequest { force: false };
    let mut first = garmin
        .client()
        .await
        .sync_workouts(bearer(request, &coach.access_token))
        .await
        .unwrap()
        .into_inner();
    assert!(first.message().await.unwrap().is_some(), "the first sync is under way");
    let refused = garmin.sync(&coach, false).await.unwrap_err();
    assert_eq!((refused.code(), reason(&refused).as_str()), (Code::Aborted, "GARMIN_SYNC_RUNNING"));

    let mut last = None;
    while let Some(event) = first.message().await.unwrap() {
        last = Some(event);
    }
    assert!(matches!(last.and_then(|event| event.event), Some(Event::Summary(_))));
    garmin.garmin.set_latency(Duration::ZERO);
    assert!(garmin.sync(&coach, false).await.is_ok(), "free again once the first ended");
}

#[tokio::test]
async fn a_coach_sees_athletes_garmin_health_without_anyone_calling_garmin() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    let linked = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    let unlinked = garmin.app.create_user("bo@baton.test", "Bo", &[Role::Athlete]).await;
    let expired = garmin.app.create_user("mia@baton.test", "Mia", &[Role::Athlete]).await;
    for athlete in [&linked, &unlinked, &expired] {
        garmin.app.link(&coach, athlete).await;
    }
    garmin.link(&linked, seed::ATHLETE).await;
    garmin.link(&expired, seed::MFA_ATHLETE).await;
    garmin.garmin.revoke_refresh_tokens();
    garmin.garmin.expire_access_tokens();
    let refused = garmin.sync(&expired, false).await.unwrap_err();
    assert_eq!(reason(&refused), "GARMIN_NEEDS_RELOGIN");

    let calls_before = garmin.garmin.request_counts();
    let roster = garmin
        .app
        .users()
        .await
        .list_my_athletes(bearer(ListMyAthletesRequest::default(), &coach.access_token))
        .await
        .unwrap()
        .into_inner();
    let status = |user: &TestUser| {
        let athlete = roster.athletes.iter().find(|a| a.user_id == user.id);
        athlete.expect("on the roster").garmin_status()
    };
    assert_eq!(status(&linked), ConnectionStatus::Connected);
    assert_eq!(status(&unlinked), ConnectionStatus::NotConnected);
    assert_eq!(status(&expired), ConnectionStatus::NeedsRelogin);
    assert_eq!(garmin.garmin.request_counts(), calls_before, "health from Baton's records only");
}

/// GARMIN.md §4.2 leaves open how `start` counts, how list dates are
/// written and whether Garmin caps a page below the asked `limit`; the
/// sync reads the whole library, once each, under every reading.
#[tokio::test]
async fn the_list_is_read_whole_however_garmin_pages_and_dates_it() {
    use baton_sandbox::garmin::{ListDates, PagingBase, Quirks};

    let readings = [
        Quirks { paging: PagingBase::OneBased, ..Quirks::default() },
        Quirks { list_dates: ListDates::EpochMillis, ..Quirks::default() },
        Quirks { max_page_size: Some(40), ..Quirks::default() },
        Quirks {
            paging: PagingBase::OneBased,
            list_dates: ListDates::EpochMillis,
            max_page_size: Some(50),
            ..Quirks::default()
        },
    ];
    for quirks in readings {
        let garmin = GarminApp::spawn().await;
        garmin.garmin.set_quirks(quirks);
        let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
        garmin.link(&coach, seed::COACH).await;
        let total = seed::COACH_WORKOUTS as i32;
        assert_eq!(summary(&garmin.sync(&coach, false).await.unwrap()).added, total, "{quirks:?}");
        let cached = list_all(&garmin, &coach, ListWorkoutsRequest::default()).await;
        let unique: HashSet<_> = cached.iter().map(|w| w.garmin_workout_id.clone()).collect();
        assert_eq!((cached.len(), unique.len()), (seed::COACH_WORKOUTS, seed::COACH_WORKOUTS));
        let again = summary(&garmin.sync(&coach, false).await.unwrap());
        assert_eq!(again.unchanged, total, "the list's dates say unchanged: {quirks:?}");
    }
}
