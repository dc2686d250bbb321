//! What Garmin does to a posted workout (GARMIN.md §5.4, as captured):
//! a new `workoutId` and fresh consecutive `stepId`s; `stepOrder` renumbered
//! 1..N in pre-order over the whole tree (segments included); repeat groups
//! numbered 1, 2, … in pre-order, each group's `childStepId` its own number
//! and every step's `childStepId` its innermost group's (or `null`); type
//! keys and `displayOrder`s filled from the ids; numbers as floats; every
//! known optional field present, `null` when absent; unknown fields and
//! server-owned ones (owner, dates, partner metadata) dropped or overwritten.
//! Names over 255 characters are cut to 253 plus `...`, as captured.
//!
//! What it refuses (400 `BadRequestException`): a body that is not a
//! workout (no name, unknown sport, no segments or steps, unknown step kind
//! or type id), and a strength exercise step without a valid category
//! (§0.1). No I/O here.

mod fields;
mod steps;

use serde_json::{Value, json};

use crate::garmin::account::GarminAccount;
use crate::garmin::catalog::{SPORT_MULTI, SPORT_STRENGTH, SPORT_TYPES};
use fields::Object;
use steps::Walk;

/// A refused workout, with the `message` of Garmin's 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid(pub String);

impl Invalid {
    fn new(message: &str) -> Self {
        Self(message.to_owned())
    }

    fn field(name: &str) -> Self {
        Self(format!("Invalid value for {name}"))
    }
}

/// The server-owned parts of a stored workout.
pub(crate) struct Stamp<'a> {
    pub workout_id: i64,
    pub author: &'a GarminAccount,
    pub created: &'a str,
    pub updated: &'a str,
}

const MAX_NAME_CHARS: usize = 255;

/// The workout as Garmin stores and returns it; `step_ids` is the counter
/// fresh step ids are taken from.
pub(crate) fn workout(input: &Value, stamp: &Stamp, step_ids: &mut i64) -> Result<Value, Invalid> {
    let object = input.as_object().ok_or_else(|| Invalid::new("Invalid workout"))?;
    let name = object
        .get("workoutName")
        .and_then(Value::as_str)
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| Invalid::new("workoutName is required"))?;
    let sport = fields::entry(&SPORT_TYPES, object, "sportType")?
        .ok_or_else(|| Invalid::field("sportType"))?;
    let segments = object
        .get("workoutSegments")
        .and_then(Value::as_array)
        .filter(|segments| !segments.is_empty())
        .ok_or_else(|| Invalid::new("workoutSegments are required"))?;
    let multi = sport.id == SPORT_MULTI;
    let mut walk = Walk { step_ids, order: 0, groups: 0, strength: false };
    let segments = segments
        .iter()
        .enumerate()
        .map(|(index, segment)| self::segment(segment, index, sport.id, multi, &mut walk))
        .collect::<Result<Vec<_>, _>>()?;
    let distance_unit = fields::unit(object, "estimatedDistanceUnit")?
        .map(|unit| unit.render())
        .unwrap_or_else(|| json!({"unitId": null, "unitKey": null, "factor": null}));
    let author = stamp.author;

    Ok(json!({
        "workoutId": stamp.workout_id,
        "ownerId": author.profile_id(),
        "workoutName": truncated(name),
        "description": fields::text(object, "description")?,
        "updatedDate": stamp.updated,
        "createdDate": stamp.created,
        "sportType": SPORT_TYPES.render(sport),
        "subSportType": sub_sport(object)?,
        "trainingPlanId": null,
        "author": {
            "userProfilePk": author.profile_id(),
            "displayName": author.display_name,
            "fullName": author.full_name,
            "profileImgNameLarge": null,
            "profileImgNameMedium": null,
            "profileImgNameSmall": null,
            "userPro": false,
            "vivokidUser": false,
        },
        "sharedWithUsers": null,
        "estimatedDurationInSecs": fields::int(object, "estimatedDurationInSecs")?,
        "estimatedDistanceInMeters": fields::float(object, "estimatedDistanceInMeters")?,
        "workoutSegments": segments,
        "poolLength": fields::float(object, "poolLength")?,
        "poolLengthUnit": fields::unit_or_null(object, "poolLengthUnit")?,
        "locale": null,
        "workoutProvider": null,
        "workoutSourceId": null,
        "uploadTimestamp": null,
        "atpPlanId": null,
        "consumer": null,
        "consumerName": null,
        "consumerImageURL": null,
        "consumerWebsiteURL": null,
        "workoutNameI18nKey": null,
        "descriptionI18nKey": null,
        "avgTrainingSpeed": fields::float(object, "avgTrainingSpeed")?,
        "estimateType": fields::text(object, "estimateType")?,
        "estimatedDistanceUnit": distance_unit,
        "workoutThumbnailUrl": null,
        "isSessionTransitionEnabled": fields::boolean(object, "isSessionTransitionEnabled")?,
        "shared": false,
    }))
}

fn segment(
    value: &Value,
    index: usize,
    workout_sport: i64,
    multi: bool,
    walk: &mut Walk,
) -> Result<Value, Invalid> {
    let object = value.as_object().ok_or_else(|| Invalid::new("Invalid workout segment"))?;
    let sport = match fields::entry(&SPORT_TYPES, object, "sportType")? {
        Some(sport) => sport,
        None if !multi => {
            SPORT_TYPES.by_id(workout_sport).ok_or_else(|| Invalid::field("sportType"))?
        }
        None => return Err(Invalid::new("Each segment of a multisport workout needs a sportType")),
    };
    let steps = object
        .get("workoutSteps")
        .and_then(Value::as_array)
        .filter(|steps| !steps.is_empty())
        .ok_or_else(|| Invalid::new("workoutSteps are required"))?;
    walk.strength = sport.id == SPORT_STRENGTH;
    let steps =
        steps.iter().map(|step| steps::step(step, None, walk)).collect::<Result<Vec<_>, _>>()?;
    // A single-sport swim keeps its pool on the workout; the segment copy
    // comes back null. Multisport legs keep their own.
    let (pool_length, pool_unit) = if multi {
        (fields::float(object, "poolLength")?, fields::unit_or_null(object, "poolLengthUnit")?)
    } else {
        (Value::Null, Value::Null)
    };

    Ok(json!({
        "segmentOrder": index + 1,
        "sportType": SPORT_TYPES.render(sport),
        "poolLengthUnit": pool_unit,
        "poolLength": pool_length,
        "avgTrainingSpeed": fields::float(object, "avgTrainingSpeed")?,
        "estimatedDurationInSecs": fields::int(object, "estimatedDurationInSecs")?,
        "estimatedDistanceInMeters": fields::float(object, "estimatedDistanceInMeters")?,
        "estimatedDistanceUnit": fields::unit_or_null(object, "estimatedDistanceUnit")?,
        "estimateType": fields::text(object, "estimateType")?,
        "description": fields::text(object, "description")?,
        "workoutSteps": steps,
    }))
}

fn sub_sport(object: &Object) -> Result<Value, Invalid> {
    match object.get("subSportType") {
        None | Some(Value::Null) => Ok(Value::Null),
        Some(value @ Value::Object(_)) => Ok(value.clone()),
        Some(_) => Err(Invalid::field("subSportType")),
    }
}

fn truncated(name: &str) -> String {
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    let kept: String = name.chars().take(MAX_NAME_CHARS - 2).collect();
    format!("{kept}...")
}

#[cfg(test)]
mod tests;
