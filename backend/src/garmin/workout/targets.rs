//! Step targets (`targetType`, `targetValueOne/Two`, `targetValueUnit`,
//! `zoneNumber`, and their `secondary…` twins).

use serde::Serialize;
use serde_json::Value;

use super::fields::{field, integer, keyed, non_empty_text, number, positive_i32};
use super::ids::{Keyed, TargetType};

/// Garmin's `unitId` for "percent" on a target (`{"unitId": 253, "unitKey":
/// "percent"}`, seen on %FTP power targets; watts carry no unit).
const PERCENT_UNIT_ID: i64 = 253;

/// What the athlete aims to hold during a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// `NoTarget` means no target.
    pub target_type: Keyed<TargetType>,
    /// The athlete's own configured zone (heart rate 1–5, power 1–7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone_number: Option<i32>,
    /// Range bounds, always `low <= high` (Garmin stores pace ranges in
    /// either order). Unit per `target_type` and `unit`: watts, rpm/spm,
    /// bpm, m/s, percent. For pace, `low` is the slower pace (fewer m/s).
    /// When Garmin gives one bound only it stays on its own side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// What `low`/`high` are measured in.
    pub unit: TargetUnit,
}

/// The unit of a target's values, from Garmin's `targetValueUnit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetUnit {
    /// No unit given: the target type's own unit (watts, bpm, m/s, rpm/spm,
    /// percent gradient).
    Native,
    /// Percent of the athlete's FTP: a power target marked "percent".
    /// Values as Garmin has them (e.g. 88.0 for 88 %).
    PercentFtp,
    /// A unit Baton does not recognise, by Garmin's key (or id). The values
    /// are shown as given and never used for estimates.
    Other(String),
}

impl Target {
    /// The speed range in m/s this target implies, for estimates: pace and
    /// speed targets with native values above zero.
    pub(super) fn speed_range(&self) -> Option<(f64, f64)> {
        let moving = matches!(self.target_type.kind, TargetType::Pace | TargetType::Speed);
        if !moving || self.unit != TargetUnit::Native {
            return None;
        }
        let positive = |v: Option<f64>| v.filter(|&v| v > 0.0);
        match (positive(self.low), positive(self.high)) {
            (Some(low), Some(high)) => Some((low, high)),
            (Some(one), None) | (None, Some(one)) => Some((one, one)),
            (None, None) => None,
        }
    }
}

/// Which of a step's two targets to read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Slot {
    Primary,
    Secondary,
}

impl Slot {
    fn fields(self) -> [&'static str; 5] {
        match self {
            Self::Primary => {
                ["targetType", "targetValueOne", "targetValueTwo", "targetValueUnit", "zoneNumber"]
            }
            Self::Secondary => [
                "secondaryTargetType",
                "secondaryTargetValueOne",
                "secondaryTargetValueTwo",
                "secondaryTargetValueUnit",
                "secondaryZoneNumber",
            ],
        }
    }
}

