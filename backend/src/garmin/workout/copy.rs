//! The clean copy an athlete imports (GARMIN.md §4.2 "When copying a
//! workout read from another account", §5.4, §0.1).
//!
//! The copy is Garmin's JSON with the owner's identity removed at every
//! level (top level, segments, repeat groups, steps): ids, owner, author,
//! dates, sharing, partner and plan metadata, and the thumbnail. Every
//! `stepId` becomes `null` so Garmin assigns fresh ones. Everything else is
//! kept as Garmin had it, byte for byte in meaning: step types, end
//! conditions, targets (pace bounds in their stored order), notes, strokes,
//! equipment, drills, exercises and loads (the weight number is not
//! rescaled), and Garmin's own estimates.
//!
//! `stepOrder` and `childStepId` are kept: Garmin renumbers both on create
//! (§5.4), and they are positions within this workout (group numbers
//! 1, 2, …), not ids of the owner's account, so they neither leak nor
//! clash. Keeping them leaves the structure exactly as the coach built it
//! should Garmin ever stop recomputing.
//!
//! `workoutNameI18nKey` is dropped too: the copy is renamed, and a
//! translation key would show Garmin's original name instead.

use serde_json::{Map, Value};

use super::ids::{EndConditionType, SportType};
use super::json::GarminWorkout;

/// Garmin's UI limit for workout names (§4.2), in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// The longest coach name kept whole in a copy's name; a longer one is
/// shortened so some of the workout's own name remains.
pub const MAX_COACH_NAME_CHARS: usize = 40;

/// Keys removed wherever they appear; keys starting with `consumer` too.
const STRIPPED: &[&str] = &[
    "workoutId",
    "ownerId",
    "author",
    "createdDate",
    "updatedDate",
    "updateDate",
    "sharedWithUsers",
    "workoutProvider",
    "workoutSourceId",
    "atpPlanId",
    "trainingPlanId",
    "uploadTimestamp",
    "workoutThumbnailUrl",
    "shared",
    "workoutNameI18nKey",
];

/// Why a workout cannot be copied into another account: each is something
/// Garmin would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopyError {
    /// No executable step (for instance a list summary: fetch the full
    /// workout first).
    #[error("the workout has no steps")]
    NoSteps,
    /// Exercise steps whose `category` is `UNASSIGNED`, which Garmin
    /// refuses with 400. Holds the steps' orders.
    #[error("exercise step(s) {} have the category UNASSIGNED; choose an exercise in Garmin Connect", list(.steps))]
    UnassignedExerciseCategory { steps: Vec<u32> },
    /// Exercise steps without a `category` (a named exercise, or a reps step
    /// in a strength workout). Holds the steps' orders.
    #[error("exercise step(s) {} have no exercise category; choose an exercise in Garmin Connect", list(.steps))]
    MissingExerciseCategory { steps: Vec<u32> },
}

