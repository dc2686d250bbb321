//! `GET /workout-service/workout/types`: the id tables of GARMIN.md §5.6.

use axum::Json;
use serde_json::{Value, json};

use super::Caller;
use crate::garmin::catalog::{
    CONDITION_TYPES, DRILL_TYPES, EQUIPMENT_TYPES, INTENSITY_TYPES, SPORT_TYPES, STEP_TYPES,
    STROKE_TYPES, TARGET_TYPES, render_condition,
};

pub(crate) async fn catalogue(_caller: Caller) -> Json<Value> {
    let conditions: Vec<Value> =
        CONDITION_TYPES.entries.iter().map(|entry| render_condition(*entry)).collect();
    Json(json!({
        "workoutStepTypes": STEP_TYPES.render_all(),
        "workoutSportTypes": SPORT_TYPES.render_all(),
        "workoutConditionTypes": conditions,
        "workoutIntensityTypes": INTENSITY_TYPES.render_all(),
        "workoutTargetTypes": TARGET_TYPES.render_all(),
        "workoutEquipmentTypes": EQUIPMENT_TYPES.render_all(),
        "workoutStrokeTypes": STROKE_TYPES.render_all(),
        "workoutSwimInstructionTypes": [],
        "workoutDrillTypes": DRILL_TYPES.render_all(),
    }))
}
