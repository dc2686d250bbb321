use serde_json::{Value, json};

use super::{Invalid, Stamp, workout};
use crate::garmin::account::GarminAccount;

fn author() -> GarminAccount {
    let mut account = GarminAccount::new("coach@example.com", "x", "Sam Coach");
    account.profile_id = Some(82_416_001);
    account
}

fn create(input: Value) -> Result<Value, Invalid> {
    let author = author();
    let stamp = Stamp {
        workout_id: 1_418_732_102,
        author: &author,
        created: "2026-02-08T00:57:18.0",
        updated: "2026-02-08T00:57:18.0",
    };
    let mut step_ids = 12_368_371_353;
    workout(&input, &stamp, &mut step_ids)
}

fn exec(step_type: i64, condition: i64, value: f64) -> Value {
    json!({"type": "ExecutableStepDTO", "stepId": null, "stepOrder": 1,
           "stepType": {"stepTypeId": step_type},
           "endCondition": {"conditionTypeId": condition}, "endConditionValue": value})
}

fn repeat(times: i64, steps: Vec<Value>) -> Value {
    json!({"type": "RepeatGroupDTO", "stepOrder": 1, "stepType": {"stepTypeId": 6},
           "numberOfIterations": times, "workoutSteps": steps})
}

fn running(steps: Vec<Value>) -> Value {
    json!({"workoutName": "Run", "sportType": {"sportTypeId": 1},
           "workoutSegments": [{"segmentOrder": 7, "workoutSteps": steps}]})
}

/// (stepOrder, childStepId, stepId) in document order.
fn numbering(workout: &Value) -> Vec<(i64, Option<i64>, i64)> {
    fn walk(steps: &Value, out: &mut Vec<(i64, Option<i64>, i64)>) {
        for step in steps.as_array().unwrap() {
            let child = step["childStepId"].as_i64();
            out.push((
                step["stepOrder"].as_i64().unwrap(),
                child,
                step["stepId"].as_i64().unwrap(),
            ));
            if step["type"] == "RepeatGroupDTO" {
                walk(&step["workoutSteps"], out);
            }
        }
    }
    let mut out = Vec::new();
    for segment in workout["workoutSegments"].as_array().unwrap() {
        walk(&segment["workoutSteps"], &mut out);
    }
    out
}

#[test]
fn nested_repeats_are_numbered_in_pre_order_like_the_captured_response() {
    // The shape of kaiord's "MEGA RUN" capture: 4 steps, 3 × (4 × (400, 200), rest), cooldown.
    let inner = repeat(4, vec![exec(3, 3, 400.0), exec(4, 3, 200.0)]);
    let outer = repeat(3, vec![inner, exec(5, 2, 180.0)]);
    let steps = vec![exec(1, 1, 0.0), exec(3, 2, 600.0), exec(4, 3, 400.0), exec(3, 4, 50.0)];
    let created = create(running([steps, vec![outer, exec(2, 1, 0.0)]].concat())).unwrap();
    let orders: Vec<_> =
        numbering(&created).iter().map(|(order, child, _)| (*order, *child)).collect();
    assert_eq!(
        orders,
        [
            (1, None),
            (2, None),
            (3, None),
            (4, None),
            (5, Some(1)),
            (6, Some(2)),
            (7, Some(2)),
            (8, Some(2)),
            (9, Some(1)),
            (10, None),
        ]
    );
    let ids: Vec<_> = numbering(&created).iter().map(|(_, _, id)| *id).collect();
    assert_eq!(ids, (12_368_371_354..=12_368_371_363).collect::<Vec<_>>());
    assert_eq!(created["workoutSegments"][0]["segmentOrder"], 1);
}

#[test]
fn keys_display_orders_and_floats_are_filled_in_from_ids() {
    let mut step = exec(3, 2, 480.0);
    step["targetType"] = json!({"workoutTargetTypeId": 3, "workoutTargetTypeKey": "cadence.zone"});
    step["targetValueOne"] = json!(85);
    step["zoneNumber"] = json!(2.0);
    let created = create(running(vec![step])).unwrap();
    let step = &created["workoutSegments"][0]["workoutSteps"][0];
    assert_eq!(
        step["stepType"],
        json!({"stepTypeId": 3, "stepTypeKey": "interval", "displayOrder": 3})
    );
    assert_eq!(
        step["endCondition"],
        json!({"conditionTypeId": 2, "conditionTypeKey": "time", "displayOrder": 2, "displayable": true})
    );
    assert_eq!(step["targetType"]["workoutTargetTypeKey"], "cadence");
    assert_eq!(step["targetValueOne"].to_string(), "85.0");
    assert_eq!(step["endConditionValue"].to_string(), "480.0");
    assert_eq!(step["zoneNumber"], 2);
    assert_eq!(
        step["strokeType"],
        json!({"strokeTypeId": 0, "strokeTypeKey": null, "displayOrder": 0})
    );
    assert!(step["targetValueTwo"].is_null() && step.get("targetValueTwo").is_some());
    assert!(step["category"].is_null() && step.get("weightUnit").is_some());
}

