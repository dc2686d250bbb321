//! The demo accounts, for the offline demo and for tests (TEST credentials,
//! printed by the `baton-sandbox` binary):
//!
//! | who | email | password | MFA code |
//! |---|---|---|---|
//! | coach, 130 workouts | `coach@example.com` | `test-coach-password` | — |
//! | athlete, 3 workouts, 1 scheduled | `ada.athlete@example.com` | `test-athlete-password` | — |
//! | athlete with MFA (a UUID display name) | `mia.mfa@example.com` | `test-mfa-password` | `123456` |
//!
//! The seeded workouts are built as create requests and normalised like
//! any POST, so they look exactly like what the API returns. Paces are m/s,
//! mostly `targetValueOne` = slower, but some are written fast-first as
//! Garmin-generated workouts are (GARMIN.md §5.5); strength loads are
//! kg × 1000 with the kilogram unit.

mod builder;
mod cross_training;
mod running;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::Days;
use serde_json::Value;

use super::account::GarminAccount;
use super::config::{Lifetimes, Quirks};
use super::state::{Ids, ScheduleRecord, State, WorkoutRecord};
use builder::{End, Kind, Target, exercise, repeat, step, workout};

/// One demo sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub mfa_code: Option<&'static str>,
    pub full_name: &'static str,
    pub profile_id: i64,
}

/// The coach whose library holds [`COACH_WORKOUTS`] workouts.
pub const COACH: DemoLogin = DemoLogin {
    email: "coach@example.com",
    password: "test-coach-password",
    mfa_code: None,
    full_name: "Sam Okafor",
    profile_id: 82_416_001,
};

/// An athlete without MFA.
pub const ATHLETE: DemoLogin = DemoLogin {
    email: "ada.athlete@example.com",
    password: "test-athlete-password",
    mfa_code: None,
    full_name: "Ada Lindqvist",
    profile_id: 82_416_002,
};

/// An athlete whose sign-in asks for an emailed code (always this one).
pub const MFA_ATHLETE: DemoLogin = DemoLogin {
    email: "mia.mfa@example.com",
    password: "test-mfa-password",
    mfa_code: Some("123456"),
    full_name: "Mia Moreau",
    profile_id: 82_416_003,
};

/// How many workouts the demo coach has.
pub const COACH_WORKOUTS: usize = 130;

/// The seeded library starts here (2025-09-01T06:00:00Z) and runs forward.
const FIRST_CREATED_MS: i64 = 1_756_706_400_000;
const HOUR_MS: i64 = 3_600_000;

fn account(login: DemoLogin, display_name: &str, guid: &str, location: &str) -> GarminAccount {
    let mut account = GarminAccount::new(login.email, login.password, login.full_name);
    account.profile_id = Some(login.profile_id);
    account.display_name = display_name.to_owned();
    account.garmin_guid = guid.to_owned();
    account.location = Some(location.to_owned());
    if let Some(code) = login.mfa_code {
        account = account.with_mfa(code);
    }
    account
}

/// The three demo accounts.
pub fn demo_accounts() -> Vec<GarminAccount> {
    vec![
        account(COACH, "samokafor", "0690cc1d-d23d-4412-b027-80fd4ed1c0f6", "Leeds, UK"),
        account(ATHLETE, "adalindqvist", "3f5b8a2e-91c4-4d7a-8e0b-2c6d9f1a7b34", "Uppsala, SE"),
        account(
            MFA_ATHLETE,
            "5c1e2a9d-3f4b-4e8a-9d21-7b6f0c3e8a14",
            "a8d4c2f1-6e3b-4b9a-b7d5-1f0e9c8a2d63",
            "Lyon, FR",
        ),
    ]
}

/// The seeded accounts, workouts and schedules, built once per process:
/// every stand-in a test starts gets a copy instead of normalising 130
/// workouts again.
struct Snapshot {
    accounts: Vec<GarminAccount>,
    workouts: BTreeMap<i64, WorkoutRecord>,
    schedules: BTreeMap<i64, ScheduleRecord>,
    ids: Ids,
}

static SNAPSHOT: OnceLock<Result<Snapshot, String>> = OnceLock::new();

/// Loads the demo accounts and their workouts into `state` (which has none).
pub(crate) fn load(state: &mut State) -> Result<(), String> {
    let snapshot = SNAPSHOT.get_or_init(build).as_ref().map_err(Clone::clone)?;
    state.accounts.extend(snapshot.accounts.iter().cloned());
    state.workouts.extend(snapshot.workouts.iter().map(|(id, w)| (*id, w.clone())));
    state.schedules.extend(snapshot.schedules.iter().map(|(id, s)| (*id, s.clone())));
    state.ids = snapshot.ids.clone();
    Ok(())
}

