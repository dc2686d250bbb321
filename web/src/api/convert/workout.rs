//! A workout with its steps, as the workout page reads it: repeats that
//! nest, what ends each step, what it aims at, and the swim and strength
//! details. Values stay SI as the API sends them (seconds, metres, m/s,
//! watts, bpm, kg); the page converts for display.

use baton_proto::garmin::v1 as pb;

use super::{Millis, Sport, millis};

/// A workout and everything in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Workout {
    pub id: String,
    pub name: String,
    pub description: String,
    pub sport: Sport,
    pub sport_key: String,
    /// Garmin's estimate, in seconds.
    pub duration: Option<i32>,
    /// Garmin's estimate, in metres.
    pub distance: Option<f64>,
    pub step_count: i32,
    pub updated: Millis,
    /// The steps of a single-sport workout; empty for multisport.
    pub steps: Vec<Step>,
    /// The legs of a multisport workout; empty otherwise.
    pub segments: Vec<Segment>,
    pub pool: Option<Pool>,
    /// Garmin's `avgTrainingSpeed` in m/s, for estimates.
    pub avg_speed: Option<f64>,
}

/// One leg of a multisport workout.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub order: i32,
    pub sport: Sport,
    pub sport_key: String,
    pub steps: Vec<Step>,
}

/// A swimming pool's length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pool {
    pub length: f64,
    pub unit: DistanceUnit,
}

/// An entry of a step list.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Single(Box<SingleStep>),
    Repeat(Repeat),
}

/// Steps done `iterations` times; repeats nest.
#[derive(Clone, Debug, PartialEq)]
pub struct Repeat {
    pub iterations: i32,
    /// The last rest of the last round is skipped.
    pub skip_last_rest: bool,
    /// Repeat until the lap button rather than a count.
    pub until_lap_button: bool,
    pub steps: Vec<Step>,
}

/// A step the athlete performs.
#[derive(Clone, Debug, PartialEq)]
pub struct SingleStep {
    pub kind: StepKind,
    /// Garmin's key, for kinds Baton has no name for.
    pub kind_key: String,
    /// The note shown on the watch.
    pub notes: String,
    pub end: End,
    pub target: Option<Target>,
    pub secondary_target: Option<Target>,
    pub stroke: Option<Stroke>,
    pub equipment: Option<Equipment>,
    pub drill: Option<Drill>,
    pub exercise: Option<Exercise>,
}

#[cfg(test)]
impl SingleStep {
    /// A step with only a kind, an end and a target: what tests of the
    /// text and the chart build their workouts from.
    pub fn plain(kind: StepKind, end: End, target: Option<Target>) -> Self {
        Self {
            kind,
            kind_key: String::new(),
            notes: String::new(),
            end,
            target,
            secondary_target: None,
            stroke: None,
            equipment: None,
            drill: None,
            exercise: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Warmup,
    Cooldown,
    Interval,
    Recovery,
    Rest,
    Main,
    Other,
}

/// What ends a step.
#[derive(Clone, Debug, PartialEq)]
pub enum End {
    LapButton,
    Time {
        seconds: f64,
    },
    Distance {
        meters: f64,
        unit: DistanceUnit,
    },
    Calories {
        kcal: f64,
    },
    HeartRate {
        compare: Compare,
        bpm: Option<f64>,
        zone: Option<i32>,
    },
    Power {
        compare: Compare,
        watts: Option<f64>,
        zone: Option<i32>,
    },
    Reps {
        count: f64,
    },
    /// Swim: a fixed rest, in seconds.
    FixedRest {
        seconds: f64,
    },
    /// An end Baton has no words for: Garmin's key and value.
    Other {
        key: String,
        value: Option<f64>,
    },
}

/// Which side of a heart-rate or power value ends the step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    Above,
    Below,
    Unspecified,
}

/// What the athlete holds during a step.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub kind: TargetKind,
    /// Garmin's key, for kinds Baton has no words for.
    pub key: String,
    /// The athlete's own zone instead of a range.
    pub zone: Option<i32>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub unit: TargetUnit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// Watts (or % FTP, see [`TargetUnit`]).
    Power,
    /// rpm or steps per minute.
    Cadence,
    /// Beats per minute.
    HeartRate,
    /// m/s, shown as speed.
    Speed,
    /// m/s, shown as pace; `low` is the slower.
    Pace,
    /// Percent gradient.
    Grade,
    Other,
}

