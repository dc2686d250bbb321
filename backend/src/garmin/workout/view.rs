//! The typed view of a workout, mirroring `baton.garmin.v1.Workout`: SI
//! units, enums equal to Garmin's ids, keys kept for ids Baton does not know.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::estimate::{self, Estimate, EstimateSource};
use super::fields::{array, field, keyed, number, positive_u32, unit_parts};
use super::ids::{DistanceUnit, Keyed, SportType};
use super::json::GarminWorkout;
use super::steps::{ExecutableStep, Step, count_executable, steps};

/// A workout as the API shows it, derived from Garmin's JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkoutView {
    /// Garmin's `workoutId` in the owner's account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workout_id: Option<i64>,
    /// `workoutName`; empty when Garmin has none.
    pub name: String,
    /// `description`; empty when Garmin has none.
    pub description: String,
    /// The workout's sport (`MultiSport` when it has legs).
    pub sport: Keyed<SportType>,
    /// Last modified (`updatedDate`/`updateDate`, read as UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_time: Option<DateTime<Utc>>,
    /// Created (`createdDate`, read as UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<DateTime<Utc>>,
    /// Seconds: Garmin's estimate, else computed from the steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_duration: Option<Estimate>,
    /// Metres: Garmin's estimate, else computed from the steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_distance: Option<Estimate>,
    /// Executable steps, each step inside a repeat group counted once; 0 for
    /// a list summary.
    pub step_count: u32,
    /// Garmin's segments in order: one for a single-sport workout, one per
    /// leg for multi-sport; none for a list summary.
    pub segments: Vec<Segment>,
    /// Swimming: the pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolLength>,
    /// `avgTrainingSpeed` in m/s when positive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avg_training_speed: Option<f64>,
}

/// One of Garmin's `workoutSegments` (a leg of a multi-sport workout).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// `segmentOrder`, else the 1-based position.
    pub order: u32,
    /// The segment's sport; the workout's when the segment has none.
    pub sport: Keyed<SportType>,
    /// The steps in order.
    pub steps: Vec<Step>,
}

/// A pool length in its display unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolLength {
    /// `poolLength`, in `unit` (e.g. 25 for 25 m or 25 yd).
    pub length: f64,
    /// `poolLengthUnit`.
    pub unit: DistanceUnit,
}

impl PoolLength {
    /// The length in metres; `None` when the unit is not known.
    pub fn meters(&self) -> Option<f64> {
        self.unit.meters().map(|m| m * self.length)
    }
}

impl WorkoutView {
    /// Whether this is a multi-sport workout (read `segments` as legs).
    pub fn is_multi_sport(&self) -> bool {
        self.sport.kind == SportType::MultiSport || self.segments.len() > 1
    }

    /// Every executable step's segment sport with the step, in order,
    /// descending into repeat groups.
    pub fn executable_steps(&self) -> Vec<(&Keyed<SportType>, &ExecutableStep)> {
        fn walk<'a>(
            sport: &'a Keyed<SportType>,
            steps: &'a [Step],
            out: &mut Vec<(&'a Keyed<SportType>, &'a ExecutableStep)>,
        ) {
            for step in steps {
                match step {
                    Step::Executable(step) => out.push((sport, step)),
                    Step::Repeat(group) => walk(sport, &group.steps, out),
                }
            }
        }
        let mut out = Vec::new();
        for segment in &self.segments {
            walk(&segment.sport, &segment.steps, &mut out);
        }
        out
    }
}

impl GarminWorkout {
    /// Derives the typed view. Never fails: whatever Garmin left out or
    /// sent in an unexpected shape reads as absent.
    pub fn view(&self) -> WorkoutView {
        let json = self.json();
        let sport = self.sport();
        let mut position = 0;
        let segments: Vec<Segment> = array(field(json, "workoutSegments"))
            .iter()
            .filter(|segment| segment.is_object())
            .enumerate()
            .map(|(index, segment)| {
                let fallback_order = u32::try_from(index + 1).unwrap_or(u32::MAX);
                let own_sport = field(segment, "sportType");
                Segment {
                    order: positive_u32(field(segment, "segmentOrder")).unwrap_or(fallback_order),
                    sport: match own_sport {
                        Some(_) => keyed(own_sport, "sportTypeId", "sportTypeKey"),
                        None => sport.clone(),
                    },
                    steps: steps(array(field(segment, "workoutSteps")), &mut position),
                }
            })
            .collect();
        let avg_training_speed = number(field(json, "avgTrainingSpeed")).filter(|&s| s > 0.0);
        let computed = estimate::from_steps(&segments, avg_training_speed);
        let garmin = |value: Option<f64>| {
            value.map(|value| Estimate { value, source: EstimateSource::Garmin })
        };
        let computed_as = |value: Option<f64>| {
            value.map(|value| Estimate { value, source: EstimateSource::Steps })
        };
        WorkoutView {
            workout_id: self.workout_id(),
            name: self.name().unwrap_or_default().to_owned(),
            description: self.description().unwrap_or_default().to_owned(),
            update_time: self.updated_at(),
            create_time: self.created_at(),
            estimated_duration: garmin(self.garmin_estimated_duration_secs())
                .or_else(|| computed_as(computed.seconds)),
            estimated_distance: garmin(self.garmin_estimated_distance_meters())
                .or_else(|| computed_as(computed.meters)),
            step_count: segments
                .iter()
                .map(|s| count_executable(&s.steps))
                .fold(0, u32::saturating_add),
            pool: pool(json)
                .or_else(|| array(field(json, "workoutSegments")).iter().find_map(pool)),
            avg_training_speed,
            sport,
            segments,
        }
    }
}

fn pool(value: &Value) -> Option<PoolLength> {
    let length = number(field(value, "poolLength")).filter(|&l| l > 0.0)?;
    let (id, key, factor) = unit_parts(field(value, "poolLengthUnit"));
    Some(PoolLength { length, unit: DistanceUnit::from_garmin(id, key, factor) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_summary_without_segments_has_an_empty_view() {
        let w = GarminWorkout::from_value(json!({
            "workoutId": 7, "workoutName": "Tempo", "sportType": {"sportTypeId": 1},
            "workoutSegments": null, "estimatedDurationInSecs": 2700
        }))
        .unwrap();
        let view = w.view();
        assert_eq!((view.step_count, view.segments.len()), (0, 0));
        assert_eq!(
            view.estimated_duration,
            Some(Estimate { value: 2700.0, source: EstimateSource::Garmin })
        );
        assert_eq!(view.sport.key, "running");
    }

    #[test]
    fn segments_inherit_the_workout_sport_and_pool_falls_back_to_a_segment() {
        let w = GarminWorkout::from_value(json!({
            "sportType": {"sportTypeId": 4, "sportTypeKey": "swimming"},
            "poolLength": null,
            "workoutSegments": [{"poolLength": 25.0, "poolLengthUnit": {"unitKey": "yard"}, "workoutSteps": []}]
        }))
        .unwrap();
        let view = w.view();
        assert_eq!(view.segments[0].sport.kind, SportType::Swimming);
        assert_eq!(view.segments[0].order, 1);
        let pool = view.pool.unwrap();
        assert_eq!(pool.unit, DistanceUnit::Yard);
        assert!((pool.meters().unwrap() - 22.86).abs() < 1e-9);
    }
}
