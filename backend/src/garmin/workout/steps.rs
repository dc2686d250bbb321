//! Steps: executable steps (`ExecutableStepDTO`) and repeat groups
//! (`RepeatGroupDTO`, which nest), with their end conditions.

use serde::Serialize;
use serde_json::Value;

use super::fields::{
    array, boolean, field, keyed, non_empty_text, number, positive_i32, positive_u32, text,
    unit_parts,
};
use super::ids::{
    ConditionComparison, DistanceUnit, DrillType, EndConditionType, EquipmentType, Keyed, StepType,
    StrokeType,
};
use super::strength::{Weight, weight};
use super::targets::{Slot, Target, target};

/// One entry of a step list.
// Most steps are executable, so boxing them would add an allocation per
// step without making a step list any smaller.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// A step the athlete performs.
    Executable(ExecutableStep),
    /// Steps repeated a number of times.
    Repeat(RepeatGroup),
}

/// Steps repeated a number of times (Garmin's `RepeatGroupDTO`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepeatGroup {
    /// Garmin's `stepOrder` (pre-order over the whole workout, 1-based), or
    /// the position in pre-order when Garmin has none. For display only.
    pub order: u32,
    /// `numberOfIterations` (else `endConditionValue`), at least 1.
    pub iterations: u32,
    /// `skipLastRestStep`: the last iteration's final rest/recovery step is
    /// skipped.
    pub skip_last_rest: bool,
    /// `smartRepeat`: repeat until the lap button rather than a count.
    pub repeat_until_lap_button: bool,
    /// The repeated steps, possibly further groups.
    pub steps: Vec<Step>,
}

/// A step the athlete performs (Garmin's `ExecutableStepDTO`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutableStep {
    /// As [`RepeatGroup::order`].
    pub order: u32,
    /// Warm-up, interval, rest, …
    pub step_type: Keyed<StepType>,
    /// The step's `description`: the note shown on the watch; may be empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// What ends the step.
    pub end_condition: EndCondition,
    /// Main target; `None` when Garmin has no target type at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Second target (e.g. cadence with power).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary_target: Option<Target>,
    /// Swimming: stroke (Garmin's 0, "none", is `Unspecified`).
    #[serde(skip_serializing_if = "Keyed::is_unspecified")]
    pub stroke: Keyed<StrokeType>,
    /// Swimming: equipment.
    #[serde(skip_serializing_if = "Keyed::is_unspecified")]
    pub equipment: Keyed<EquipmentType>,
    /// Swimming: drill.
    #[serde(skip_serializing_if = "Keyed::is_unspecified")]
    pub drill: Keyed<DrillType>,
    /// Strength: Garmin's `category`, e.g. "BENCH_PRESS".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exercise_category: Option<String>,
    /// Strength: Garmin's `exerciseName`, e.g. "BARBELL_BENCH_PRESS".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exercise_name: Option<String>,
    /// Strength: the load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<Weight>,
}

/// What ends a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndCondition {
    /// Time, distance, lap button, reps, …
    pub condition_type: Keyed<EndConditionType>,
    /// `endConditionValue` in the type's unit (seconds, metres, kcal, watts,
    /// bpm, count); `None` for the lap button or when Garmin has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Heart-rate and power conditions: which side of `value` ends the step.
    #[serde(skip_serializing_if = "ConditionComparison::is_unspecified")]
    pub compare: ConditionComparison,
    /// Heart-rate and power conditions: a zone instead of a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_number: Option<i32>,
    /// Distance conditions: the unit the coach chose for display.
    #[serde(skip_serializing_if = "DistanceUnit::is_unspecified")]
    pub preferred_unit: DistanceUnit,
}

impl Step {
    /// Garmin's (or the pre-order) position of this step.
    pub fn order(&self) -> u32 {
        match self {
            Self::Executable(step) => step.order,
            Self::Repeat(group) => group.order,
        }
    }
}

/// Counts executable steps, each step inside a repeat group once.
pub fn count_executable(steps: &[Step]) -> u32 {
    steps
        .iter()
        .map(|step| match step {
            Step::Executable(_) => 1,
            Step::Repeat(group) => count_executable(&group.steps),
        })
        .fold(0u32, u32::saturating_add)
}

/// Reads a `workoutSteps` array. `position` is the pre-order counter shared
/// across segments (Garmin's `stepOrder` continues across them). Entries
/// that are not objects are skipped. Recursion follows the JSON nesting,
/// which `GarminWorkout` bounds.
pub(super) fn steps(items: &[Value], position: &mut u32) -> Vec<Step> {
    items.iter().filter(|item| item.is_object()).map(|item| step(item, position)).collect()
}

fn step(item: &Value, position: &mut u32) -> Step {
    *position = position.saturating_add(1);
    let order = positive_u32(field(item, "stepOrder")).unwrap_or(*position);
    if is_repeat(item) {
        let iterations = positive_u32(field(item, "numberOfIterations"))
            .or_else(|| positive_u32(field(item, "endConditionValue")))
            .unwrap_or(1);
        Step::Repeat(RepeatGroup {
            order,
            iterations,
            skip_last_rest: boolean(field(item, "skipLastRestStep")).unwrap_or(false),
            repeat_until_lap_button: boolean(field(item, "smartRepeat")).unwrap_or(false),
            steps: steps(array(field(item, "workoutSteps")), position),
        })
    } else {
        Step::Executable(executable(item, order))
    }
}

