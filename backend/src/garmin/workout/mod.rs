//! Garmin's workout JSON and the typed view of it (GARMIN.md §5).
//!
//! [`GarminWorkout`] keeps the JSON exactly as Garmin sent it, the source of
//! truth; it is parsed once, with bounds on size and nesting. From it come
//! the typed [`WorkoutView`] the API serves (mirroring
//! `baton.garmin.v1.Workout`: SI units, enums numbered as Garmin's ids, the
//! key kept for ids Baton does not know, pace ranges sorted), estimated
//! duration and distance, and the clean copy an athlete imports
//! ([`GarminWorkout::clean_copy`]). Reading never fails on odd JSON: what is
//! missing, null or of the wrong type reads as absent. This module is pure:
//! no gRPC, no database, no HTTP.

mod copy;
mod estimate;
mod fields;
mod ids;
mod json;
mod steps;
mod strength;
mod targets;
mod view;

#[cfg(test)]
mod golden_tests;
#[cfg(test)]
mod robustness_tests;

pub use copy::{
    CopyError, MAX_COACH_NAME_CHARS, MAX_NAME_CHARS, append_to_description, import_name,
    replacement,
};
pub use estimate::{Estimate, EstimateSource};
pub use ids::{
    ConditionComparison, DistanceUnit, DrillType, EndConditionType, EquipmentType, GarminId, Keyed,
    SportType, StepType, StrokeType, TargetType, WeightUnit,
};
pub use json::{GarminWorkout, MAX_JSON_BYTES, MAX_JSON_DEPTH, WorkoutJsonError};
pub use steps::{EndCondition, ExecutableStep, RepeatGroup, Step, count_executable};
pub use strength::{GRAMS_THRESHOLD, Weight, WeightEncoding};
pub use targets::{Target, TargetUnit};
pub use view::{PoolLength, Segment, WorkoutView};