fn list(steps: &[u32]) -> String {
    steps.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

impl GarminWorkout {
    /// The JSON to POST into the athlete's account: stripped and renamed
    /// (see the module documentation), named with [`import_name`] from this
    /// workout's name and `coach_name`. Refuses what Garmin would refuse.
    pub fn clean_copy(&self, coach_name: &str) -> Result<Value, CopyError> {
        self.check_copyable()?;
        let mut copy = self.json().clone();
        strip(&mut copy);
        if let Value::Object(root) = &mut copy {
            root.insert(
                "workoutName".to_owned(),
                Value::String(import_name(self.name().unwrap_or(""), coach_name)),
            );
        }
        Ok(copy)
    }

    fn check_copyable(&self) -> Result<(), CopyError> {
        let view = self.view();
        let steps = view.executable_steps();
        if steps.is_empty() {
            return Err(CopyError::NoSteps);
        }
        let (mut unassigned, mut missing) = (Vec::new(), Vec::new());
        for (sport, step) in steps {
            let names_exercise = step.exercise_name.is_some() || step.exercise_category.is_some();
            let strength_reps = sport.kind == SportType::StrengthTraining
                && step.end_condition.condition_type.kind == EndConditionType::Reps;
            match step.exercise_category.as_deref() {
                Some(category) if category.eq_ignore_ascii_case("UNASSIGNED") => {
                    unassigned.push(step.order)
                }
                None if names_exercise || strength_reps => missing.push(step.order),
                _ => {}
            }
        }
        if !unassigned.is_empty() {
            return Err(CopyError::UnassignedExerciseCategory { steps: unassigned });
        }
        if !missing.is_empty() {
            return Err(CopyError::MissingExerciseCategory { steps: missing });
        }
        Ok(())
    }
}

/// Adds a paragraph to a copy's description (where the athlete reads who
/// shared it, and where an import finds its own copy again).
pub fn append_to_description(copy: &mut Value, paragraph: &str) {
    if let Value::Object(root) = copy {
        let existing = root.get("description").and_then(Value::as_str).unwrap_or("").trim_end();
        let description = if existing.is_empty() {
            paragraph.to_owned()
        } else {
            format!("{existing}\n\n{paragraph}")
        };
        root.insert("description".to_owned(), Value::String(description));
    }
}

/// The body that replaces an athlete's copy in place (GARMIN.md §4.2
/// "Update", §0.1): a new clean copy wearing the existing copy's own
/// identity (its id, owner, author and dates as Garmin answered a GET), so
/// Garmin keeps the id and with it the copy's calendar entries.
pub fn replacement(current: &Value, copy: &Value, garmin_id: i64) -> Value {
    let mut body = copy.clone();
    if let (Value::Object(body), Value::Object(current)) = (&mut body, current) {
        for key in STRIPPED {
            if let Some(value) = current.get(*key) {
                body.insert((*key).to_owned(), value.clone());
            }
        }
        // Garmin wants the body's id to be the path's.
        body.insert("workoutId".to_owned(), Value::from(garmin_id));
    }
    body
}

/// The name an athlete's copy gets: `"<original> (from <coach>)"`, at most
/// [`MAX_NAME_CHARS`] characters. When too long, the original part is cut
/// on a character boundary and marked with "…"; the coach's part is kept
/// whole unless the coach name itself exceeds [`MAX_COACH_NAME_CHARS`].
/// Control characters and runs of white space become single spaces; an
/// empty original reads "Workout"; an empty coach name adds no suffix.
pub fn import_name(original: &str, coach_name: &str) -> String {
    let original = tidy(original);
    let original = if original.is_empty() { "Workout".to_owned() } else { original };
    let coach = truncate(&tidy(coach_name), MAX_COACH_NAME_CHARS);
    let suffix = if coach.is_empty() { String::new() } else { format!(" (from {coach})") };
    let room = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
    format!("{}{suffix}", truncate(&original, room))
}

/// `text` cut to `max` characters, ending in "…" when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

fn tidy(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes the stripped keys and nulls `stepId`s at every level. Recursion
/// follows the JSON nesting, which `GarminWorkout` bounds.
fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            strip_object(map);
            map.values_mut().for_each(strip);
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

fn strip_object(map: &mut Map<String, Value>) {
    map.retain(|key, _| !STRIPPED.contains(&key.as_str()) && !key.starts_with("consumer"));
    if let Some(step_id) = map.get_mut("stepId") {
        *step_id = Value::Null;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_replacement_is_the_new_copy_with_the_old_copys_identity() {
        let current = json!({
            "workoutId": 901, "ownerId": 7, "author": {"displayName": "ath"},
            "createdDate": "2026-12-01T08:00:00.0", "workoutName": "Old name",
            "workoutSegments": [{"segmentOrder": 1, "workoutSteps": [{"stepId": 55}]}],
            "poolLength": 25.0
        });
        let copy = json!({
            "workoutName": "New name (from Carla)", "description": "6x800",
            "workoutSegments": [{"segmentOrder": 1, "workoutSteps": [{"stepId": null}]}]
        });
        let body = replacement(&current, &copy, 901);
        assert_eq!(
            body,
            json!({
                "workoutId": 901, "ownerId": 7, "author": {"displayName": "ath"},
                "createdDate": "2026-12-01T08:00:00.0", "workoutName": "New name (from Carla)",
                "description": "6x800",
                "workoutSegments": [{"segmentOrder": 1, "workoutSteps": [{"stepId": null}]}]
            })
        );
        // The path id wins over whatever the body had.
        assert_eq!(replacement(&json!({"workoutId": 3}), &copy, 901)["workoutId"], 901);
    }

    #[test]
    fn a_short_name_gets_the_coach_suffix() {
        assert_eq!(
            import_name("Interval 6x800", "Carla Coach"),
            "Interval 6x800 (from Carla Coach)"
        );
        assert_eq!(
            import_name("  Tempo\n run\t", " Carla \u{7} Coach "),
            "Tempo run (from Carla Coach)"
        );
        assert_eq!(import_name("", "Carla"), "Workout (from Carla)");
        assert_eq!(import_name("Tempo", "  "), "Tempo");
    }

    #[test]
    fn a_long_name_is_cut_in_the_original_part_only() {
        let original =
            "Threshold ladder with surges: 1-2-3-4-3-2-1 min at 10k pace, 90 s jog between each";
        let name = import_name(original, "Carla Coach");
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
        assert!(name.ends_with("… (from Carla Coach)"), "{name}");
        assert!(name.starts_with("Threshold ladder with surges"));
    }

    #[test]
    fn names_are_cut_on_character_boundaries() {
        let original = "Entraînement fractionné ".repeat(6) + "🏃‍♀️🏃‍♀️🏃‍♀️";
        let name = import_name(&original, "Zoë Ångström");
        assert!(name.chars().count() <= MAX_NAME_CHARS);
        assert!(name.ends_with(" (from Zoë Ångström)"));
        let emoji = import_name(&"🏃".repeat(100), "Carla");
        assert_eq!(emoji.chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn a_very_long_coach_name_is_shortened_so_the_workout_name_survives() {
        let name = import_name("Long run", &"Maximiliane ".repeat(10));
        assert!(name.starts_with("Long run (from Maximiliane"));
        assert!(name.chars().count() <= MAX_NAME_CHARS);
        assert!(name.ends_with("…)"));
    }

    #[test]
    fn stripping_reaches_every_level_and_nulls_step_ids() {
        let mut value = json!({
            "workoutId": 1, "ownerId": 2, "author": {"userProfilePk": 2}, "consumerName": "x",
            "workoutName": "n", "workoutSegments": [{"workoutProvider": "tp", "workoutSteps": [
                {"stepId": 5, "childStepId": 1, "workoutSteps": [{"stepId": 6, "description": "keep"}]}
            ]}]
        });
        strip(&mut value);
        assert_eq!(
            value,
            json!({"workoutName": "n", "workoutSegments": [{"workoutSteps": [
                {"stepId": null, "childStepId": 1, "workoutSteps": [{"stepId": null, "description": "keep"}]}
            ]}]})
        );
    }

    fn strength(steps: Value) -> GarminWorkout {
        GarminWorkout::from_value(json!({
            "workoutName": "Legs",
            "sportType": {"sportTypeId": 5, "sportTypeKey": "strength_training"},
            "workoutSegments": [{"segmentOrder": 1, "sportType": {"sportTypeId": 5}, "workoutSteps": steps}]
        }))
        .unwrap()
    }

    #[test]
    fn an_unassigned_category_is_refused() {
        let w = strength(json!([
            {"type": "ExecutableStepDTO", "stepOrder": 1, "stepType": {"stepTypeId": 3},
             "endCondition": {"conditionTypeId": 10}, "endConditionValue": 10.0,
             "category": "UNASSIGNED", "exerciseName": "GOBLET_SQUAT"}
        ]));
        assert_eq!(
            w.clean_copy("Carla"),
            Err(CopyError::UnassignedExerciseCategory { steps: vec![1] })
        );
    }

    #[test]
    fn an_exercise_without_a_category_is_refused() {
        let w = strength(json!([
            {"type": "ExecutableStepDTO", "stepOrder": 1, "stepType": {"stepTypeId": 1},
             "endCondition": {"conditionTypeId": 2}, "endConditionValue": 300.0},
            {"type": "ExecutableStepDTO", "stepOrder": 2, "stepType": {"stepTypeId": 3},
             "endCondition": {"conditionTypeId": 10}, "endConditionValue": 10.0, "category": null},
            {"type": "ExecutableStepDTO", "stepOrder": 3, "stepType": {"stepTypeId": 3},
             "endCondition": {"conditionTypeId": 2}, "endConditionValue": 60.0, "exerciseName": "PLANK"}
        ]));
        let error = w.clean_copy("Carla").unwrap_err();
        assert_eq!(error, CopyError::MissingExerciseCategory { steps: vec![2, 3] });
        assert_eq!(
            error.to_string(),
            "exercise step(s) 2, 3 have no exercise category; choose an exercise in Garmin Connect"
        );
    }

    #[test]
    fn a_valid_strength_workout_and_a_timed_warm_up_are_accepted() {
        let w = strength(json!([
            {"type": "ExecutableStepDTO", "stepOrder": 1, "stepType": {"stepTypeId": 1},
             "endCondition": {"conditionTypeId": 2}, "endConditionValue": 300.0},
            {"type": "ExecutableStepDTO", "stepOrder": 2, "stepType": {"stepTypeId": 3},
             "endCondition": {"conditionTypeId": 10}, "endConditionValue": 10.0,
             "category": "SQUAT", "exerciseName": "GOBLET_SQUAT"}
        ]));
        let copy = w.clean_copy("Carla").unwrap();
        assert_eq!(copy["workoutName"], "Legs (from Carla)");
    }

    #[test]
    fn empty_workouts_and_summaries_are_refused() {
        for json in [
            json!({"workoutName": "x"}),
            json!({"workoutSegments": null}),
            json!({"workoutSegments": [{"workoutSteps": []}]}),
            json!({"workoutSegments": [{"workoutSteps": [{"type": "RepeatGroupDTO", "workoutSteps": []}]}]}),
        ] {
            let w = GarminWorkout::from_value(json.clone()).unwrap();
            assert_eq!(w.clean_copy("Carla"), Err(CopyError::NoSteps), "{json}");
        }
    }
}