/// The unit of a target's values when it is not the kind's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetUnit {
    Native,
    PercentFtp,
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    Any,
    Backstroke,
    Breaststroke,
    Drill,
    Fly,
    Free,
    IndividualMedley,
    Mixed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Equipment {
    Fins,
    Kickboard,
    Paddles,
    PullBuoy,
    Snorkel,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drill {
    Kick,
    Pull,
    /// Garmin's plain "drill".
    Technique,
}

/// A strength exercise.
#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    /// Garmin's category, e.g. `BENCH_PRESS`.
    pub category: String,
    /// Garmin's exercise name, e.g. `BARBELL_BENCH_PRESS`; may be empty.
    pub name: String,
    pub weight_kg: Option<f64>,
    /// The unit the coach chose for the load.
    pub weight_unit: WeightUnit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DistanceUnit {
    Unspecified,
    Meter,
    Kilometer,
    Mile,
    Yard,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightUnit {
    Unspecified,
    Kilogram,
    Pound,
}

impl From<pb::Workout> for Workout {
    fn from(w: pb::Workout) -> Self {
        let pool =
            w.pool_length.map(|length| Pool { length, unit: distance_unit(w.pool_length_unit) });
        Self {
            id: w.id,
            name: w.name,
            description: w.description,
            sport: Sport::from_pb(w.sport),
            sport_key: w.sport_key,
            duration: w.estimated_duration_seconds,
            distance: w.estimated_distance_meters,
            step_count: w.step_count,
            updated: millis(w.update_time),
            steps: steps(w.steps),
            segments: w
                .segments
                .into_iter()
                .map(|s| Segment {
                    order: s.order,
                    sport: Sport::from_pb(s.sport),
                    sport_key: s.sport_key,
                    steps: steps(s.steps),
                })
                .collect(),
            pool,
            avg_speed: w.avg_training_speed,
        }
    }
}

fn steps(list: Vec<pb::WorkoutStep>) -> Vec<Step> {
    list.into_iter()
        .filter_map(|step| match step.kind? {
            pb::workout_step::Kind::Step(single) => {
                Some(Step::Single(Box::new(single_step(single))))
            }
            pb::workout_step::Kind::Repeat(group) => Some(Step::Repeat(Repeat {
                iterations: group.iterations.max(1),
                skip_last_rest: group.skip_last_rest,
                until_lap_button: group.repeat_until_lap_button,
                steps: steps(group.steps),
            })),
        })
        .collect()
}

fn single_step(step: pb::ExecutableStep) -> SingleStep {
    use pb::StepType as T;
    let kind = match T::try_from(step.r#type) {
        Ok(T::Warmup) => StepKind::Warmup,
        Ok(T::Cooldown) => StepKind::Cooldown,
        Ok(T::Interval) => StepKind::Interval,
        Ok(T::Recovery) => StepKind::Recovery,
        Ok(T::Rest) => StepKind::Rest,
        Ok(T::Main) => StepKind::Main,
        _ => StepKind::Other,
    };
    let exercise =
        (!step.exercise_category.is_empty() || !step.exercise_name.is_empty()).then(|| Exercise {
            category: step.exercise_category,
            name: step.exercise_name,
            weight_kg: step.weight_kilograms,
            weight_unit: match pb::WeightUnit::try_from(step.weight_unit) {
                Ok(pb::WeightUnit::Kilogram) => WeightUnit::Kilogram,
                Ok(pb::WeightUnit::Pound) => WeightUnit::Pound,
                _ => WeightUnit::Unspecified,
            },
        });
    SingleStep {
        kind,
        kind_key: step.type_key,
        notes: step.notes,
        end: step.end_condition.map_or(End::LapButton, end),
        target: step.target.and_then(target),
        secondary_target: step.secondary_target.and_then(target),
        stroke: stroke(step.stroke),
        equipment: equipment(step.equipment),
        drill: drill(step.drill),
        exercise,
    }
}

fn end(condition: pb::EndCondition) -> End {
    use pb::EndConditionType as E;
    let compare = match pb::ConditionComparison::try_from(condition.compare) {
        Ok(pb::ConditionComparison::GreaterThan) => Compare::Above,
        Ok(pb::ConditionComparison::LessThan) => Compare::Below,
        _ => Compare::Unspecified,
    };
    let value = condition.value;
    match (E::try_from(condition.r#type), value) {
        (Ok(E::LapButton), _) => End::LapButton,
        (Ok(E::Time), Some(seconds)) => End::Time { seconds },
        (Ok(E::Distance), Some(meters)) => {
            End::Distance { meters, unit: distance_unit(condition.preferred_unit) }
        }
        (Ok(E::Calories), Some(kcal)) => End::Calories { kcal },
        (Ok(E::HeartRate), _) => {
            End::HeartRate { compare, bpm: value, zone: condition.zone_number }
        }
        (Ok(E::Power), _) => End::Power { compare, watts: value, zone: condition.zone_number },
        (Ok(E::Reps), Some(count)) => End::Reps { count },
        (Ok(E::FixedRest), Some(seconds)) => End::FixedRest { seconds },
        _ => End::Other { key: condition.key, value },
    }
}

/// `None` for "no target".
fn target(target: pb::Target) -> Option<Target> {
    use pb::TargetType as T;
    let kind = match T::try_from(target.r#type) {
        Ok(T::Unspecified | T::NoTarget) | Err(_) if target.key.is_empty() => return None,
        Ok(T::NoTarget) => return None,
        Ok(T::Power | T::PowerLap | T::Power3s | T::Power10s | T::Power30s) => TargetKind::Power,
        Ok(T::Cadence) => TargetKind::Cadence,
        Ok(T::HeartRate | T::HeartRateLap) => TargetKind::HeartRate,
        Ok(T::Speed | T::SpeedLap) => TargetKind::Speed,
        Ok(T::Pace) => TargetKind::Pace,
        Ok(T::Grade) => TargetKind::Grade,
        _ => TargetKind::Other,
    };
    let unit = match pb::TargetValueUnit::try_from(target.value_unit) {
        Ok(pb::TargetValueUnit::PercentFtp) => TargetUnit::PercentFtp,
        Ok(pb::TargetValueUnit::Other) => TargetUnit::Other(target.value_unit_key),
        _ => TargetUnit::Native,
    };
    Some(Target {
        kind,
        key: target.key,
        zone: target.zone_number,
        low: target.low,
        high: target.high,
        unit,
    })
}

fn distance_unit(raw: i32) -> DistanceUnit {
    match pb::DistanceUnit::try_from(raw) {
        Ok(pb::DistanceUnit::Meter) => DistanceUnit::Meter,
        Ok(pb::DistanceUnit::Kilometer) => DistanceUnit::Kilometer,
        Ok(pb::DistanceUnit::Mile) => DistanceUnit::Mile,
        Ok(pb::DistanceUnit::Yard) => DistanceUnit::Yard,
        _ => DistanceUnit::Unspecified,
    }
}

fn stroke(raw: i32) -> Option<Stroke> {
    use pb::StrokeType as S;
    Some(match S::try_from(raw).ok()? {
        S::AnyStroke => Stroke::Any,
        S::Backstroke => Stroke::Backstroke,
        S::Breaststroke => Stroke::Breaststroke,
        S::Drill => Stroke::Drill,
        S::Fly => Stroke::Fly,
        S::Free => Stroke::Free,
        S::IndividualMedley | S::IndividualMedleyByRound | S::ReverseIndividualMedleyByRound => {
            Stroke::IndividualMedley
        }
        S::Mixed => Stroke::Mixed,
        S::Unspecified => return None,
    })
}

fn equipment(raw: i32) -> Option<Equipment> {
    use pb::EquipmentType as E;
    Some(match E::try_from(raw).ok()? {
        E::Fins => Equipment::Fins,
        E::Kickboard => Equipment::Kickboard,
        E::Paddles => Equipment::Paddles,
        E::PullBuoy => Equipment::PullBuoy,
        E::Snorkel => Equipment::Snorkel,
        E::Unspecified => return None,
    })
}

fn drill(raw: i32) -> Option<Drill> {
    use pb::DrillType as D;
    Some(match D::try_from(raw).ok()? {
        D::Kick => Drill::Kick,
        D::Pull => Drill::Pull,
        D::Drill => Drill::Technique,
        D::Unspecified => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn executable(end: pb::EndCondition, target: Option<pb::Target>) -> pb::WorkoutStep {
        pb::WorkoutStep {
            kind: Some(pb::workout_step::Kind::Step(pb::ExecutableStep {
                r#type: pb::StepType::Interval as i32,
                end_condition: Some(end),
                target,
                ..Default::default()
            })),
        }
    }

    #[test]
    fn nested_repeats_keep_their_steps_in_order() {
        let distance = pb::EndCondition {
            r#type: pb::EndConditionType::Distance as i32,
            value: Some(400.0),
            ..Default::default()
        };
        let inner = pb::WorkoutStep {
            kind: Some(pb::workout_step::Kind::Repeat(pb::RepeatGroup {
                iterations: 4,
                steps: vec![executable(distance, None)],
                ..Default::default()
            })),
        };
        let outer = pb::WorkoutStep {
            kind: Some(pb::workout_step::Kind::Repeat(pb::RepeatGroup {
                iterations: 3,
                skip_last_rest: true,
                steps: vec![inner],
                ..Default::default()
            })),
        };
        let workout = Workout::from(pb::Workout { steps: vec![outer], ..Default::default() });
        let [Step::Repeat(outer)] = workout.steps.as_slice() else { panic!("one repeat") };
        assert_eq!((outer.iterations, outer.skip_last_rest), (3, true));
        let [Step::Repeat(inner)] = outer.steps.as_slice() else { panic!("a nested repeat") };
        let [Step::Single(step)] = inner.steps.as_slice() else { panic!("one step") };
        assert_eq!(step.end, End::Distance { meters: 400.0, unit: DistanceUnit::Unspecified });
        assert_eq!(step.target, None);
    }

    #[test]
    fn no_target_is_none_and_percent_ftp_is_kept() {
        let no_target = pb::Target {
            r#type: pb::TargetType::NoTarget as i32,
            key: "no.target".into(),
            ..Default::default()
        };
        assert_eq!(target(no_target), None);
        let ftp = pb::Target {
            r#type: pb::TargetType::Power as i32,
            low: Some(88.0),
            high: Some(94.0),
            value_unit: pb::TargetValueUnit::PercentFtp as i32,
            ..Default::default()
        };
        let ftp = target(ftp).unwrap();
        assert_eq!((ftp.kind, ftp.unit), (TargetKind::Power, TargetUnit::PercentFtp));
    }

    #[test]
    fn an_end_without_its_value_keeps_garmins_key() {
        let end_without = pb::EndCondition {
            r#type: pb::EndConditionType::Time as i32,
            key: "time".into(),
            ..Default::default()
        };
        assert_eq!(end(end_without), End::Other { key: "time".into(), value: None });
    }
}