fn build() -> Result<Snapshot, String> {
    let mut state = State::new(Lifetimes::default(), Quirks::default());
    fill(&mut state)?;
    Ok(Snapshot {
        accounts: state.accounts,
        workouts: state.workouts,
        schedules: state.schedules,
        ids: state.ids,
    })
}

fn fill(state: &mut State) -> Result<(), String> {
    state.accounts.extend(demo_accounts());
    for (index, input) in coach_workouts().iter().enumerate() {
        let index = i64::try_from(index).unwrap_or_default();
        let created = FIRST_CREATED_MS + index * 70 * HOUR_MS;
        let updated = created + (index % 5) * 26 * HOUR_MS + (index % 7) * HOUR_MS;
        add(state, COACH.profile_id, input, (created, updated))?;
    }
    let now = state.now_ms();
    let mut first = None;
    for (offset, input) in athlete_workouts().iter().enumerate() {
        let at = now - (30 - i64::try_from(offset).unwrap_or_default() * 7) * 24 * HOUR_MS;
        let id = add(state, ATHLETE.profile_id, input, (at, at))?;
        first = first.or(Some(id));
    }
    let today = chrono::DateTime::from_timestamp_millis(now).map(|time| time.date_naive());
    if let (Some(workout_id), Some(date)) =
        (first, today.and_then(|d| d.checked_add_days(Days::new(2))))
    {
        let id = state.ids.schedule();
        let owner = ATHLETE.profile_id;
        state.schedules.insert(id, ScheduleRecord { id, workout_id, owner, date, created_ms: now });
    }
    Ok(())
}

/// The coach's library, oldest first: the kinds of sessions a running and
/// triathlon coach keeps. Deterministic: the same 130 every start.
fn coach_workouts() -> Vec<Value> {
    let mut all = Vec::with_capacity(COACH_WORKOUTS);
    all.extend(running::track_intervals());
    all.extend(running::special_runs());
    all.extend(running::tempo_runs());
    all.extend(running::long_runs());
    all.extend(running::easy_runs());
    all.extend(cross_training::bike_sessions());
    all.extend(cross_training::swims());
    all.extend(cross_training::strength_sessions());
    all.extend(cross_training::others());
    all
}

fn add(state: &mut State, owner: i64, input: &Value, times: (i64, i64)) -> Result<i64, String> {
    let created = state.create_workout(owner, input, times).map_err(|invalid| {
        format!("seed workout {:?} is invalid: {}", input["workoutName"], invalid.0)
    })?;
    created["workoutId"].as_i64().ok_or_else(|| "seed workout without id".to_owned())
}

/// Ada's own small library.
fn athlete_workouts() -> Vec<Value> {
    vec![
        workout(
            "Easy 40 min",
            "",
            1,
            vec![step(Kind::Interval, End::Time(2400.0), Target::HeartZone(2))],
            2400,
        ),
        workout(
            "Core and hips",
            "",
            5,
            vec![repeat(
                3,
                vec![
                    exercise("PLANK", "PLANK", 1.0, None),
                    step(Kind::Rest, End::Time(45.0), Target::Open),
                    exercise("HIP_RAISE", "SINGLE_LEG_HIP_RAISE", 12.0, None),
                    step(Kind::Rest, End::Time(45.0), Target::Open),
                ],
                true,
            )],
            1200,
        ),
        workout(
            "Spin 45 min",
            "",
            2,
            vec![
                step(Kind::Warmup, End::Time(600.0), Target::PowerZone(1)),
                step(Kind::Interval, End::Time(1800.0), Target::Cadence(90.0, 100.0)),
                step(Kind::Cooldown, End::Lap, Target::Open),
            ],
            2700,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_seed_loads_130_valid_coach_workouts() {
        let mut state = State::new(Lifetimes::default(), Quirks::default());
        load(&mut state).unwrap();
        let coach = state.workouts.values().filter(|w| w.owner == COACH.profile_id).count();
        assert_eq!(coach, COACH_WORKOUTS);
        assert_eq!(state.schedules.len(), 1);
        let sports: std::collections::BTreeSet<String> = state
            .workouts
            .values()
            .filter_map(|w| w.json["sportType"]["sportTypeKey"].as_str().map(str::to_owned))
            .collect();
        for sport in ["running", "cycling", "swimming", "strength_training", "multi_sport"] {
            assert!(sports.contains(sport), "{sport}");
        }
    }
}
