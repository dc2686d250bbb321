//! Garmin's id tables (GARMIN.md §5.6) as enums whose discriminants equal
//! Garmin's ids, which are also the numbers of `baton.garmin.v1` enums.
//! Display units are the exception: their proto numbers are Baton's own, so
//! they are read from Garmin's unit objects by id, key or factor.

use serde::Serialize;

/// An enum read from one of Garmin's `{…Id, …Key, displayOrder}` objects.
pub trait GarminId: Copy + Default {
    /// The value for Garmin's id; `Unspecified` for ids Baton does not know.
    fn from_id(id: i64) -> Self;
    /// The value for Garmin's key (case-insensitive, aliases accepted).
    fn from_key(key: &str) -> Self;
    /// Garmin's canonical key, `None` for `Unspecified`.
    fn key(self) -> Option<&'static str>;
}

/// A Garmin enum value together with the key Garmin sent, so an id Baton
/// does not know (`Unspecified`) can still be shown by its key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Keyed<T> {
    /// The known value, or `Unspecified`.
    pub kind: T,
    /// Garmin's key as sent (e.g. "walking"); when Garmin sent only a known
    /// id, the canonical key for it; empty when neither is known.
    pub key: String,
}

impl<T: Default + PartialEq> Keyed<T> {
    /// Neither a known value nor a key: Garmin said nothing (or "none").
    pub fn is_unspecified(&self) -> bool {
        self.kind == T::default() && self.key.is_empty()
    }
}

