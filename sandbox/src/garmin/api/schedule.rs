//! `/workout-service/schedule/…` (GARMIN.md §4.3): putting a workout on
//! the calendar. Not idempotent: every POST makes a new entry (§0.1).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{ApiError, Caller, json_body, no_content, path_id};
use crate::garmin::state::{Sandbox, ScheduleRecord, State as Mutable, garmin_time};

/// The schedule as POST and GET answer it.
pub(crate) fn render(state: &Mutable, schedule: &ScheduleRecord) -> Value {
    let workout = state.workouts.get(&schedule.workout_id).map(|record| record.json.clone());
    json!({
        "workoutScheduleId": schedule.id,
        "workout": workout,
        "calendarDate": schedule.date.format("%Y-%m-%d").to_string(),
        "createdDate": garmin_time(schedule.created_ms),
        "ownerId": schedule.owner,
    })
}

/// The caller's workout `workout_id`, or why not.
fn check_own_workout(state: &Mutable, owner: i64, workout_id: i64) -> Result<(), ApiError> {
    match state.workouts.get(&workout_id) {
        None => Err(ApiError::NotFound),
        Some(record) if record.owner != owner => Err(ApiError::foreign(state.quirks.foreign)),
        Some(_) => Ok(()),
    }
}

/// `POST /workout-service/schedule/{workoutId}` with `{"date": "YYYY-MM-DD"}`.
pub(crate) async fn create(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let workout_id = path_id(&raw_id)?;
    let input = json_body(&headers, &body)?;
    let date = input
        .get("date")
        .and_then(Value::as_str)
        .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
        .ok_or_else(|| ApiError::bad_request("date must be YYYY-MM-DD"))?;
    let mut state = sandbox.lock();
    check_own_workout(&state, owner, workout_id)?;
    let schedule = ScheduleRecord {
        id: state.ids.schedule(),
        workout_id,
        owner,
        date,
        created_ms: state.now_ms(),
    };
    let body = render(&state, &schedule);
    state.schedules.insert(schedule.id, schedule);
    Ok(Json(body))
}

fn own_schedule(state: &Mutable, owner: i64, raw_id: &str) -> Result<ScheduleRecord, ApiError> {
    let id = path_id(raw_id)?;
    match state.schedules.get(&id) {
        None => Err(ApiError::NotFound),
        Some(schedule) if schedule.owner != owner => Err(ApiError::foreign(state.quirks.foreign)),
        Some(schedule) => Ok(schedule.clone()),
    }
}

/// `GET /workout-service/schedule/{workoutScheduleId}`.
pub(crate) async fn get(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    Path(raw_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let state = sandbox.lock();
    let schedule = own_schedule(&state, owner, &raw_id)?;
    Ok(Json(render(&state, &schedule)))
}

/// `DELETE /workout-service/schedule/{workoutScheduleId}`: removes the
/// calendar entry only; the workout stays.
pub(crate) async fn delete(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    Path(raw_id): Path<String>,
) -> Result<Response, ApiError> {
    let mut state = sandbox.lock();
    let schedule = own_schedule(&state, owner, &raw_id)?;
    state.schedules.remove(&schedule.id);
    Ok(no_content())
}

/// `GET /workout-service/workouts/{workoutId}/scheduled`: a workout's entries.
pub(crate) async fn of_workout(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    Path(raw_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let workout_id = path_id(&raw_id)?;
    let state = sandbox.lock();
    check_own_workout(&state, owner, workout_id)?;
    let entries: Vec<Value> = state
        .schedules
        .values()
        .filter(|schedule| schedule.workout_id == workout_id)
        .map(|schedule| render(&state, schedule))
        .collect();
    Ok(Json(Value::Array(entries)))
}
