//! Hostile and arbitrary JSON: reading, estimating and copying never panic,
//! and what they produce keeps its promises (sorted ranges, counts, finite
//! estimates, a copy without the owner that keeps the steps).

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

use super::{CopyError, GarminWorkout, MAX_NAME_CHARS, Step, Target, count_executable};

/// Field names Garmin uses, so generated objects hit the readers.
const KEYS: &[&str] = &[
    "type",
    "stepId",
    "stepOrder",
    "childStepId",
    "stepType",
    "stepTypeId",
    "stepTypeKey",
    "description",
    "endCondition",
    "conditionTypeId",
    "conditionTypeKey",
    "endConditionValue",
    "preferredEndConditionUnit",
    "endConditionCompare",
    "endConditionZone",
    "targetType",
    "workoutTargetTypeId",
    "workoutTargetTypeKey",
    "targetValueOne",
    "targetValueTwo",
    "targetValueUnit",
    "zoneNumber",
    "secondaryTargetType",
    "secondaryTargetValueOne",
    "secondaryTargetValueTwo",
    "secondaryTargetValueUnit",
    "secondaryZoneNumber",
    "strokeType",
    "strokeTypeId",
    "equipmentType",
    "equipmentTypeId",
    "drillType",
    "drillTypeId",
    "category",
    "exerciseName",
    "weightValue",
    "weightUnit",
    "unitId",
    "unitKey",
    "factor",
    "numberOfIterations",
    "smartRepeat",
    "skipLastRestStep",
    "workoutSteps",
    "segmentOrder",
    "sportType",
    "sportTypeId",
    "sportTypeKey",
    "poolLength",
    "poolLengthUnit",
    "workoutId",
    "ownerId",
    "author",
    "workoutName",
    "updatedDate",
    "updateDate",
    "createdDate",
    "estimatedDurationInSecs",
    "estimatedDistanceInMeters",
    "avgTrainingSpeed",
    "consumerName",
    "shared",
];

const WORDS: &[&str] = &[
    "ExecutableStepDTO",
    "RepeatGroupDTO",
    "UNASSIGNED",
    "BENCH_PRESS",
    "percent",
    "pace.zone",
    "lap.button",
    "gt",
    "2026-02-08T00:57:18.0",
    "",
    "🏃",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..20).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        prop::sample::select(WORDS).prop_map(Value::from),
        "\\PC{0,90}".prop_map(Value::String),
    ]
}

fn object(inner: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    prop::collection::vec((prop::sample::select(KEYS), inner), 0..12)
        .prop_map(|fields| {
            Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())
        })
        .boxed()
}

fn value() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(5, 48, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                object(inner)
            ]
        })
        .boxed()
}

/// A step-like object, sometimes a group holding further steps.
fn step() -> impl Strategy<Value = Value> {
    object(value()).prop_recursive(4, 40, 4, |inner| {
        (object(value()), prop::collection::vec(inner, 0..4), any::<bool>()).prop_map(
            |(mut step, children, tag)| {
                if let Value::Object(map) = &mut step {
                    map.insert("workoutSteps".to_owned(), Value::Array(children));
                    if tag {
                        map.insert("type".to_owned(), Value::from("RepeatGroupDTO"));
                    }
                }
                step
            },
        )
    })
}

fn workout() -> impl Strategy<Value = Value> {
    let segment =
        (object(value()), prop::collection::vec(step(), 0..5)).prop_map(|(mut segment, steps)| {
            if let Value::Object(map) = &mut segment {
                map.insert("workoutSteps".to_owned(), Value::Array(steps));
            }
            segment
        });
    (object(value()), prop::collection::vec(segment, 0..3)).prop_map(|(mut top, segments)| {
        if let Value::Object(map) = &mut top {
            map.insert("workoutSegments".to_owned(), Value::Array(segments));
        }
        top
    })
}