macro_rules! garmin_ids {
    (
        $(#[$meta:meta])*
        $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $id:literal => $key:literal $(| $alias:literal)*,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
        #[repr(i32)]
        pub enum $name {
            /// Absent, Garmin's "none", or an id Baton does not know.
            #[default]
            Unspecified = 0,
            $($(#[$vmeta])* $variant = $id,)*
        }

        impl $name {
            /// Garmin's id, equal to the proto enum number.
            pub fn id(self) -> i32 {
                self as i32
            }
        }

        impl GarminId for $name {
            fn from_id(id: i64) -> Self {
                match id {
                    $($id => Self::$variant,)*
                    _ => Self::Unspecified,
                }
            }

            fn from_key(key: &str) -> Self {
                match key.trim().to_ascii_lowercase().as_str() {
                    $($key $(| $alias)* => Self::$variant,)*
                    _ => Self::Unspecified,
                }
            }

            fn key(self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => Some($key),)*
                    Self::Unspecified => None,
                }
            }
        }
    };
}

garmin_ids! {
    /// Garmin's `sportType`.
    SportType {
        Running = 1 => "running",
        Cycling = 2 => "cycling",
        Other = 3 => "other",
        Swimming = 4 => "swimming",
        StrengthTraining = 5 => "strength_training",
        CardioTraining = 6 => "cardio_training",
        Yoga = 7 => "yoga",
        Pilates = 8 => "pilates",
        Hiit = 9 => "hiit",
        /// Several legs, one segment each.
        MultiSport = 10 => "multi_sport",
        Mobility = 11 => "mobility",
    }
}

garmin_ids! {
    /// Garmin's `stepType` of an executable step (id 6, "repeat", is a
    /// repeat group and has no value here).
    StepType {
        Warmup = 1 => "warmup",
        Cooldown = 2 => "cooldown",
        Interval = 3 => "interval",
        Recovery = 4 => "recovery",
        Rest = 5 => "rest",
        Other = 7 => "other",
        Main = 8 => "main",
    }
}

garmin_ids! {
    /// Garmin's `endCondition`: what ends a step.
    EndConditionType {
        /// Open-ended: the athlete presses the lap button.
        LapButton = 1 => "lap.button",
        /// Seconds.
        Time = 2 => "time",
        /// Metres.
        Distance = 3 => "distance",
        /// Kilocalories.
        Calories = 4 => "calories",
        /// Watts, with a comparison.
        Power = 5 => "power",
        /// Beats per minute, with a comparison.
        HeartRate = 6 => "heart.rate",
        /// Repeat groups only.
        Iterations = 7 => "iterations",
        /// Seconds (swim rest on a fixed interval).
        FixedRest = 8 => "fixed.rest",
        FixedRepetition = 9 => "fixed.repetition",
        /// A repetition count (strength).
        Reps = 10 => "reps",
        TrainingPeaksTss = 11 => "training.peaks.tss",
        /// Seconds.
        RepetitionTime = 12 => "repetition.time",
        TimeAtValidCda = 13 => "time.at.valid.cda",
        PowerLastLap = 14 => "power.last.lap",
        MaxPowerLastLap = 15 => "max.power.last.lap",
        RepetitionSwimCssOffset = 16 => "repetition.swim.css.offset",
    }
}

garmin_ids! {
    /// Garmin's `targetType` / `secondaryTargetType`.
    TargetType {
        NoTarget = 1 => "no.target",
        /// Watts (or %FTP, see `TargetUnit`), or a power zone.
        Power = 2 => "power.zone",
        /// rpm (cycling) or steps per minute (running).
        Cadence = 3 => "cadence" | "cadence.zone",
        /// Beats per minute, or a heart-rate zone.
        HeartRate = 4 => "heart.rate.zone",
        /// Metres per second, shown as speed.
        Speed = 5 => "speed.zone",
        /// Metres per second, shown as pace.
        Pace = 6 => "pace.zone",
        /// Percent gradient.
        Grade = 7 => "grade",
        HeartRateLap = 8 => "heart.rate.lap",
        PowerLap = 9 => "power.lap",
        Power3s = 10 => "power.3s",
        Power10s = 11 => "power.10s",
        Power30s = 12 => "power.30s",
        SpeedLap = 13 => "speed.lap",
        SwimStroke = 14 => "swim.stroke",
        Resistance = 15 => "resistance",
        PowerCurve = 16 => "power.curve",
        SwimCssOffset = 17 => "swim.css.offset",
        SwimInstruction = 18 => "swim.instruction",
        Instruction = 19 => "instruction",
    }
}

impl TargetType {
    /// Targets whose values are power (watts or %FTP).
    pub fn is_power(self) -> bool {
        matches!(
            self,
            Self::Power | Self::PowerLap | Self::Power3s | Self::Power10s | Self::Power30s
        )
    }
}

garmin_ids! {
    /// Garmin's `strokeType` (Garmin's 0, "none", is `Unspecified`).
    StrokeType {
        AnyStroke = 1 => "any_stroke",
        Backstroke = 2 => "backstroke",
        Breaststroke = 3 => "breaststroke",
        Drill = 4 => "drill",
        Fly = 5 => "fly",
        Free = 6 => "free",
        IndividualMedley = 7 => "individual_medley",
        Mixed = 8 => "mixed",
        IndividualMedleyByRound = 9 => "individual_medley_by_round",
        ReverseIndividualMedleyByRound = 10 => "reverse_individual_medley_by_round",
    }
}

garmin_ids! {
    /// Garmin's `equipmentType` (Garmin's 0, "none", is `Unspecified`).
    EquipmentType {
        Fins = 1 => "fins",
        Kickboard = 2 => "kickboard",
        Paddles = 3 => "paddles",
        PullBuoy = 4 => "pull_buoy",
        Snorkel = 5 => "snorkel",
    }
}

garmin_ids! {
    /// Garmin's `drillType` (swim drills).
    DrillType {
        Kick = 1 => "kick",
        Pull = 2 => "pull",
        Drill = 3 => "drill",
    }
}

/// How a heart-rate or power end condition compares with its value
/// (Garmin's `endConditionCompare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[repr(i32)]
pub enum ConditionComparison {
    /// Absent or not recognised.
    #[default]
    Unspecified = 0,
    /// End when the measurement rises above the value ("gt").
    GreaterThan = 1,
    /// End when the measurement falls below the value ("lt").
    LessThan = 2,
}

impl ConditionComparison {
    /// `Unspecified`.
    pub fn is_unspecified(&self) -> bool {
        *self == Self::Unspecified
    }

    /// Reads "gt"/"lt" (also ">", "<", "greater…", "less…").
    pub fn from_garmin(text: &str) -> Self {
        let text = text.trim().to_ascii_lowercase();
        if text == "gt" || text == ">" || text.starts_with("greater") {
            Self::GreaterThan
        } else if text == "lt" || text == "<" || text.starts_with("less") {
            Self::LessThan
        } else {
            Self::Unspecified
        }
    }
}

/// Display unit for a distance; the numbers are the proto's, not Garmin's
/// `unitId`s (meter 1, kilometer 2, mile 4, yard 230).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[repr(i32)]
pub enum DistanceUnit {
    #[default]
    Unspecified = 0,
    Meter = 1,
    Kilometer = 2,
    Mile = 3,
    Yard = 4,
}

impl DistanceUnit {
    /// `Unspecified`.
    pub fn is_unspecified(&self) -> bool {
        *self == Self::Unspecified
    }

    /// From a Garmin unit object's `unitId`, `unitKey` or `factor`
    /// (centimetres per unit), tried in that order.
    pub fn from_garmin(id: Option<i64>, key: Option<&str>, factor: Option<f64>) -> Self {
        let by_id = match id {
            Some(1) => Self::Meter,
            Some(2) => Self::Kilometer,
            Some(4) => Self::Mile,
            Some(230) => Self::Yard,
            _ => Self::Unspecified,
        };
        if by_id != Self::Unspecified {
            return by_id;
        }
        let by_key = match key.map(|k| k.trim().to_ascii_lowercase()).as_deref() {
            Some("meter" | "metre" | "m") => Self::Meter,
            Some("kilometer" | "kilometre" | "km") => Self::Kilometer,
            Some("mile" | "mi") => Self::Mile,
            Some("yard" | "yd") => Self::Yard,
            _ => Self::Unspecified,
        };
        if by_key != Self::Unspecified {
            return by_key;
        }
        let near = |a: f64, b: f64| (a - b).abs() < 1e-6 * b;
        match factor {
            Some(f) if near(f, 100.0) => Self::Meter,
            Some(f) if near(f, 100_000.0) => Self::Kilometer,
            Some(f) if near(f, 160_934.4) => Self::Mile,
            Some(f) if near(f, 91.44) => Self::Yard,
            _ => Self::Unspecified,
        }
    }

    /// Metres in one unit; `None` for `Unspecified`.
    pub fn meters(self) -> Option<f64> {
        match self {
            Self::Unspecified => None,
            Self::Meter => Some(1.0),
            Self::Kilometer => Some(1000.0),
            Self::Mile => Some(1609.344),
            Self::Yard => Some(0.9144),
        }
    }
}

/// Display unit for a strength load; the numbers are the proto's, not
/// Garmin's `unitId`s (kilogram 8, pound 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[repr(i32)]
pub enum WeightUnit {
    #[default]
    Unspecified = 0,
    Kilogram = 1,
    Pound = 2,
}

impl WeightUnit {
    /// From a Garmin unit object's `unitId`, `unitKey` or `factor` (grams
    /// per unit), tried in that order.
    pub fn from_garmin(id: Option<i64>, key: Option<&str>, factor: Option<f64>) -> Self {
        match id {
            Some(8) => return Self::Kilogram,
            Some(9) => return Self::Pound,
            _ => {}
        }
        match key.map(|k| k.trim().to_ascii_lowercase()).as_deref() {
            Some("kilogram" | "kg") => return Self::Kilogram,
            Some("pound" | "lb" | "lbs") => return Self::Pound,
            _ => {}
        }
        match factor {
            Some(f) if (f - 1000.0).abs() < 1e-6 => Self::Kilogram,
            Some(f) if (f - 453.59237).abs() < 1e-6 => Self::Pound,
            _ => Self::Unspecified,
        }
    }

    /// Kilograms in one unit; a missing unit is read as kilograms.
    pub fn kilograms(self) -> f64 {
        match self {
            Self::Unspecified | Self::Kilogram => 1.0,
            Self::Pound => 0.453_592_37,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_garmins_and_keys_resolve_both_ways() {
        assert_eq!(SportType::from_id(4), SportType::Swimming);
        assert_eq!(SportType::Swimming.id(), 4);
        assert_eq!(SportType::from_key("Strength_Training"), SportType::StrengthTraining);
        assert_eq!(SportType::from_id(17), SportType::Unspecified);
        assert_eq!(EndConditionType::from_id(3), EndConditionType::Distance);
        assert_eq!(EndConditionType::from_id(1).key(), Some("lap.button"));
        assert_eq!(TargetType::from_key("cadence.zone"), TargetType::Cadence);
        assert_eq!(TargetType::Cadence.key(), Some("cadence"));
        assert_eq!(StepType::from_id(6), StepType::Unspecified);
        assert_eq!(StrokeType::from_id(0), StrokeType::Unspecified);
        assert_eq!(EquipmentType::from_key("pull_buoy").id(), 4);
        assert_eq!(DrillType::from_id(2), DrillType::Pull);
    }

    #[test]
    fn units_read_from_id_key_or_factor() {
        assert_eq!(DistanceUnit::from_garmin(Some(230), None, None), DistanceUnit::Yard);
        assert_eq!(
            DistanceUnit::from_garmin(None, Some("kilometer"), None),
            DistanceUnit::Kilometer
        );
        assert_eq!(DistanceUnit::from_garmin(None, None, Some(160_934.4)), DistanceUnit::Mile);
        assert_eq!(DistanceUnit::from_garmin(None, None, None), DistanceUnit::Unspecified);
        assert_eq!(WeightUnit::from_garmin(Some(9), None, None), WeightUnit::Pound);
        assert_eq!(WeightUnit::from_garmin(None, None, Some(1000.0)), WeightUnit::Kilogram);
        assert_eq!(ConditionComparison::from_garmin("gt"), ConditionComparison::GreaterThan);
        assert_eq!(ConditionComparison::from_garmin("LT"), ConditionComparison::LessThan);
        assert_eq!(ConditionComparison::from_garmin("eq"), ConditionComparison::Unspecified);
    }
}
