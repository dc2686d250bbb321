//! Steps: executable steps and repeat groups, numbered as Garmin numbers
//! them on create (GARMIN.md §5.3, §5.4).

use serde_json::{Value, json};

use super::Invalid;
use super::fields::{self, Object};
use crate::garmin::catalog::{
    CONDITION_ITERATIONS, CONDITION_REPS, CONDITION_TYPES, EQUIPMENT_TYPES, EXERCISE_CATEGORIES,
    STEP_INTERVAL, STEP_RECOVERY, STEP_REPEAT, STEP_REST, STEP_TYPES, STROKE_TYPES, TARGET_NONE,
    TARGET_TYPES, render_condition,
};

/// The numbering state of one workout's walk: `stepOrder` and group
/// numbers run in pre-order over all segments; step ids are consecutive.
pub(super) struct Walk<'a> {
    pub step_ids: &'a mut i64,
    pub order: i64,
    pub groups: i64,
    /// Whether the current segment is strength training (categories required).
    pub strength: bool,
}

impl Walk<'_> {
    /// The next `stepOrder` and a fresh `stepId`.
    fn next(&mut self) -> (i64, i64) {
        self.order += 1;
        *self.step_ids += 1;
        (self.order, *self.step_ids)
    }
}

/// One step inside group `group` (`None` at top level).
pub(super) fn step(value: &Value, group: Option<i64>, walk: &mut Walk) -> Result<Value, Invalid> {
    let object = value.as_object().ok_or_else(|| Invalid::new("Invalid workout step"))?;
    match object.get("type").and_then(Value::as_str) {
        Some("ExecutableStepDTO") => executable(object, group, walk),
        Some("RepeatGroupDTO") => repeat(object, walk),
        Some(other) => Err(Invalid::new(&format!("Unknown step type: {other}"))),
        None => Err(Invalid::new("Step type is required")),
    }
}

fn executable(object: &Object, group: Option<i64>, walk: &mut Walk) -> Result<Value, Invalid> {
    let (order, id) = walk.next();
    let step_type = fields::entry(&STEP_TYPES, object, "stepType")?
        .filter(|entry| entry.id != STEP_REPEAT)
        .ok_or_else(|| Invalid::field("stepType"))?;
    let end = fields::entry(&CONDITION_TYPES, object, "endCondition")?
        .filter(|entry| entry.id != CONDITION_ITERATIONS)
        .ok_or_else(|| Invalid::field("endCondition"))?;
    let target = fields::entry(&TARGET_TYPES, object, "targetType")?
        .or_else(|| TARGET_TYPES.by_id(TARGET_NONE))
        .ok_or_else(|| Invalid::field("targetType"))?;
    let secondary = fields::entry(&TARGET_TYPES, object, "secondaryTargetType")?;
    let stroke = fields::entry(&STROKE_TYPES, object, "strokeType")?.or(STROKE_TYPES.by_id(0));
    let equipment =
        fields::entry(&EQUIPMENT_TYPES, object, "equipmentType")?.or(EQUIPMENT_TYPES.by_id(0));
    let category = fields::text(object, "category")?;
    let exercise = fields::text(object, "exerciseName")?;
    check_category(walk.strength, step_type.id, end.id, &category, &exercise)?;

    Ok(json!({
        "type": "ExecutableStepDTO",
        "stepId": id,
        "stepOrder": order,
        "stepType": STEP_TYPES.render(step_type),
        "childStepId": group,
        "description": fields::text(object, "description")?,
        "endCondition": render_condition(end),
        "endConditionValue": fields::float(object, "endConditionValue")?,
        "preferredEndConditionUnit": fields::unit_or_null(object, "preferredEndConditionUnit")?,
        "endConditionCompare": fields::scalar(object, "endConditionCompare")?,
        "targetType": TARGET_TYPES.render(target),
        "targetValueOne": fields::float(object, "targetValueOne")?,
        "targetValueTwo": fields::float(object, "targetValueTwo")?,
        "targetValueUnit": fields::scalar(object, "targetValueUnit")?,
        "zoneNumber": fields::int(object, "zoneNumber")?,
        "secondaryTargetType": secondary.map(|entry| TARGET_TYPES.render(entry)),
        "secondaryTargetValueOne": fields::float(object, "secondaryTargetValueOne")?,
        "secondaryTargetValueTwo": fields::float(object, "secondaryTargetValueTwo")?,
        "secondaryTargetValueUnit": fields::scalar(object, "secondaryTargetValueUnit")?,
        "secondaryZoneNumber": fields::int(object, "secondaryZoneNumber")?,
        "endConditionZone": fields::scalar(object, "endConditionZone")?,
        "strokeType": stroke.map(|entry| STROKE_TYPES.render(entry)),
        "equipmentType": equipment.map(|entry| EQUIPMENT_TYPES.render(entry)),
        "category": category,
        "exerciseName": exercise,
        "workoutProvider": null,
        "providerExerciseSourceId": null,
        "weightValue": fields::float(object, "weightValue")?,
        "weightUnit": fields::unit_or_null(object, "weightUnit")?,
    }))
}