/// Reads one target of an executable step; `None` when the step has no
/// target type at all.
pub(super) fn target(step: &Value, slot: Slot) -> Option<Target> {
    let [type_field, one_field, two_field, unit_field, zone_field] = slot.fields();
    let type_value = field(step, type_field)?;
    let target_type: Keyed<TargetType> =
        keyed(Some(type_value), "workoutTargetTypeId", "workoutTargetTypeKey");
    let one = number(field(step, one_field));
    let two = number(field(step, two_field));
    let (low, high) = match (one, two) {
        (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
        other => other,
    };
    Some(Target {
        unit: unit(field(step, unit_field), target_type.kind),
        zone_number: positive_i32(field(step, zone_field)),
        target_type,
        low,
        high,
    })
}

fn unit(value: Option<&Value>, target_type: TargetType) -> TargetUnit {
    let (id, key) = match value {
        None => return TargetUnit::Native,
        Some(Value::String(s)) => (None, Some(s.trim()).filter(|s| !s.is_empty())),
        Some(v @ Value::Number(_)) => (integer(Some(v)), None),
        Some(v) => (
            integer(field(v, "unitId")),
            non_empty_text(field(v, "unitKey")).or_else(|| non_empty_text(field(v, "key"))),
        ),
    };
    let key_says_percent = key.is_some_and(|k| {
        let k = k.to_ascii_lowercase();
        k.contains("percent") || k.contains('%') || k.contains("ftp")
    });
    if id == Some(PERCENT_UNIT_ID) || key_says_percent {
        return if target_type.is_power() {
            TargetUnit::PercentFtp
        } else {
            TargetUnit::Other(key.map_or_else(|| "percent".to_owned(), str::to_owned))
        };
    }
    match (key, id) {
        (Some(key), _) => TargetUnit::Other(key.to_owned()),
        (None, Some(id)) => TargetUnit::Other(id.to_string()),
        // An all-null unit object (Garmin sends those) is no unit.
        (None, None) => TargetUnit::Native,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn primary(step: Value) -> Target {
        target(&step, Slot::Primary).unwrap()
    }

    #[test]
    fn pace_ranges_are_sorted_whichever_order_garmin_stored() {
        let fast_first = primary(json!({
            "targetType": {"workoutTargetTypeId": 6, "workoutTargetTypeKey": "pace.zone"},
            "targetValueOne": 4.3478, "targetValueTwo": 4.1667
        }));
        let slow_first = primary(json!({
            "targetType": {"workoutTargetTypeId": 6},
            "targetValueOne": 4.1667, "targetValueTwo": 4.3478
        }));
        assert_eq!((fast_first.low, fast_first.high), (Some(4.1667), Some(4.3478)));
        assert_eq!(fast_first, slow_first);
        assert_eq!(fast_first.speed_range(), Some((4.1667, 4.3478)));
    }

    #[test]
    fn a_power_target_marked_percent_is_percent_of_ftp() {
        for unit in [
            json!({"unitId": 253, "unitKey": "percent", "factor": null}),
            json!({"unitKey": "percent"}),
            json!({"unitId": 253}),
            json!("PERCENT_FTP"),
        ] {
            let t = primary(json!({
                "targetType": {"workoutTargetTypeId": 2, "workoutTargetTypeKey": "power.zone"},
                "targetValueOne": 94.0, "targetValueTwo": 88.0, "targetValueUnit": unit
            }));
            assert_eq!(t.unit, TargetUnit::PercentFtp, "{unit}");
            assert_eq!((t.low, t.high), (Some(88.0), Some(94.0)));
        }
        let watts = primary(json!({
            "targetType": {"workoutTargetTypeId": 2}, "targetValueOne": 250.0, "targetValueTwo": 270.0,
            "targetValueUnit": null
        }));
        assert_eq!(watts.unit, TargetUnit::Native);
    }

    #[test]
    fn unknown_units_are_kept_and_all_null_units_are_none() {
        let hr = primary(
            json!({"targetType": {"workoutTargetTypeId": 4}, "targetValueUnit": {"unitKey": "percent"}}),
        );
        assert_eq!(hr.unit, TargetUnit::Other("percent".to_owned()));
        let pace = primary(json!({"targetType": {"workoutTargetTypeId": 6}, "targetValueOne": 5.5,
            "targetValueUnit": "min/km"}));
        assert_eq!(pace.unit, TargetUnit::Other("min/km".to_owned()));
        assert_eq!(pace.speed_range(), None);
        let blank = primary(json!({"targetType": {"workoutTargetTypeId": 6},
            "targetValueUnit": {"unitId": null, "unitKey": null, "factor": null}}));
        assert_eq!(blank.unit, TargetUnit::Native);
    }

    #[test]
    fn zones_secondary_targets_and_missing_types() {
        let step = json!({
            "targetType": {"workoutTargetTypeId": 4, "workoutTargetTypeKey": "heart.rate.zone"},
            "zoneNumber": 2,
            "secondaryTargetType": {"workoutTargetTypeId": 3, "workoutTargetTypeKey": "cadence"},
            "secondaryTargetValueOne": 95.0, "secondaryTargetValueTwo": 85.0, "secondaryZoneNumber": null
        });
        let hr = target(&step, Slot::Primary).unwrap();
        assert_eq!(
            (hr.target_type.kind, hr.zone_number, hr.low),
            (TargetType::HeartRate, Some(2), None)
        );
        let cadence = target(&step, Slot::Secondary).unwrap();
        assert_eq!(
            (cadence.low, cadence.high, cadence.zone_number),
            (Some(85.0), Some(95.0), None)
        );
        assert_eq!(target(&json!({"targetType": null}), Slot::Primary), None);
        assert_eq!(
            target(&json!({"zoneNumber": 0, "targetType": "pace.zone"}), Slot::Primary)
                .unwrap()
                .zone_number,
            None
        );
    }
}
