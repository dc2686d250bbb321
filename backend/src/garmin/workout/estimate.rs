//! Duration and distance computed from the steps, used when Garmin has no
//! estimate of its own. An estimate is given only when every step can be
//! estimated honestly; otherwise it is `None`, never a partial sum.
//!
//! - Time steps last their value; distance steps cover theirs.
//! - Distance and time convert through the step's pace or speed target
//!   (pace: the mean of the range's paces; speed: the mean of its speeds),
//!   else through the workout's `avgTrainingSpeed` (single-segment workouts
//!   only: one speed cannot stand for every leg of a multi-sport workout).
//! - A rest step covers no distance.
//! - Lap-button, reps, calories, heart-rate and power steps have no known
//!   duration; a group repeated until the lap button has neither.
//! - Groups multiply by their iterations; with `skipLastRestStep` the last
//!   iteration's final rest/recovery step is left out.

use serde::Serialize;

use super::ids::{EndConditionType, StepType, TargetType};
use super::steps::{ExecutableStep, RepeatGroup, Step};
use super::view::Segment;

/// An estimated duration (seconds) or distance (metres).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Seconds or metres.
    pub value: f64,
    /// Where it comes from.
    pub source: EstimateSource,
}

/// Where an [`Estimate`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateSource {
    /// Garmin's `estimatedDurationInSecs` / `estimatedDistanceInMeters`.
    Garmin,
    /// Computed by Baton from the steps.
    Steps,
}

/// Computed totals; `None` where the steps do not allow an honest figure.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct Totals {
    /// Whole seconds.
    pub seconds: Option<f64>,
    /// Whole metres.
    pub meters: Option<f64>,
}

impl Totals {
    const ZERO: Self = Self { seconds: Some(0.0), meters: Some(0.0) };

    fn plus(self, other: Self) -> Self {
        Self { seconds: add(self.seconds, other.seconds), meters: add(self.meters, other.meters) }
    }
}

fn add(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? + b?)
}

/// Totals over all segments; `avg_training_speed` is the workout's, in m/s.
pub(super) fn from_steps(segments: &[Segment], avg_training_speed: Option<f64>) -> Totals {
    if segments.iter().all(|segment| !has_executable(&segment.steps)) {
        return Totals::default();
    }
    let fallback_speed = if segments.len() == 1 { avg_training_speed } else { None };
    let total = segments
        .iter()
        .fold(Totals::ZERO, |sum, segment| sum.plus(list(&segment.steps, fallback_speed)));
    let whole = |v: Option<f64>| v.filter(|v| v.is_finite() && *v >= 0.0).map(f64::round);
    Totals { seconds: whole(total.seconds), meters: whole(total.meters) }
}

fn has_executable(steps: &[Step]) -> bool {
    steps.iter().any(|step| match step {
        Step::Executable(_) => true,
        Step::Repeat(group) => has_executable(&group.steps),
    })
}

fn list(steps: &[Step], speed: Option<f64>) -> Totals {
    steps.iter().fold(Totals::ZERO, |sum, step| sum.plus(one(step, speed)))
}

fn one(step: &Step, speed: Option<f64>) -> Totals {
    match step {
        Step::Executable(step) => executable(step, speed),
        Step::Repeat(group) => repeat(group, speed),
    }
}

fn repeat(group: &RepeatGroup, speed: Option<f64>) -> Totals {
    if group.repeat_until_lap_button {
        return Totals::default();
    }
    let each = list(&group.steps, speed);
    let n = f64::from(group.iterations);
    let skipped = match group.steps.last() {
        Some(Step::Executable(last))
            if group.skip_last_rest
                && matches!(last.step_type.kind, StepType::Rest | StepType::Recovery) =>
        {
            executable(last, speed)
        }
        _ => Totals::ZERO,
    };
    let times = |v: Option<f64>, skip: Option<f64>| Some(v? * n - skip?);
    Totals {
        seconds: times(each.seconds, skipped.seconds),
        meters: times(each.meters, skipped.meters),
    }
}

fn executable(step: &ExecutableStep, fallback_speed: Option<f64>) -> Totals {
    let resting = step.step_type.kind == StepType::Rest;
    let speed = step_speed(step).or(fallback_speed).filter(|&s| s > 0.0);
    let value = step.end_condition.value.filter(|&v| v > 0.0);
    let still = if resting { Some(0.0) } else { None };
    match step.end_condition.condition_type.kind {
        EndConditionType::Time | EndConditionType::FixedRest | EndConditionType::RepetitionTime => {
            Totals {
                seconds: value,
                meters: still.or_else(|| value.zip(speed).map(|(seconds, speed)| seconds * speed)),
            }
        }
        EndConditionType::Distance => Totals {
            seconds: value.zip(speed).map(|(meters, speed)| meters / speed),
            meters: value,
        },
        _ => Totals { seconds: None, meters: still },
    }
}

