//! Garmin's workout id tables (GARMIN.md §5.6), shared by the create-time
//! normalisation and `GET /workout-service/workout/types`.
//!
//! Ids are authoritative: a key sent with an id is replaced by the id's key.
//! Where §5.6 marks a `displayOrder` as unknown, the id is used.

use serde_json::{Map, Value, json};

/// One row of a type table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub id: i64,
    pub key: Option<&'static str>,
    pub display_order: i64,
}

/// A table and the JSON field names its objects use.
pub(crate) struct Table {
    pub id_field: &'static str,
    pub key_field: &'static str,
    pub entries: &'static [Entry],
    /// Input keys accepted for an entry besides its own (`cadence.zone`).
    pub aliases: &'static [(&'static str, i64)],
}

const fn e(id: i64, key: &'static str, display_order: i64) -> Entry {
    Entry { id, key: Some(key), display_order }
}

pub(crate) const SPORT_TYPES: Table = Table {
    id_field: "sportTypeId",
    key_field: "sportTypeKey",
    entries: &[
        e(1, "running", 1),
        e(2, "cycling", 2),
        e(3, "other", 3),
        e(4, "swimming", 3),
        e(5, "strength_training", 5),
        e(6, "cardio_training", 6),
        e(7, "yoga", 7),
        e(8, "pilates", 8),
        e(9, "hiit", 9),
        e(10, "multi_sport", 10),
        e(11, "mobility", 11),
    ],
    aliases: &[],
};

pub(crate) const STEP_TYPES: Table = Table {
    id_field: "stepTypeId",
    key_field: "stepTypeKey",
    entries: &[
        e(1, "warmup", 1),
        e(2, "cooldown", 2),
        e(3, "interval", 3),
        e(4, "recovery", 4),
        e(5, "rest", 5),
        e(6, "repeat", 6),
        e(7, "other", 7),
        e(8, "main", 8),
    ],
    aliases: &[],
};

pub(crate) const CONDITION_TYPES: Table = Table {
    id_field: "conditionTypeId",
    key_field: "conditionTypeKey",
    entries: &[
        e(1, "lap.button", 1),
        e(2, "time", 2),
        e(3, "distance", 3),
        e(4, "calories", 4),
        e(5, "power", 5),
        e(6, "heart.rate", 6),
        e(7, "iterations", 7),
        e(8, "fixed.rest", 8),
        e(9, "fixed.repetition", 9),
        e(10, "reps", 10),
        e(11, "training.peaks.tss", 11),
        e(12, "repetition.time", 12),
        e(13, "time.at.valid.cda", 13),
        e(14, "power.last.lap", 14),
        e(15, "max.power.last.lap", 15),
        e(16, "repetition.swim.css.offset", 16),
    ],
    aliases: &[],
};

pub(crate) const TARGET_TYPES: Table = Table {
    id_field: "workoutTargetTypeId",
    key_field: "workoutTargetTypeKey",
    entries: &[
        e(1, "no.target", 1),
        e(2, "power.zone", 2),
        e(3, "cadence", 3),
        e(4, "heart.rate.zone", 4),
        e(5, "speed.zone", 5),
        e(6, "pace.zone", 6),
        e(7, "grade", 7),
        e(8, "heart.rate.lap", 8),
        e(9, "power.lap", 9),
        e(10, "power.3s", 10),
        e(11, "power.10s", 11),
        e(12, "power.30s", 12),
        e(13, "speed.lap", 13),
        e(14, "swim.stroke", 14),
        e(15, "resistance", 15),
        e(16, "power.curve", 16),
        e(17, "swim.css.offset", 17),
        e(18, "swim.instruction", 18),
        e(19, "instruction", 19),
    ],
    aliases: &[("cadence.zone", 3)],
};

/// Id 0 is "none": Garmin sends `{"strokeTypeId": 0, "strokeTypeKey": null, "displayOrder": 0}`.
pub(crate) const STROKE_TYPES: Table = Table {
    id_field: "strokeTypeId",
    key_field: "strokeTypeKey",
    entries: &[
        Entry { id: 0, key: None, display_order: 0 },
        e(1, "any_stroke", 1),
        e(2, "backstroke", 2),
        e(3, "breaststroke", 3),
        e(4, "drill", 4),
        e(5, "fly", 5),
        e(6, "free", 6),
        e(7, "individual_medley", 7),
        e(8, "mixed", 8),
        e(9, "individual_medley_by_round", 9),
        e(10, "reverse_individual_medley_by_round", 10),
    ],
    aliases: &[],
};

