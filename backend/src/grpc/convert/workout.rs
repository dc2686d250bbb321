//! The workout model's typed view → `baton.garmin.v1` messages. Garmin's
//! ids are the proto enum numbers, so enums convert by number.

use baton_proto::garmin::v1 as pb;

use super::{optional_timestamp, timestamp};
use crate::{
    domain::CachedWorkout,
    garmin::workout::{
        DistanceUnit, EndCondition, ExecutableStep, Keyed, RepeatGroup, Step, Target, TargetUnit,
        WeightUnit, WorkoutView,
    },
};

pub fn summary(workout: CachedWorkout) -> pb::WorkoutSummary {
    pb::WorkoutSummary {
        id: workout.id.to_string(),
        garmin_workout_id: workout.garmin_workout_id.to_string(),
        name: workout.name,
        description: String::new(),
        sport: workout.sport_id,
        sport_key: workout.sport_key,
        estimated_duration_seconds: workout.estimated_duration_seconds,
        estimated_distance_meters: workout.estimated_distance_meters,
        step_count: workout.step_count,
        update_time: optional_timestamp(workout.garmin_updated_at),
        create_time: optional_timestamp(workout.garmin_created_at),
        sync_time: Some(timestamp(workout.synced_at)),
    }
}

pub fn workout(cached: CachedWorkout, view: WorkoutView) -> pb::Workout {
    let summary = summary(cached);
    let multi_sport = view.is_multi_sport();
    let mut segments: Vec<pb::WorkoutSegment> = view
        .segments
        .into_iter()
        .map(|segment| pb::WorkoutSegment {
            order: count(segment.order),
            sport: segment.sport.kind.id(),
            sport_key: segment.sport.key,
            steps: steps(segment.steps),
        })
        .collect();
    let steps = if multi_sport {
        Vec::new()
    } else {
        segments.drain(..).flat_map(|segment| segment.steps).collect()
    };
    pb::Workout {
        id: summary.id,
        garmin_workout_id: summary.garmin_workout_id,
        name: view.name,
        description: view.description,
        sport: view.sport.kind.id(),
        sport_key: view.sport.key,
        estimated_duration_seconds: summary.estimated_duration_seconds,
        estimated_distance_meters: summary.estimated_distance_meters,
        step_count: summary.step_count,
        update_time: summary.update_time,
        create_time: summary.create_time,
        sync_time: summary.sync_time,
        steps,
        segments,
        pool_length: view.pool.as_ref().map(|pool| pool.length),
        pool_length_unit: view.pool.map_or(0, |pool| distance_unit(pool.unit) as i32),
        avg_training_speed: view.avg_training_speed,
    }
}

fn steps(steps: Vec<Step>) -> Vec<pb::WorkoutStep> {
    steps
        .into_iter()
        .map(|step| pb::WorkoutStep {
            kind: Some(match step {
                Step::Executable(step) => pb::workout_step::Kind::Step(executable(step)),
                Step::Repeat(group) => pb::workout_step::Kind::Repeat(repeat(group)),
            }),
        })
        .collect()
}

fn repeat(group: RepeatGroup) -> pb::RepeatGroup {
    pb::RepeatGroup {
        order: count(group.order),
        iterations: count(group.iterations),
        skip_last_rest: group.skip_last_rest,
        repeat_until_lap_button: group.repeat_until_lap_button,
        steps: steps(group.steps),
    }
}

fn executable(step: ExecutableStep) -> pb::ExecutableStep {
    let (weight_kilograms, weight_unit) = match step.weight {
        Some(weight) => (Some(weight.kilograms), weight_unit(weight.unit) as i32),
        None => (None, 0),
    };
    pb::ExecutableStep {
        order: count(step.order),
        r#type: step.step_type.kind.id(),
        type_key: step.step_type.key,
        notes: step.notes,
        end_condition: Some(end_condition(step.end_condition)),
        target: step.target.map(target),
        secondary_target: step.secondary_target.map(target),
        stroke: step.stroke.kind.id(),
        equipment: step.equipment.kind.id(),
        drill: step.drill.kind.id(),
        exercise_category: step.exercise_category.unwrap_or_default(),
        exercise_name: step.exercise_name.unwrap_or_default(),
        weight_kilograms,
        weight_unit,
    }
}

fn end_condition(condition: EndCondition) -> pb::EndCondition {
    use crate::garmin::workout::ConditionComparison as C;
    pb::EndCondition {
        r#type: condition.condition_type.kind.id(),
        key: condition.condition_type.key,
        value: condition.value,
        compare: match condition.compare {
            C::GreaterThan => pb::ConditionComparison::GreaterThan as i32,
            C::LessThan => pb::ConditionComparison::LessThan as i32,
            C::Unspecified => 0,
        },
        zone_number: condition.zone_number,
        preferred_unit: distance_unit(condition.preferred_unit) as i32,
    }
}

fn target(target: Target) -> pb::Target {
    let (value_unit, value_unit_key) = match target.unit {
        TargetUnit::Native => (pb::TargetValueUnit::Unspecified, String::new()),
        TargetUnit::PercentFtp => (pb::TargetValueUnit::PercentFtp, String::new()),
        TargetUnit::Other(key) => (pb::TargetValueUnit::Other, key),
    };
    let Keyed { kind, key } = target.target_type;
    pb::Target {
        r#type: kind.id(),
        key,
        zone_number: target.zone_number,
        low: target.low,
        high: target.high,
        value_unit: value_unit as i32,
        value_unit_key,
    }
}

fn distance_unit(unit: DistanceUnit) -> pb::DistanceUnit {
    match unit {
        DistanceUnit::Meter => pb::DistanceUnit::Meter,
        DistanceUnit::Kilometer => pb::DistanceUnit::Kilometer,
        DistanceUnit::Mile => pb::DistanceUnit::Mile,
        DistanceUnit::Yard => pb::DistanceUnit::Yard,
        DistanceUnit::Unspecified => pb::DistanceUnit::Unspecified,
    }
}

fn weight_unit(unit: WeightUnit) -> pb::WeightUnit {
    match unit {
        WeightUnit::Kilogram => pb::WeightUnit::Kilogram,
        WeightUnit::Pound => pb::WeightUnit::Pound,
        WeightUnit::Unspecified => pb::WeightUnit::Unspecified,
    }
}

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