/// The speed in m/s implied by a pace or speed target (primary first).
fn step_speed(step: &ExecutableStep) -> Option<f64> {
    [&step.target, &step.secondary_target].into_iter().flatten().find_map(|target| {
        let (low, high) = target.speed_range()?;
        Some(match target.target_type.kind {
            // The mean pace: time per metre averaged, then inverted.
            TargetType::Pace => 2.0 / (1.0 / low + 1.0 / high),
            _ => (low + high) / 2.0,
        })
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::{Estimate, EstimateSource, GarminWorkout};

    fn step(step_type: i64, condition: i64, value: Value) -> Value {
        json!({"type": "ExecutableStepDTO", "stepType": {"stepTypeId": step_type},
            "endCondition": {"conditionTypeId": condition}, "endConditionValue": value})
    }

    fn paced(mut step: Value, one: f64, two: f64) -> Value {
        step["targetType"] = json!({"workoutTargetTypeId": 6});
        step["targetValueOne"] = json!(one);
        step["targetValueTwo"] = json!(two);
        step
    }

    fn repeat(n: u32, skip_last_rest: bool, steps: Value) -> Value {
        json!({"type": "RepeatGroupDTO", "numberOfIterations": n, "skipLastRestStep": skip_last_rest,
            "workoutSteps": steps})
    }

    fn estimates(extra: Value, segments: Value) -> (Option<Estimate>, Option<Estimate>) {
        let mut json = json!({"sportType": {"sportTypeId": 1}, "workoutSegments": segments});
        if let (Value::Object(top), Value::Object(extra)) = (&mut json, extra) {
            top.extend(extra);
        }
        let view = GarminWorkout::from_value(json).unwrap().view();
        (view.estimated_duration, view.estimated_distance)
    }

    fn computed(value: f64) -> Option<Estimate> {
        Some(Estimate { value, source: EstimateSource::Steps })
    }

    #[test]
    fn pace_targets_convert_distance_to_time_and_groups_multiply() {
        let steps = json!([{"workoutSteps": [
            step(1, 2, json!(600.0)),
            repeat(5, false, json!([paced(step(3, 3, json!(1000.0)), 4.0, 4.0), step(5, 2, json!(120.0))])),
        ]}]);
        // 600 s + 5 × (1000 m at 4 m/s = 250 s, 120 s standing rest).
        let (duration, distance) = estimates(json!({}), steps);
        assert_eq!(duration, computed(600.0 + 5.0 * 370.0));
        // The warm-up has no pace and the workout no training speed.
        assert_eq!(distance, None);
    }

    #[test]
    fn the_training_speed_fills_in_and_rest_covers_no_distance() {
        let steps = json!([{"workoutSteps": [
            step(1, 2, json!(600.0)),
            repeat(5, false, json!([paced(step(3, 3, json!(1000.0)), 4.0, 4.0), step(5, 2, json!(120.0))])),
        ]}]);
        let (duration, distance) = estimates(json!({"avgTrainingSpeed": 2.5}), steps);
        assert_eq!(duration, computed(2450.0));
        assert_eq!(distance, computed(600.0 * 2.5 + 5000.0));
    }

    #[test]
    fn a_pace_range_uses_the_mean_pace() {
        // 4:00 and 5:00 /km: mean pace 4:30 /km, so 1 km takes 270 s.
        let steps = json!([{"workoutSteps": [paced(step(3, 3, json!(1000.0)), 1000.0 / 300.0, 1000.0 / 240.0)]}]);
        assert_eq!(estimates(json!({}), steps).0, computed(270.0));
    }

    #[test]
    fn skipping_the_last_rest_removes_it_once() {
        let steps = json!([{"workoutSteps": [repeat(6, true, json!([step(3, 2, json!(60.0)), step(4, 2, json!(30.0))]))]}]);
        assert_eq!(estimates(json!({}), steps).0, computed(6.0 * 90.0 - 30.0));
    }

    #[test]
    fn open_ended_steps_leave_the_estimate_unknown() {
        for open in [
            step(2, 1, Value::Null),
            step(3, 10, json!(12.0)),
            step(3, 6, json!(150.0)),
            step(3, 2, Value::Null),
            json!({"type": "RepeatGroupDTO", "smartRepeat": true, "workoutSteps": [step(3, 2, json!(60.0))]}),
        ] {
            let steps = json!([{"workoutSteps": [step(1, 2, json!(600.0)), open.clone()]}]);
            assert_eq!(estimates(json!({}), steps), (None, None), "{open}");
        }
    }

    #[test]
    fn garmins_own_positive_estimate_wins_and_zero_means_none() {
        let steps = json!([{"workoutSteps": [step(1, 2, json!(600.0))]}]);
        let garmin = Some(Estimate { value: 900.0, source: EstimateSource::Garmin });
        assert_eq!(estimates(json!({"estimatedDurationInSecs": 900}), steps.clone()).0, garmin);
        assert_eq!(
            estimates(json!({"estimatedDurationInSecs": 0}), steps.clone()).0,
            computed(600.0)
        );
        assert_eq!(estimates(json!({"estimatedDurationInSecs": 0}), json!([])).0, None);
    }

    #[test]
    fn a_multi_sport_workout_does_not_apply_one_training_speed_to_every_leg() {
        let segments = json!([
            {"sportType": {"sportTypeId": 2}, "workoutSteps": [step(3, 2, json!(1800.0))]},
            {"sportType": {"sportTypeId": 1}, "workoutSteps": [paced(step(3, 3, json!(5000.0)), 4.0, 4.0)]}
        ]);
        let (duration, distance) = estimates(json!({"avgTrainingSpeed": 3.0}), segments);
        assert_eq!(duration, computed(1800.0 + 1250.0));
        assert_eq!(distance, None);
    }
}
