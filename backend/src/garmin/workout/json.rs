//! `GarminWorkout`: Garmin's workout JSON kept verbatim, parsed once with
//! bounds on size and nesting, and read through lenient accessors.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::fields::{array, date, field, integer, keyed, number, text};
use super::ids::{Keyed, SportType};

/// The largest workout JSON accepted, in bytes. A fully normalised
/// 100-step workout is about 150 KB; this leaves room while keeping a
/// hostile body from costing much memory.
pub const MAX_JSON_BYTES: usize = 2 * 1024 * 1024;

/// The deepest nesting of arrays and objects accepted. A workout uses
/// about a dozen levels with three nested repeats; this allows some twenty
/// levels of repeats while keeping recursion over the tree shallow.
pub const MAX_JSON_DEPTH: usize = 64;

/// Why bytes are not a workout.
#[derive(Debug, thiserror::Error)]
pub enum WorkoutJsonError {
    /// Larger than [`MAX_JSON_BYTES`].
    #[error("the workout JSON is {len} bytes, more than the {max} allowed")]
    TooLarge { len: usize, max: usize },
    /// Nested deeper than [`MAX_JSON_DEPTH`].
    #[error("the workout JSON nests deeper than {max} levels")]
    TooDeep { max: usize },
    /// Not JSON.
    #[error("the workout is not valid JSON: {0}")]
    Syntax(#[from] serde_json::Error),
    /// JSON, but not an object.
    #[error("the workout JSON is not an object")]
    NotAnObject,
}

/// One Garmin Connect workout (detail or list summary) as Garmin sent it.
/// The JSON is the source of truth; [`GarminWorkout::view`] derives the
/// typed view and [`GarminWorkout::clean_copy`] the copy for import.
#[derive(Debug, Clone, PartialEq)]
pub struct GarminWorkout {
    json: Value,
}

impl GarminWorkout {
    /// Parses Garmin's bytes, refusing more than [`MAX_JSON_BYTES`], nesting
    /// deeper than [`MAX_JSON_DEPTH`] (checked before parsing, so the parser
    /// never recurses deeply), and anything but a JSON object.
    pub fn parse(bytes: &[u8]) -> Result<Self, WorkoutJsonError> {
        if bytes.len() > MAX_JSON_BYTES {
            return Err(WorkoutJsonError::TooLarge { len: bytes.len(), max: MAX_JSON_BYTES });
        }
        if nesting_depth(bytes) > MAX_JSON_DEPTH {
            return Err(WorkoutJsonError::TooDeep { max: MAX_JSON_DEPTH });
        }
        Self::from_object(serde_json::from_slice(bytes)?)
    }

    /// Wraps JSON already parsed, with the same depth bound as
    /// [`GarminWorkout::parse`].
    pub fn from_value(json: Value) -> Result<Self, WorkoutJsonError> {
        if value_depth(&json) > MAX_JSON_DEPTH {
            return Err(WorkoutJsonError::TooDeep { max: MAX_JSON_DEPTH });
        }
        Self::from_object(json)
    }

    fn from_object(json: Value) -> Result<Self, WorkoutJsonError> {
        if json.is_object() { Ok(Self { json }) } else { Err(WorkoutJsonError::NotAnObject) }
    }

    /// Garmin's JSON, verbatim.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// Garmin's JSON, verbatim, by value.
    pub fn into_json(self) -> Value {
        self.json
    }

    /// Garmin's `workoutId` in the owner's account.
    pub fn workout_id(&self) -> Option<i64> {
        integer(field(&self.json, "workoutId"))
    }

    /// Garmin's `ownerId` (the owner's user profile id).
    pub fn owner_id(&self) -> Option<i64> {
        integer(field(&self.json, "ownerId"))
    }

    /// `workoutName`, as Garmin has it.
    pub fn name(&self) -> Option<&str> {
        text(field(&self.json, "workoutName"))
    }

    /// `description`; `None` when Garmin has none.
    pub fn description(&self) -> Option<&str> {
        text(field(&self.json, "description"))
    }

    /// The workout's `sportType` (`MultiSport` for several legs).
    pub fn sport(&self) -> Keyed<SportType> {
        keyed(field(&self.json, "sportType"), "sportTypeId", "sportTypeKey")
    }

    /// Last modified: `updatedDate`, or `updateDate` as some list items
    /// have it; Garmin's zone-less string read as UTC, or epoch ms.
    pub fn updated_at(&self) -> Option<DateTime<Utc>> {
        date(field(&self.json, "updatedDate")).or_else(|| date(field(&self.json, "updateDate")))
    }

