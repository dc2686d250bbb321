//! `GET /calendar-service/year/{year}/month/{month0}` (GARMIN.md §4.3): the
//! caller's scheduled workouts in one month; the month is 0-based
//! (January = 0). Entries carry `id` (the `workoutScheduleId`), `itemType`
//! `workout`, `workoutId`, `title`, `date` and `sportTypeKey`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use chrono::{Datelike, Months, NaiveDate};
use serde_json::{Value, json};

use super::{ApiError, Caller};
use crate::garmin::state::Sandbox;

pub(crate) async fn month(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
    Path((year, month0)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let invalid = || ApiError::bad_request("Invalid year or month");
    let (Ok(year), Ok(month0)) = (year.parse::<i32>(), month0.parse::<u32>()) else {
        return Err(invalid());
    };
    let (first, next) = month_bounds(year, month0).ok_or_else(invalid)?;
    let previous = first.checked_sub_months(Months::new(1)).unwrap_or(first);
    let state = sandbox.lock();
    let mut entries: Vec<_> = state
        .schedules
        .values()
        .filter(|schedule| {
            schedule.owner == owner && schedule.date >= first && schedule.date < next
        })
        .collect();
    entries.sort_by_key(|schedule| (schedule.date, schedule.id));
    let items: Vec<Value> = entries
        .into_iter()
        .map(|schedule| {
            let workout = state.workouts.get(&schedule.workout_id).map(|record| &record.json);
            json!({
                "id": schedule.id,
                "itemType": "workout",
                "workoutId": schedule.workout_id,
                "title": workout.map(|json| json["workoutName"].clone()),
                "date": schedule.date.format("%Y-%m-%d").to_string(),
                "sportTypeKey": workout.map(|json| json["sportType"]["sportTypeKey"].clone()),
                "trainingPlanId": null,
            })
        })
        .collect();
    Ok(Json(json!({
        "startDayOfMonth": first.weekday().num_days_from_sunday(),
        "numOfDaysInMonth": (next - first).num_days(),
        "numOfDaysInPrevMonth": (first - previous).num_days(),
        "month": month0,
        "year": year,
        "calendarItems": items,
    })))
}

/// The first day of 0-based `month0` and of the month after.
fn month_bounds(year: i32, month0: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month0.checked_add(1)?, 1)?;
    Some((first, first.checked_add_months(Months::new(1))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_from_zero() {
        let (first, next) = month_bounds(2026, 0).unwrap();
        assert_eq!(
            (first.to_string(), next.to_string()),
            ("2026-01-01".into(), "2026-02-01".into())
        );
        assert!(month_bounds(2026, 12).is_none());
        assert!(month_bounds(2026, u32::MAX).is_none());
    }
}
