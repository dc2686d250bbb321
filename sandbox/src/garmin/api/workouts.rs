//! `/workout-service/workouts` and `/workout-service/workout/{id}`
//! (GARMIN.md §4.2).
//!
//! The list holds summaries: the detail minus its steps (`workoutSegments:
//! null`), with the update date as both `updatedDate` and `updateDate`
//! (strings, or epoch milliseconds by [`crate::garmin::ListDates`]); `start`
//! is an offset (0-based unless [`crate::garmin::PagingBase::OneBased`]),
//! there is no total, and a page is never longer than `limit`. Create
//! answers the normalised workout (§5.4); PUT and DELETE answer 204; a
//! deleted workout's calendar entries go with it.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::{ApiError, Caller, json_body, no_content, path_id};
use crate::garmin::config::{ListDates, PagingBase};
use crate::garmin::state::{Sandbox, State as Mutable, WorkoutRecord};

/// Page size when the request names none.
const DEFAULT_LIMIT: usize = 20;

/// The list query, checked.
struct ListQuery {
    start: usize,
    limit: usize,
    shared_only: bool,
    order_by: OrderBy,
    descending: bool,
    sport: Option<String>,
}

#[derive(Clone, Copy)]
enum OrderBy {
    Name,
    Updated,
    Created,
}

impl ListQuery {
    fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
        let get = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, v)| v.as_str());
        let number = |name: &str, default: usize| match get(name) {
            None => Ok(default),
            Some(value) => value
                .parse::<usize>()
                .map_err(|_| ApiError::bad_request(&format!("Invalid {name}"))),
        };
        let flag = |name: &str| match get(name) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(ApiError::bad_request(&format!("Invalid {name}"))),
        };
        let order_by = match get("orderBy") {
            None | Some("UPDATE_DATE") => OrderBy::Updated,
            Some("WORKOUT_NAME") => OrderBy::Name,
            Some("CREATED_DATE") => OrderBy::Created,
            Some(_) => return Err(ApiError::bad_request("Invalid orderBy")),
        };
        let descending = match get("orderSeq") {
            None => !matches!(order_by, OrderBy::Name),
            Some("DESC") => true,
            Some("ASC") => false,
            Some(_) => return Err(ApiError::bad_request("Invalid orderSeq")),
        };
        flag("myWorkoutsOnly")?;
        flag("includeAtp")?;
        Ok(Self {
            start: number("start", 0)?,
            limit: number("limit", DEFAULT_LIMIT)?,
            shared_only: flag("sharedWorkoutsOnly")?,
            order_by,
            descending,
            sport: get("sportTypeKey").map(str::to_owned),
        })
    }
}

/// `GET /workout-service/workouts`.
pub(crate) async fn list(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = ListQuery::parse(raw.as_deref())?;
    let state = sandbox.lock();
    // Nothing is ever shared with anyone in the stand-in.
    if query.shared_only {
        return Ok(Json(json!([])));
    }
    let mut own: Vec<(&i64, &WorkoutRecord)> = state
        .workouts
        .iter()
        .filter(|(_, record)| record.owner == owner)
        .filter(|(_, record)| {
            query.sport.as_deref().is_none_or(|key| record.json["sportType"]["sportTypeKey"] == key)
        })
        .collect();
    own.sort_by(|(a_id, a), (b_id, b)| {
        let order = match query.order_by {
            OrderBy::Name => name_key(a).cmp(&name_key(b)),
            OrderBy::Updated => a.updated_ms.cmp(&b.updated_ms),
            OrderBy::Created => a.created_ms.cmp(&b.created_ms),
        }
        .then(a_id.cmp(b_id));
        if query.descending { order.reverse() } else { order }
    });
    let offset = match state.quirks.paging {
        PagingBase::ZeroBased => query.start,
        PagingBase::OneBased => query.start.saturating_sub(1),
    };
    let size = state.quirks.max_page_size.map_or(query.limit, |max| query.limit.min(max));
    let page: Vec<Value> = own
        .iter()
        .skip(offset)
        .take(size)
        .map(|(_, record)| summary(record, state.quirks.list_dates))
        .collect();
    Ok(Json(Value::Array(page)))
}

fn name_key(record: &WorkoutRecord) -> String {
    record.json["workoutName"].as_str().unwrap_or_default().to_lowercase()
}

/// A list item: the detail without its steps.
fn summary(record: &WorkoutRecord, dates: ListDates) -> Value {
    let mut item = record.json.clone();
    if let Some(object) = item.as_object_mut() {
        object.insert("workoutSegments".to_owned(), Value::Null);
        let updated = object.get("updatedDate").cloned().unwrap_or(Value::Null);
        object.insert("updateDate".to_owned(), updated);
        if dates == ListDates::EpochMillis {
            object.insert("createdDate".to_owned(), json!(record.created_ms));
            object.insert("updatedDate".to_owned(), json!(record.updated_ms));
            object.insert("updateDate".to_owned(), json!(record.updated_ms));
        }
    }
    item
}

/// The caller's workout `raw_id`, or why not.
fn own_workout<'a>(
    state: &'a Mutable,
    owner: i64,
    raw_id: &str,
) -> Result<(i64, &'a WorkoutRecord), ApiError> {
    let id = path_id(raw_id)?;
    match state.workouts.get(&id) {
        None => Err(ApiError::NotFound),
        Some(record) if record.owner != owner => Err(ApiError::foreign(state.quirks.foreign)),
        Some(record) => Ok((id, record)),
    }
}

/// `GET /workout-service/workout/{id}`.
pub(crate) async fn detail(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    Path(raw_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let state = sandbox.lock();
    let (_, record) = own_workout(&state, owner, &raw_id)?;
    Ok(Json(record.json.clone()))
}

/// `POST /workout-service/workout`.
pub(crate) async fn create(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let input = json_body(&headers, &body)?;
    let mut state = sandbox.lock();
    let now = state.now_ms();
    let created =
        state.create_workout(owner, &input, (now, now)).map_err(|e| ApiError::BadRequest(e.0))?;
    Ok(Json(created))
}

/// `PUT /workout-service/workout/{id}`: replaces the workout in place.
pub(crate) async fn update(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = json_body(&headers, &body)?;
    let mut state = sandbox.lock();
    let (id, _) = own_workout(&state, owner, &raw_id)?;
    let body_id = input.get("workoutId").filter(|value| !value.is_null());
    if body_id.is_some_and(|value| value.as_i64() != Some(id)) {
        return Err(ApiError::bad_request("workoutId does not match the path"));
    }
    state.replace_workout(id, &input).map_err(|e| ApiError::BadRequest(e.0))?;
    Ok(no_content())
}

/// `DELETE /workout-service/workout/{id}`.
pub(crate) async fn delete(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    Path(raw_id): Path<String>,
) -> Result<Response, ApiError> {
    let mut state = sandbox.lock();
    let (id, _) = own_workout(&state, owner, &raw_id)?;
    state.workouts.remove(&id);
    state.schedules.retain(|_, schedule| schedule.workout_id != id);
    Ok(no_content())
}

/// `POST /workout-service/workout/{id}` with `X-Http-Method-Override: DELETE`
/// (the web app's delete).
pub(crate) async fn delete_by_override(
    sandbox: State<Arc<Sandbox>>,
    caller: Caller,
    raw_id: Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let overridden = headers
        .get("x-http-method-override")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|method| method.eq_ignore_ascii_case("DELETE"));
    if !overridden {
        return Err(ApiError::MethodNotAllowed);
    }
    delete(sandbox, caller, raw_id).await
}