#[test]
fn server_owned_fields_are_overwritten_and_unknown_ones_dropped() {
    let mut input = running(vec![exec(3, 2, 60.0)]);
    input["workoutId"] = json!(1);
    input["ownerId"] = json!(2);
    input["author"] = json!({"userProfilePk": 2});
    input["workoutProvider"] = json!("Coach's app");
    input["shared"] = json!(true);
    input["somethingNew"] = json!(true);
    let created = create(input).unwrap();
    assert_eq!(created["workoutId"], 1_418_732_102);
    assert_eq!(created["ownerId"], 82_416_001);
    assert_eq!(created["author"]["userProfilePk"], 82_416_001);
    assert!(created["workoutProvider"].is_null());
    assert_eq!(created["shared"], false);
    assert!(created.get("somethingNew").is_none());
    assert_eq!(
        created["estimatedDistanceUnit"],
        json!({"unitId": null, "unitKey": null, "factor": null})
    );
}

#[test]
fn a_single_sport_swim_keeps_its_pool_on_the_workout_only() {
    let mut swim = exec(3, 3, 100.0);
    swim["strokeType"] = json!({"strokeTypeId": 6});
    swim["equipmentType"] = json!({"equipmentTypeId": 4});
    let input = json!({"workoutName": "Swim", "sportType": {"sportTypeKey": "swimming"},
        "poolLength": 25, "poolLengthUnit": {"unitKey": "meter"},
        "workoutSegments": [{"poolLength": 25, "poolLengthUnit": {"unitKey": "meter"},
                             "workoutSteps": [swim]}]});
    let created = create(input).unwrap();
    assert_eq!(created["sportType"]["sportTypeId"], 4);
    assert_eq!(created["poolLength"].to_string(), "25.0");
    assert_eq!(
        created["poolLengthUnit"],
        json!({"unitId": 1, "unitKey": "meter", "factor": 100.0})
    );
    assert!(created["workoutSegments"][0]["poolLength"].is_null());
    let step = &created["workoutSegments"][0]["workoutSteps"][0];
    assert_eq!(step["strokeType"]["strokeTypeKey"], "free");
    assert_eq!(step["equipmentType"]["equipmentTypeKey"], "pull_buoy");
}

#[test]
fn strength_exercise_steps_need_a_valid_category() {
    let strength = |step: Value| {
        create(json!({"workoutName": "Gym", "sportType": {"sportTypeId": 5},
            "workoutSegments": [{"workoutSteps": [exec(1, 2, 300.0), repeat(3, vec![step, exec(5, 2, 90.0)])]}]}))
    };
    assert!(strength(exec(3, 10, 10.0)).is_err(), "missing category");
    let mut unassigned = exec(3, 10, 10.0);
    unassigned["category"] = json!("UNASSIGNED");
    assert_eq!(strength(unassigned).unwrap_err().0, "Invalid exercise category: UNASSIGNED");
    let mut valid = exec(3, 10, 10.0);
    valid["category"] = json!("BENCH_PRESS");
    valid["exerciseName"] = json!("BARBELL_BENCH_PRESS");
    valid["weightValue"] = json!(60000);
    valid["weightUnit"] = json!({"unitKey": "kilogram"});
    let created = strength(valid).unwrap();
    let step = &created["workoutSegments"][0]["workoutSteps"][1]["workoutSteps"][0];
    assert_eq!(step["category"], "BENCH_PRESS");
    assert_eq!(step["weightUnit"], json!({"unitId": 8, "unitKey": "kilogram", "factor": 1000.0}));
}

#[test]
fn malformed_workouts_are_refused() {
    let no_name = json!({"sportType": {"sportTypeId": 1}, "workoutSegments": [{"workoutSteps": [exec(3, 2, 1.0)]}]});
    let bad_sport = json!({"workoutName": "x", "sportType": {"sportTypeId": 99}, "workoutSegments": [{"workoutSteps": [exec(3, 2, 1.0)]}]});
    let no_steps = running(vec![]);
    let bad_kind = running(vec![json!({"type": "StepDTO"})]);
    let bad_condition = running(vec![exec(3, 77, 1.0)]);
    let empty_repeat = running(vec![repeat(2, vec![])]);
    let zero_times = running(vec![repeat(0, vec![exec(3, 2, 1.0)])]);
    for input in
        [no_name, bad_sport, no_steps, bad_kind, bad_condition, empty_repeat, zero_times, json!([])]
    {
        assert!(create(input.clone()).is_err(), "{input}");
    }
}

#[test]
fn long_names_are_cut_as_garmin_cuts_them() {
    let mut input = running(vec![exec(3, 2, 1.0)]);
    input["workoutName"] = json!("EDGE-TEST-".repeat(56));
    let name = create(input).unwrap()["workoutName"].as_str().unwrap().to_owned();
    assert_eq!(name.chars().count(), 256);
    assert!(name.ends_with("EDG..."), "{name}");
}