pub(crate) const EQUIPMENT_TYPES: Table = Table {
    id_field: "equipmentTypeId",
    key_field: "equipmentTypeKey",
    entries: &[
        Entry { id: 0, key: None, display_order: 0 },
        e(1, "fins", 1),
        e(2, "kickboard", 2),
        e(3, "paddles", 3),
        e(4, "pull_buoy", 4),
        e(5, "snorkel", 5),
    ],
    aliases: &[],
};

pub(crate) const INTENSITY_TYPES: Table = Table {
    id_field: "intensityTypeId",
    key_field: "intensityTypeKey",
    entries: &[e(1, "active", 1), e(2, "rest", 2), e(3, "warmup", 3), e(4, "cooldown", 4)],
    aliases: &[],
};

pub(crate) const DRILL_TYPES: Table = Table {
    id_field: "drillTypeId",
    key_field: "drillTypeKey",
    entries: &[e(1, "kick", 1), e(2, "pull", 2), e(3, "drill", 3)],
    aliases: &[],
};

/// A unit object: `factor` is centimetres (distances) or grams (weights) per unit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    pub id: i64,
    pub key: &'static str,
    pub factor: f64,
}

pub(crate) const UNITS: &[Unit] = &[
    Unit { id: 1, key: "meter", factor: 100.0 },
    Unit { id: 2, key: "kilometer", factor: 100_000.0 },
    Unit { id: 4, key: "mile", factor: 160_934.4 },
    Unit { id: 8, key: "kilogram", factor: 1000.0 },
    Unit { id: 9, key: "pound", factor: 453.592_37 },
    Unit { id: 230, key: "yard", factor: 91.44 },
];

/// Strength exercise categories Garmin accepts: the web editor's catalogue
/// (python-garminconnect `exercises.py`) plus the remaining FIT SDK names.
/// `UNASSIGNED` is deliberately absent (GARMIN.md §0.1: refused with 400).
pub(crate) const EXERCISE_CATEGORIES: &[&str] = &[
    "BANDED_EXERCISES",
    "BATTLE_ROPE",
    "BENCH_PRESS",
    "BIKE",
    "BIKE_OUTDOOR",
    "CALF_RAISE",
    "CARDIO",
    "CARDIO_SENSORS",
    "CARRY",
    "CHOP",
    "CORE",
    "CRUNCH",
    "CURL",
    "DEADLIFT",
    "ELLIPTICAL",
    "FLOOR_CLIMB",
    "FLYE",
    "HIP_RAISE",
    "HIP_STABILITY",
    "HIP_SWING",
    "HYPEREXTENSION",
    "INDOOR_BIKE",
    "INDOOR_ROW",
    "LADDER",
    "LATERAL_RAISE",
    "LEG_CURL",
    "LEG_RAISE",
    "LUNGE",
    "MOVE",
    "OLYMPIC_LIFT",
    "PLANK",
    "PLYO",
    "POSE",
    "PULL_UP",
    "PUSH_UP",
    "ROW",
    "RUN",
    "RUN_INDOOR",
    "SANDBAG",
    "SHOULDER_PRESS",
    "SHOULDER_STABILITY",
    "SHRUG",
    "SIT_UP",
    "SLED",
    "SLEDGE_HAMMER",
    "SQUAT",
    "STAIR_STEPPER",
    "SUSPENSION",
    "TIRE",
    "TOTAL_BODY",
    "TRICEPS_EXTENSION",
    "WARM_UP",
];

pub(crate) const SPORT_MULTI: i64 = 10;
pub(crate) const SPORT_STRENGTH: i64 = 5;
pub(crate) const STEP_REST: i64 = 5;
pub(crate) const STEP_RECOVERY: i64 = 4;
pub(crate) const STEP_REPEAT: i64 = 6;
pub(crate) const STEP_INTERVAL: i64 = 3;
pub(crate) const CONDITION_ITERATIONS: i64 = 7;
pub(crate) const CONDITION_REPS: i64 = 10;
pub(crate) const TARGET_NONE: i64 = 1;