fn targets_sorted(steps: &[Step]) -> bool {
    let sorted = |t: &Option<Target>| match t {
        Some(Target { low: Some(low), high: Some(high), .. }) => low <= high,
        _ => true,
    };
    steps.iter().all(|step| match step {
        Step::Executable(s) => sorted(&s.target) && sorted(&s.secondary_target),
        Step::Repeat(group) => group.iterations >= 1 && targets_sorted(&group.steps),
    })
}

fn identity_left(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, child)| {
            ["workoutId", "ownerId", "author", "updatedDate", "updateDate", "createdDate", "shared"]
                .contains(&key.as_str())
                || key.starts_with("consumer")
                || (key == "stepId" && !child.is_null())
                || identity_left(child)
        }),
        Value::Array(items) => items.iter().any(identity_left),
        _ => false,
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_are_refused_or_read_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(workout) = GarminWorkout::parse(&bytes) {
            prop_assert!(workout.json().is_object());
            let _ = workout.view();
        }
    }

    #[test]
    fn arbitrary_json_reads_into_a_consistent_view(json in workout()) {
        // Anything a workout-shaped generator builds is within the bounds.
        let bytes = serde_json::to_vec(&json).unwrap();
        prop_assert!(GarminWorkout::parse(&bytes).is_ok());
        let workout = GarminWorkout::from_value(json).unwrap();
        let view = workout.view();
        let counted: u32 = view.segments.iter().map(|s| count_executable(&s.steps)).sum();
        prop_assert_eq!(view.step_count, counted);
        prop_assert_eq!(view.executable_steps().len(), counted as usize);
        prop_assert!(view.segments.iter().all(|s| targets_sorted(&s.steps)));
        for estimate in [view.estimated_duration, view.estimated_distance].into_iter().flatten() {
            prop_assert!(estimate.value.is_finite() && estimate.value >= 0.0);
        }
    }

    #[test]
    fn arbitrary_json_copies_cleanly_or_is_refused_for_a_reason(json in workout(), coach in "\\PC{0,60}") {
        let workout = GarminWorkout::from_value(json).unwrap();
        let view = workout.view();
        match workout.clean_copy(&coach) {
            Ok(copy) => {
                prop_assert!(!identity_left(&copy));
                let name = copy["workoutName"].as_str().unwrap_or_default();
                prop_assert!(name.chars().count() <= MAX_NAME_CHARS);
                let copied = GarminWorkout::from_value(copy).unwrap().view();
                prop_assert_eq!(copied.segments, view.segments);
            }
            Err(CopyError::NoSteps) => prop_assert!(view.executable_steps().is_empty()),
            Err(CopyError::UnassignedExerciseCategory { steps } | CopyError::MissingExerciseCategory { steps }) => {
                prop_assert!(!steps.is_empty());
            }
        }
    }
}

#[test]
fn wrong_types_everywhere_read_as_absent() {
    let workout = GarminWorkout::from_value(serde_json::json!({
        "workoutName": ["x"], "sportType": "rowing", "workoutSegments": [
            null, 3, {"workoutSteps": {"not": "a list"}},
            {"sportType": 2, "workoutSteps": [null, "step", {"type": 7, "stepType": [], "endCondition": "time",
                "endConditionValue": "90", "targetType": 6, "targetValueOne": "5", "targetValueTwo": {},
                "numberOfIterations": -1}]}
        ]
    }))
    .unwrap();
    let view = workout.view();
    assert_eq!((view.name.as_str(), view.sport.key.as_str()), ("", "rowing"));
    assert_eq!(view.segments.len(), 2);
    let Step::Executable(step) = &view.segments[1].steps[0] else {
        panic!("expected an executable step")
    };
    assert_eq!(step.end_condition.value, Some(90.0));
    assert_eq!(step.end_condition.condition_type.key, "time");
    let target = step.target.as_ref().unwrap();
    assert_eq!((target.low, target.high), (Some(5.0), None));
    assert_eq!(view.step_count, 1);
}