/// GARMIN.md §0.1/§5.9: an exercise step of a strength workout needs a
/// valid category; `UNASSIGNED` is refused anywhere. Warm-ups, cool-downs,
/// rests and recoveries without an exercise name need none.
fn check_category(
    strength: bool,
    step_type: i64,
    end: i64,
    category: &Value,
    exercise: &Value,
) -> Result<(), Invalid> {
    if let Some(category) = category.as_str() {
        if !EXERCISE_CATEGORIES.contains(&category) {
            return Err(Invalid::new(&format!("Invalid exercise category: {category}")));
        }
        return Ok(());
    }
    let named = exercise.as_str().is_some_and(|name| !name.is_empty());
    let resting = step_type == STEP_REST || step_type == STEP_RECOVERY;
    let exercise_step = step_type == STEP_INTERVAL || end == CONDITION_REPS || named;
    if strength && exercise_step && !resting {
        return Err(Invalid::new("A valid exercise category is required for strength steps"));
    }
    Ok(())
}

fn repeat(object: &Object, walk: &mut Walk) -> Result<Value, Invalid> {
    let (order, id) = walk.next();
    walk.groups += 1;
    let number = walk.groups;
    let repeat_type = STEP_TYPES.by_id(STEP_REPEAT).ok_or_else(|| Invalid::field("stepType"))?;
    if fields::entry(&STEP_TYPES, object, "stepType")?.is_some_and(|e| e.id != STEP_REPEAT) {
        return Err(Invalid::field("stepType"));
    }
    let iterations = object
        .get("numberOfIterations")
        .and_then(fields::integer)
        .filter(|count| *count >= 1)
        .ok_or_else(|| Invalid::field("numberOfIterations"))?;
    let children = object
        .get("workoutSteps")
        .and_then(Value::as_array)
        .filter(|steps| !steps.is_empty())
        .ok_or_else(|| Invalid::new("A repeat group needs workoutSteps"))?;
    let children = children
        .iter()
        .map(|child| step(child, Some(number), walk))
        .collect::<Result<Vec<_>, _>>()?;
    let iterations_end = CONDITION_TYPES
        .by_id(CONDITION_ITERATIONS)
        .ok_or_else(|| Invalid::field("endCondition"))?;
    let smart = fields::boolean(object, "smartRepeat")?;

    Ok(json!({
        "type": "RepeatGroupDTO",
        "stepId": id,
        "stepOrder": order,
        "stepType": STEP_TYPES.render(repeat_type),
        "childStepId": number,
        "numberOfIterations": iterations,
        "workoutSteps": children,
        "endConditionValue": iterations as f64,
        "preferredEndConditionUnit": null,
        "endConditionCompare": null,
        "endCondition": render_condition(iterations_end),
        "skipLastRestStep": fields::boolean(object, "skipLastRestStep")?,
        "smartRepeat": smart.as_bool().unwrap_or(false),
    }))
}