impl Table {
    /// The entry an `{"…Id": …, "…Key": …}` object names: by id when it has
    /// one, else by key. `None` when it names nothing known.
    pub fn resolve(&self, object: &Map<String, Value>) -> Option<Entry> {
        match object.get(self.id_field).filter(|id| !id.is_null()) {
            Some(id) => self.by_id(id.as_i64()?),
            None => self.by_key(object.get(self.key_field)?.as_str()?),
        }
    }

    pub fn by_id(&self, id: i64) -> Option<Entry> {
        self.entries.iter().copied().find(|entry| entry.id == id)
    }

    pub fn by_key(&self, key: &str) -> Option<Entry> {
        let aliased = self.aliases.iter().find(|(alias, _)| *alias == key);
        match aliased {
            Some((_, id)) => self.by_id(*id),
            None => self.entries.iter().copied().find(|entry| entry.key == Some(key)),
        }
    }

    /// The object Garmin returns for `entry`.
    pub fn render(&self, entry: Entry) -> Value {
        json!({
            self.id_field: entry.id,
            self.key_field: entry.key,
            "displayOrder": entry.display_order,
        })
    }

    /// Every entry, as the types catalogue lists them.
    pub fn render_all(&self) -> Vec<Value> {
        self.entries.iter().filter(|entry| entry.key.is_some()).map(|e| self.render(*e)).collect()
    }
}

/// `endCondition` objects also carry `displayable` (false for iterations).
pub(crate) fn render_condition(entry: Entry) -> Value {
    let mut value = CONDITION_TYPES.render(entry);
    if let Some(object) = value.as_object_mut() {
        object.insert("displayable".to_owned(), Value::Bool(entry.id != CONDITION_ITERATIONS));
    }
    value
}

impl Unit {
    /// The unit an `{"unitId": …, "unitKey": …}` object names; `Ok(None)`
    /// when it names none (all fields null), `Err` when it names an unknown one.
    pub fn resolve(object: &Map<String, Value>) -> Result<Option<Unit>, ()> {
        if let Some(id) = object.get("unitId").filter(|id| !id.is_null()) {
            let id = id.as_i64().ok_or(())?;
            return UNITS.iter().copied().find(|unit| unit.id == id).map(Some).ok_or(());
        }
        match object.get("unitKey").filter(|key| !key.is_null()) {
            None => Ok(None),
            Some(key) => {
                let key = key.as_str().ok_or(())?;
                UNITS.iter().copied().find(|unit| unit.key == key).map(Some).ok_or(())
            }
        }
    }

    pub fn render(self) -> Value {
        json!({"unitId": self.id, "unitKey": self.key, "factor": self.factor})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn ids_win_over_keys() {
        let entry =
            STROKE_TYPES.resolve(&object(json!({"strokeTypeId": 1, "strokeTypeKey": "mixed"})));
        assert_eq!(entry.unwrap().key, Some("any_stroke"));
    }

    #[test]
    fn the_cadence_zone_alias_resolves_to_cadence() {
        let entry = TARGET_TYPES.resolve(&object(json!({"workoutTargetTypeKey": "cadence.zone"})));
        assert_eq!(TARGET_TYPES.render(entry.unwrap())["workoutTargetTypeKey"], "cadence");
    }

    #[test]
    fn a_unit_key_alone_is_filled_in() {
        let unit = Unit::resolve(&object(json!({"unitKey": "meter"}))).unwrap().unwrap();
        assert_eq!(unit.render(), json!({"unitId": 1, "unitKey": "meter", "factor": 100.0}));
        assert!(Unit::resolve(&object(json!({"unitKey": null}))).unwrap().is_none());
        assert!(Unit::resolve(&object(json!({"unitKey": "furlong"}))).is_err());
    }

    #[test]
    fn swimming_is_id_four() {
        assert_eq!(SPORT_TYPES.by_key("swimming").unwrap().id, 4);
    }
}
