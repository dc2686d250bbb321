//! Small builders for the seeded workouts: they write create requests in
//! the minimal form Garmin's web editor sends (ids, no display orders),
//! which the stand-in then normalises like any POST.

use serde_json::{Value, json};

/// Step kinds by `stepTypeId`.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    Warmup = 1,
    Cooldown = 2,
    Interval = 3,
    Recovery = 4,
    Rest = 5,
}

/// How a step ends: seconds, metres, the lap button, or repetitions.
#[derive(Clone, Copy)]
pub(super) enum End {
    Time(f64),
    Distance(f64),
    Km(f64),
    Lap,
    Reps(f64),
}

/// What a step aims at. Paces and speeds in m/s (`slow`, `fast`); power in
/// watts; cadence in rpm/spm; heart rate in bpm or as a zone.
#[derive(Clone, Copy)]
pub(super) enum Target {
    Open,
    HeartZone(i64),
    Heart(f64, f64),
    Pace(f64, f64),
    /// A pace range written fast-first, as Garmin-generated workouts do
    /// (GARMIN.md §5.5): readers must take min/max.
    PaceFastFirst(f64, f64),
    PowerZone(i64),
    Watts(f64, f64),
    Cadence(f64, f64),
}

/// `m:ss` per km as m/s (5:00 /km → 3.333).
pub(super) fn pace(per_km: &str) -> f64 {
    let (minutes, seconds) = per_km.split_once(':').unwrap_or((per_km, "0"));
    let total =
        minutes.parse::<f64>().unwrap_or(5.0) * 60.0 + seconds.parse::<f64>().unwrap_or(0.0);
    (1000.0 / total * 10_000.0).round() / 10_000.0
}

/// A share of FTP in whole watts.
pub(super) fn ftp(ftp: f64, percent: f64) -> f64 {
    (ftp * percent / 100.0).round()
}

fn target_fields(target: Target) -> (i64, Value, Value, Value) {
    match target {
        Target::Open => (1, Value::Null, Value::Null, Value::Null),
        Target::HeartZone(zone) => (4, Value::Null, Value::Null, json!(zone)),
        Target::Heart(low, high) => (4, json!(low), json!(high), Value::Null),
        Target::Pace(slow, fast) => (6, json!(slow), json!(fast), Value::Null),
        Target::PaceFastFirst(slow, fast) => (6, json!(fast), json!(slow), Value::Null),
        Target::PowerZone(zone) => (2, Value::Null, Value::Null, json!(zone)),
        Target::Watts(low, high) => (2, json!(low), json!(high), Value::Null),
        Target::Cadence(low, high) => (3, json!(low), json!(high), Value::Null),
    }
}

/// An executable step.
pub(super) fn step(kind: Kind, end: End, target: Target) -> Value {
    let (condition, value, unit) = match end {
        End::Time(seconds) => (2, json!(seconds), Value::Null),
        End::Distance(metres) => (3, json!(metres), json!({"unitKey": "meter"})),
        End::Km(km) => (3, json!(km * 1000.0), json!({"unitKey": "kilometer"})),
        End::Lap => (1, Value::Null, Value::Null),
        End::Reps(reps) => (10, json!(reps), Value::Null),
    };
    let (target_id, one, two, zone) = target_fields(target);
    json!({
        "type": "ExecutableStepDTO",
        "stepId": null,
        "stepOrder": null,
        "stepType": {"stepTypeId": kind as i64},
        "endCondition": {"conditionTypeId": condition},
        "endConditionValue": value,
        "preferredEndConditionUnit": unit,
        "targetType": {"workoutTargetTypeId": target_id},
        "targetValueOne": one,
        "targetValueTwo": two,
        "zoneNumber": zone,
    })
}

/// The same step with a note shown on the watch.
pub(super) fn noted(mut step: Value, note: &str) -> Value {
    step["description"] = json!(note);
    step
}

/// The same step with a second target (power + cadence, pace + heart rate).
pub(super) fn and_also(mut step: Value, target: Target) -> Value {
    let (id, one, two, zone) = target_fields(target);
    step["secondaryTargetType"] = json!({"workoutTargetTypeId": id});
    step["secondaryTargetValueOne"] = one;
    step["secondaryTargetValueTwo"] = two;
    step["secondaryZoneNumber"] = zone;
    step
}