fn is_repeat(item: &Value) -> bool {
    match text(field(item, "type")) {
        Some("RepeatGroupDTO") => true,
        Some("ExecutableStepDTO") => false,
        // No or an unknown discriminator: judge by shape.
        _ => field(item, "workoutSteps").is_some_and(Value::is_array),
    }
}

fn executable(item: &Value, order: u32) -> ExecutableStep {
    ExecutableStep {
        order,
        step_type: keyed(field(item, "stepType"), "stepTypeId", "stepTypeKey"),
        notes: text(field(item, "description")).unwrap_or_default().to_owned(),
        end_condition: end_condition(item),
        target: target(item, Slot::Primary),
        secondary_target: target(item, Slot::Secondary),
        stroke: keyed(field(item, "strokeType"), "strokeTypeId", "strokeTypeKey"),
        equipment: keyed(field(item, "equipmentType"), "equipmentTypeId", "equipmentTypeKey"),
        drill: keyed(field(item, "drillType"), "drillTypeId", "drillTypeKey"),
        exercise_category: non_empty_text(field(item, "category")).map(str::to_owned),
        exercise_name: non_empty_text(field(item, "exerciseName")).map(str::to_owned),
        weight: weight(item),
    }
}

fn end_condition(item: &Value) -> EndCondition {
    let condition_type: Keyed<EndConditionType> =
        keyed(field(item, "endCondition"), "conditionTypeId", "conditionTypeKey");
    let value = match condition_type.kind {
        EndConditionType::LapButton => None,
        _ => number(field(item, "endConditionValue")),
    };
    let (id, key, factor) = unit_parts(field(item, "preferredEndConditionUnit"));
    EndCondition {
        value,
        compare: text(field(item, "endConditionCompare"))
            .map_or(ConditionComparison::Unspecified, ConditionComparison::from_garmin),
        zone_number: positive_i32(field(item, "endConditionZone")),
        preferred_unit: DistanceUnit::from_garmin(id, key, factor),
        condition_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_groups_are_read_and_numbered_in_pre_order_when_garmin_has_no_order() {
        let items = json!([
            {"type": "ExecutableStepDTO", "stepType": {"stepTypeId": 1}},
            {"type": "RepeatGroupDTO", "numberOfIterations": 2, "workoutSteps": [
                {"workoutSteps": [{"stepType": {"stepTypeId": 3}}], "endConditionValue": 3.0},
                {"type": "ExecutableStepDTO", "stepType": {"stepTypeId": 4}}
            ]},
            "not a step",
            {"type": "ExecutableStepDTO", "stepOrder": 9, "stepType": {"stepTypeId": 2}}
        ]);
        let mut position = 0;
        let parsed = steps(array(Some(&items)), &mut position);
        assert_eq!(parsed.iter().map(Step::order).collect::<Vec<_>>(), vec![1, 2, 9]);
        let Step::Repeat(outer) = &parsed[1] else { panic!("expected a repeat") };
        assert_eq!((outer.iterations, outer.steps.len()), (2, 2));
        let Step::Repeat(inner) = &outer.steps[0] else { panic!("expected a nested repeat") };
        assert_eq!((inner.order, inner.iterations), (3, 3));
        assert_eq!(outer.steps[1].order(), 5);
        assert_eq!(count_executable(&parsed), 4);
    }

    #[test]
    fn end_conditions_keep_value_unit_compare_and_zone() {
        let step = executable(
            &json!({
                "endCondition": {"conditionTypeId": 6, "conditionTypeKey": "heart.rate"},
                "endConditionValue": 130.0, "endConditionCompare": "lt", "endConditionZone": null,
                "preferredEndConditionUnit": {"unitKey": "kilometer"}
            }),
            1,
        );
        let end = step.end_condition;
        assert_eq!(
            (end.condition_type.kind, end.value),
            (EndConditionType::HeartRate, Some(130.0))
        );
        assert_eq!(
            (end.compare, end.preferred_unit),
            (ConditionComparison::LessThan, DistanceUnit::Kilometer)
        );
        let lap = executable(
            &json!({"endCondition": {"conditionTypeId": 1}, "endConditionValue": 0.0}),
            1,
        );
        assert_eq!(lap.end_condition.value, None);
        assert_eq!(lap.end_condition.condition_type.key, "lap.button");
    }

    #[test]
    fn a_step_of_wrong_types_reads_as_empty() {
        let step = executable(
            &json!({"stepType": "sprint", "description": 5, "endCondition": [], "strokeType": {"strokeTypeId": 0,
                "strokeTypeKey": null}, "category": "", "exerciseName": "  ", "weightValue": "x"}),
            1,
        );
        assert_eq!(
            (step.step_type.kind, step.step_type.key.as_str()),
            (StepType::Unspecified, "sprint")
        );
        assert_eq!(step.notes, "");
        assert_eq!(step.end_condition.condition_type.kind, EndConditionType::Unspecified);
        assert_eq!(step.stroke, Keyed::default());
        assert_eq!((step.exercise_category, step.exercise_name, step.weight), (None, None, None));
    }
}
