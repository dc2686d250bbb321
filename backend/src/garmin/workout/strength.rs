//! Strength loads (`weightValue`, `weightUnit`).
//!
//! Garmin's scale is uncertain (GARMIN.md §5.3): python-garminconnect,
//! verified end to end, sends grams (kg × 1000); other tools send the value
//! in the display unit. Baton reads a value of 1000 or more as grams and a
//! smaller one in the display unit (kilograms when no unit is given). A
//! display value of 1000 would be a tonne (or 454 kg in pounds), so the
//! rule misreads only loads under a kilogram stored as grams. The copy for
//! import keeps Garmin's number untouched, so it never depends on this.

use serde::Serialize;
use serde_json::Value;

use super::fields::{field, number, unit_parts};
use super::ids::WeightUnit;

/// Values at or above this are read as grams.
pub const GRAMS_THRESHOLD: f64 = 1000.0;

/// A strength step's load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weight {
    /// The load in kilograms.
    pub kilograms: f64,
    /// The unit the coach chose for display.
    pub unit: WeightUnit,
    /// How Garmin's number was read.
    pub encoding: WeightEncoding,
}

/// How a `weightValue` was read (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightEncoding {
    /// The value was grams.
    Grams,
    /// The value was in the display unit.
    DisplayUnit,
}

/// The load of an executable step; `None` without a positive `weightValue`.
pub(super) fn weight(step: &Value) -> Option<Weight> {
    let value = number(field(step, "weightValue")).filter(|&v| v > 0.0)?;
    let (id, key, factor) = unit_parts(field(step, "weightUnit"));
    let unit = WeightUnit::from_garmin(id, key, factor);
    let (kilograms, encoding) = if value >= GRAMS_THRESHOLD {
        (value / 1000.0, WeightEncoding::Grams)
    } else {
        (value * unit.kilograms(), WeightEncoding::DisplayUnit)
    };
    // Loads are never finer than a gram; this also drops float noise.
    Some(Weight { kilograms: (kilograms * 1000.0).round() / 1000.0, unit, encoding })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kg() -> Value {
        json!({"unitId": 8, "unitKey": "kilogram", "factor": 1000.0})
    }

    fn lb() -> Value {
        json!({"unitId": 9, "unitKey": "pound", "factor": 453.59237})
    }

    fn read(value: Value, unit: Value) -> Option<Weight> {
        weight(&json!({"weightValue": value, "weightUnit": unit}))
    }

    #[test]
    fn grams_style_values_are_read_as_grams() {
        let w = read(json!(60000.0), kg()).unwrap();
        assert_eq!(
            (w.kilograms, w.unit, w.encoding),
            (60.0, WeightUnit::Kilogram, WeightEncoding::Grams)
        );
        let w = read(json!(20411.65665), lb()).unwrap();
        assert_eq!(w.kilograms, 20.412);
        assert_eq!((w.unit, w.encoding), (WeightUnit::Pound, WeightEncoding::Grams));
    }

    #[test]
    fn display_unit_values_are_converted_to_kilograms() {
        let w = read(json!(16), json!({"unitKey": "kilogram"})).unwrap();
        assert_eq!((w.kilograms, w.encoding), (16.0, WeightEncoding::DisplayUnit));
        let w = read(json!(135.0), lb()).unwrap();
        assert_eq!(w.kilograms, 61.235);
        let w = read(json!(999.0), json!(null)).unwrap();
        assert_eq!((w.kilograms, w.unit), (999.0, WeightUnit::Unspecified));
    }

    #[test]
    fn no_load_is_none() {
        assert_eq!(read(json!(null), kg()), None);
        assert_eq!(read(json!(0.0), kg()), None);
        assert_eq!(read(json!(-5.0), kg()), None);
        assert_eq!(read(json!("heavy"), kg()), None);
    }
}