    /// `createdDate`, read like [`GarminWorkout::updated_at`].
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        date(field(&self.json, "createdDate"))
    }

    /// Garmin's own `estimatedDurationInSecs`. Garmin echoes 0 for "no
    /// estimate", so only a positive value counts.
    pub fn garmin_estimated_duration_secs(&self) -> Option<f64> {
        number(field(&self.json, "estimatedDurationInSecs")).filter(|&s| s > 0.0)
    }

    /// Garmin's own `estimatedDistanceInMeters`; only a positive value
    /// counts.
    pub fn garmin_estimated_distance_meters(&self) -> Option<f64> {
        number(field(&self.json, "estimatedDistanceInMeters")).filter(|&m| m > 0.0)
    }

    /// Whether the JSON carries steps: false for a list summary, whose
    /// steps must be fetched with `GET /workout/{id}`.
    pub fn has_steps(&self) -> bool {
        array(field(&self.json, "workoutSegments"))
            .iter()
            .any(|segment| !array(field(segment, "workoutSteps")).is_empty())
    }
}

/// The deepest nesting of `[`/`{` in JSON text, brackets inside strings not
/// counted. Invalid text may be miscounted, but the parser then refuses it.
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The deepest nesting of arrays and objects in a value (a scalar is 0),
/// without recursion.
fn value_depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 0usize)];
    while let Some((value, depth)) = pending.pop() {
        match value {
            Value::Array(items) => pending.extend(items.iter().map(|child| (child, depth + 1))),
            Value::Object(map) => pending.extend(map.values().map(|child| (child, depth + 1))),
            _ => continue,
        }
        deepest = deepest.max(depth + 1);
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert_eq!(nesting_depth(br#"{"a": [1, {"b": "[[[{{{"}]}"#), 3);
        assert_eq!(nesting_depth(br#"{"a": "\"[[", "b": []}"#), 2);
        assert_eq!(value_depth(&json!({"a": [1, {"b": "[[["}]})), 3);
        assert_eq!(value_depth(&json!(3)), 0);
    }

    #[test]
    fn hostile_nesting_is_refused_before_parsing() {
        let deep = "[".repeat(100_000);
        assert!(matches!(
            GarminWorkout::parse(deep.as_bytes()),
            Err(WorkoutJsonError::TooDeep { .. })
        ));
        let mut value = json!(1);
        for _ in 0..(MAX_JSON_DEPTH + 1) {
            value = json!([value]);
        }
        assert!(matches!(GarminWorkout::from_value(value), Err(WorkoutJsonError::TooDeep { .. })));
    }

    #[test]
    fn oversized_and_non_object_json_is_refused() {
        let big = vec![b' '; MAX_JSON_BYTES + 1];
        assert!(matches!(GarminWorkout::parse(&big), Err(WorkoutJsonError::TooLarge { .. })));
        assert!(matches!(GarminWorkout::parse(b"[1, 2]"), Err(WorkoutJsonError::NotAnObject)));
        assert!(matches!(GarminWorkout::parse(b"{\"a\":"), Err(WorkoutJsonError::Syntax(_))));
        assert!(matches!(GarminWorkout::parse(b"null"), Err(WorkoutJsonError::NotAnObject)));
    }

    #[test]
    fn accessors_tolerate_both_date_fields_and_wrong_types() {
        let w = GarminWorkout::from_value(json!({
            "workoutId": "1467223403",
            "workoutName": 42,
            "updateDate": 1_770_512_238_000_i64,
            "createdDate": "2026-02-07T10:00:00.0",
            "estimatedDurationInSecs": 0,
            "estimatedDistanceInMeters": "5000.0",
            "sportType": null
        }))
        .unwrap();
        assert_eq!(w.workout_id(), Some(1_467_223_403));
        assert_eq!(w.name(), None);
        assert_eq!(w.updated_at().map(|d| d.timestamp()), Some(1_770_512_238));
        assert_eq!(
            w.created_at().map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-02-07T10:00:00+00:00")
        );
        assert_eq!(w.garmin_estimated_duration_secs(), None);
        assert_eq!(w.garmin_estimated_distance_meters(), Some(5000.0));
        assert_eq!(w.sport().kind, SportType::Unspecified);
        assert!(!w.has_steps());
    }

    #[test]
    fn updated_date_wins_over_update_date() {
        let w = GarminWorkout::from_value(json!({
            "updatedDate": "2026-03-01T08:00:00.0",
            "updateDate": "2020-01-01T00:00:00.0"
        }))
        .unwrap();
        assert_eq!(
            w.updated_at().map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-03-01T08:00:00+00:00")
        );
    }
}