/// A swim step over `distance` in `unit` (`meter` or `yard`, the pool's),
/// with a stroke and equipment. The end condition is in metres either way;
/// the unit is only the display unit.
pub(super) fn swim(kind: Kind, distance: f64, unit: &str, stroke: i64, equipment: i64) -> Value {
    let metres =
        if unit == "yard" { (distance * 0.9144 * 100.0).round() / 100.0 } else { distance };
    let mut swim = step(kind, End::Distance(metres), Target::Open);
    swim["preferredEndConditionUnit"] = json!({"unitKey": unit});
    swim["strokeType"] = json!({"strokeTypeId": stroke});
    swim["equipmentType"] = json!({"equipmentTypeId": equipment});
    swim
}

/// A strength exercise: reps of `category`/`exercise`, with an optional
/// load. Weights are kg × 1000 with the kilogram unit, as
/// python-garminconnect writes them ("verified end to end", GARMIN.md §5.3).
pub(super) fn exercise(category: &str, exercise: &str, reps: f64, kg: Option<f64>) -> Value {
    let mut step = step(Kind::Interval, End::Reps(reps), Target::Open);
    step["category"] = json!(category);
    step["exerciseName"] = json!(exercise);
    if let Some(kg) = kg {
        step["weightValue"] = json!(kg * 1000.0);
        step["weightUnit"] = json!({"unitKey": "kilogram"});
    }
    step
}

/// `times` × the steps, skipping the last rest of the last round if asked.
pub(super) fn repeat(times: i64, steps: Vec<Value>, skip_last_rest: bool) -> Value {
    json!({
        "type": "RepeatGroupDTO",
        "stepId": null,
        "stepOrder": null,
        "stepType": {"stepTypeId": 6},
        "numberOfIterations": times,
        "smartRepeat": false,
        "skipLastRestStep": if skip_last_rest { json!(true) } else { Value::Null },
        "endCondition": {"conditionTypeId": 7},
        "endConditionValue": times,
        "workoutSteps": steps,
    })
}

/// A single-sport workout (`sport` is a `sportTypeId`).
pub(super) fn workout(
    name: &str,
    description: &str,
    sport: i64,
    steps: Vec<Value>,
    secs: i64,
) -> Value {
    json!({
        "workoutName": name,
        "description": description,
        "sportType": {"sportTypeId": sport},
        "subSportType": null,
        "estimatedDurationInSecs": secs,
        "estimatedDistanceInMeters": null,
        "isWheelchair": false,
        "workoutSegments": [{
            "segmentOrder": 1,
            "sportType": {"sportTypeId": sport},
            "workoutSteps": steps,
        }],
    })
}

/// A pool swim: `pool` lengths in `unit` (`meter` or `yard`).
pub(super) fn pool_swim(
    name: &str,
    description: &str,
    pool: f64,
    unit: &str,
    steps: Vec<Value>,
) -> Value {
    let mut swim = workout(name, description, 4, steps, 0);
    swim["poolLength"] = json!(pool);
    swim["poolLengthUnit"] = json!({"unitKey": unit});
    swim
}

/// A multisport workout: one segment per `(sportTypeId, steps)` leg.
pub(super) fn multisport(name: &str, description: &str, legs: Vec<(i64, Vec<Value>)>) -> Value {
    let segments: Vec<Value> = legs
        .into_iter()
        .enumerate()
        .map(|(index, (sport, steps))| {
            json!({"segmentOrder": index + 1, "sportType": {"sportTypeId": sport}, "workoutSteps": steps})
        })
        .collect();
    json!({
        "workoutName": name,
        "description": description,
        "sportType": {"sportTypeId": 10},
        "isSessionTransitionEnabled": true,
        "workoutSegments": segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paces_are_metres_per_second() {
        assert_eq!(pace("5:00"), 3.3333);
        assert_eq!(pace("4:00"), 4.1667);
    }
}
