//! Golden files: each fixture in `testdata/` (Garmin's JSON as it returns
//! it) has `<name>.view.golden` (the typed view) and `<name>.copy.golden`
//! (the clean copy, or the refusal). Any difference fails; run with
//! `BATON_UPDATE_GOLDENS=1` to rewrite them, then review the diff.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::{GarminWorkout, import_name};

const FIXTURES: &[&str] = &[
    "run_intervals",
    "tempo_run",
    "bike_power",
    "bike_ftp",
    "pool_swim",
    "strength",
    "multisport",
    "nested_repeats",
    "summary",
];

const COACH: &str = "Carla Coach";

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/garmin/workout/testdata")
}

fn load(name: &str) -> GarminWorkout {
    let path = testdata().join(format!("{name}.json"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    GarminWorkout::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn updating() -> bool {
    std::env::var("BATON_UPDATE_GOLDENS").is_ok_and(|v| v == "1")
}

/// Objects with sorted keys, whatever map type serde_json was built with.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter().map(|k| (k.clone(), canonical(&map[k]))).collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

fn render(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(&canonical(value)).unwrap();
    text.push('\n');
    text
}

/// Compares `actual`, rendered with sorted keys, with the golden file's text,
/// or rewrites the file when updating. Returns the mismatch, if any.
fn check(file: &str, actual: &Value) -> Option<String> {
    let path = testdata().join(file);
    let expected = render(actual);
    if updating() {
        std::fs::write(&path, &expected).unwrap();
        return None;
    }
    let Ok(stored) = std::fs::read_to_string(&path) else {
        return Some(format!("{file}: missing; run with BATON_UPDATE_GOLDENS=1"));
    };
    if stored == expected {
        return None;
    }
    let (line, (want, got)) = stored
        .lines()
        .chain(std::iter::repeat(""))
        .zip(expected.lines().chain(std::iter::repeat("")))
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .unwrap_or((0, ("", "")));
    Some(format!("{file}: differs at line {}:\n  golden: {want}\n  now:    {got}", line + 1))
}

fn copy_json(workout: &GarminWorkout) -> Value {
    match workout.clean_copy(COACH) {
        Ok(copy) => copy,
        Err(error) => json!({"error": error.to_string(), "debug": format!("{error:?}")}),
    }
}

#[test]
fn every_fixture_matches_its_view_and_copy_goldens() {
    let mismatches: Vec<String> = FIXTURES
        .iter()
        .flat_map(|name| {
            let workout = load(name);
            let view = serde_json::to_value(workout.view()).unwrap();
            [
                check(&format!("{name}.view.golden"), &view),
                check(&format!("{name}.copy.golden"), &copy_json(&workout)),
            ]
        })
        .flatten()
        .collect();
    assert!(mismatches.is_empty(), "golden mismatches:\n{}", mismatches.join("\n"));
}

#[test]
fn no_golden_is_left_without_its_fixture() {
    let expected: BTreeSet<String> = FIXTURES
        .iter()
        .flat_map(|name| [format!("{name}.view.golden"), format!("{name}.copy.golden")])
        .collect();
    let present: BTreeSet<String> = std::fs::read_dir(testdata())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".golden"))
        .collect();
    assert_eq!(present, expected);
}

const STRIPPED: &[&str] = &[
    "workoutId",
    "ownerId",
    "author",
    "createdDate",
    "updatedDate",
    "updateDate",
    "sharedWithUsers",
    "workoutProvider",
    "workoutSourceId",
    "atpPlanId",
    "trainingPlanId",
    "uploadTimestamp",
    "workoutThumbnailUrl",
    "shared",
    "consumer",
    "consumerName",
    "consumerImageURL",
    "consumerWebsiteURL",
];

/// Keys of the owner's identity still present anywhere, and `stepId`s not null.
fn leftovers(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{path}/{key}");
                if STRIPPED.contains(&key.as_str()) || (key == "stepId" && !child.is_null()) {
                    found.push(here.clone());
                }
                leftovers(child, &here, found);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                leftovers(child, &format!("{path}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn the_copy_keeps_every_step_and_drops_the_owner_everywhere() {
    for name in FIXTURES.iter().filter(|name| **name != "summary") {
        let original = load(name);
        let copy = GarminWorkout::from_value(original.clean_copy(COACH).unwrap()).unwrap();
        let mut found = Vec::new();
        leftovers(copy.json(), "", &mut found);
        assert!(found.is_empty(), "{name}: left in the copy: {found:?}");

        let (before, after) = (original.view(), copy.view());
        assert_eq!(after.segments, before.segments, "{name}: steps changed");
        assert_eq!(after.name, import_name(&before.name, COACH));
        assert_eq!((after.workout_id, after.update_time, after.create_time), (None, None, None));
        assert_eq!(
            (&after.sport, &after.description, &after.pool, after.avg_training_speed),
            (&before.sport, &before.description, &before.pool, before.avg_training_speed),
            "{name}"
        );
        assert_eq!(
            (after.estimated_duration, after.estimated_distance, after.step_count),
            (before.estimated_duration, before.estimated_distance, before.step_count),
            "{name}"
        );
    }
}

#[test]
fn the_copy_of_the_interval_run_has_fresh_step_ids_but_its_structure() {
    let copy = load("run_intervals").clean_copy(COACH).unwrap();
    let steps = &copy["workoutSegments"][0]["workoutSteps"];
    assert_eq!(copy["workoutName"], "6x800m @ 3:50-4:00 (from Carla Coach)");
    assert_eq!(steps[1]["stepId"], Value::Null);
    assert_eq!(steps[1]["childStepId"], 1);
    assert_eq!(steps[1]["workoutSteps"][0]["stepId"], Value::Null);
    assert_eq!(steps[1]["workoutSteps"][0]["targetValueOne"], 4.1667);
    assert_eq!(steps[1]["workoutSteps"][0]["targetValueTwo"], 4.3478);
    assert_eq!(copy["estimatedDurationInSecs"], 2640);
}

#[test]
fn a_minimal_create_request_reads_like_garmins_normalised_answer() {
    let request = load("bike_power_request");
    let answer = load("bike_power");
    assert_eq!(request.view().segments, answer.view().segments);
    assert_eq!(request.view().estimated_duration, answer.view().estimated_duration);
}

#[test]
fn the_summary_is_a_workout_without_steps() {
    let summary = load("summary");
    assert!(!summary.has_steps());
    let view = summary.view();
    assert_eq!((view.step_count, view.segments.len()), (0, 0));
    assert_eq!(view.update_time.map(|t| t.timestamp_millis()), Some(1_770_512_238_000));
    assert_eq!(view.create_time.map(|t| t.timestamp_millis()), Some(1_770_425_838_000));
    assert_eq!(summary.clean_copy(COACH), Err(super::CopyError::NoSteps));
}
