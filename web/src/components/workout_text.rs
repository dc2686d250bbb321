//! Workouts in words: each step as one line a person reads at a glance,
//! e.g. "5 × (1 km @ 4:00–4:10 /km, 2:00 recovery)", with targets in the
//! reader's units (pace per km or mile, speed, watts or % FTP, heart-rate
//! zones or bpm, cadence), swim strokes and equipment, and strength
//! exercises with reps and loads. Pure functions, so they are tested here.

use crate::api::{
    Compare, DistanceUnit, Drill, End, Equipment, Exercise, SingleStep, Sport, Step, StepKind,
    Stroke, Target, TargetKind, TargetUnit, Units, WeightUnit,
};

const METERS_PER_MILE: f64 = 1609.344;
const METERS_PER_YARD: f64 = 0.9144;
const POUNDS_PER_KG: f64 = 2.204_622_6;

/// How to say a workout's steps: in the reader's units, for its sport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Speech {
    pub units: Units,
    pub sport: Sport,
}

/// One entry of a step list as a line, e.g. "Warm-up: 15:00 @ HR zone 2".
pub fn step_line(step: &Step, say: Speech) -> String {
    match step {
        Step::Single(single) => {
            let body = body(single, say);
            match kind_label(single.kind) {
                Some(label) => format!("{label}: {body}"),
                None => capitalised(&body),
            }
        }
        Step::Repeat(_) => capitalised(&inner(step, say)),
    }
}

/// The notes of a step and of every step inside it, in order.
pub fn step_notes(step: &Step) -> Vec<&str> {
    match step {
        Step::Single(single) if !single.notes.trim().is_empty() => vec![single.notes.trim()],
        Step::Single(_) => Vec::new(),
        Step::Repeat(repeat) => repeat.steps.iter().flat_map(step_notes).collect(),
    }
}

/// A step inside a repeat: recoveries and rests named after their length.
fn inner(step: &Step, say: Speech) -> String {
    match step {
        Step::Single(single) => {
            let at = targets(single, say);
            match single.kind {
                StepKind::Recovery => format!("{} recovery{at}", end(&single.end, say)),
                StepKind::Rest => format!("{} rest{at}", end(&single.end, say)),
                StepKind::Warmup => format!("warm-up {}", body(single, say)),
                StepKind::Cooldown => format!("cool-down {}", body(single, say)),
                _ => body(single, say),
            }
        }
        Step::Repeat(repeat) => {
            let parts: Vec<String> = repeat.steps.iter().map(|step| inner(step, say)).collect();
            let parts = parts.join(", ");
            if repeat.until_lap_button {
                format!("repeat until lap button ({parts})")
            } else {
                format!("{} × ({parts})", repeat.iterations)
            }
        }
    }
}

fn kind_label(kind: StepKind) -> Option<&'static str> {
    match kind {
        StepKind::Warmup => Some("Warm-up"),
        StepKind::Cooldown => Some("Cool-down"),
        StepKind::Recovery => Some("Recovery"),
        StepKind::Rest => Some("Rest"),
        StepKind::Interval | StepKind::Main | StepKind::Other => None,
    }
}

/// What the step is (its length and, for swims and strength, what to do)
/// and what it aims at.
fn body(step: &SingleStep, say: Speech) -> String {
    let what = match &step.exercise {
        Some(exercise) => exercise_text(&step.end, exercise, say),
        None => {
            let mut what = end(&step.end, say);
            if let Some(stroke) = step.stroke {
                what = format!("{what} {}", stroke_label(stroke));
            }
            if let Some(drill) = step.drill {
                what = format!("{what} {}", drill_label(drill));
            }
            if let Some(equipment) = step.equipment {
                what = format!("{what} with {}", equipment_label(equipment));
            }
            what
        }
    };
    format!("{what}{}", targets(step, say))
}

/// " @ target and second target", or nothing.
fn targets(step: &SingleStep, say: Speech) -> String {
    let texts: Vec<String> = [&step.target, &step.secondary_target]
        .into_iter()
        .flatten()
        .map(|t| target(t, say))
        .collect();
    if texts.is_empty() { String::new() } else { format!(" @ {}", texts.join(" and ")) }
}

/// What ends a step, e.g. "15:00", "400 m", "until lap button".
pub fn end(end: &End, say: Speech) -> String {
    match end {
        End::LapButton => "until lap button".to_owned(),
        End::Time { seconds } | End::FixedRest { seconds } => clock(*seconds),
        End::Distance { meters, unit } => distance(*meters, *unit, say),
        End::Calories { kcal } => format!("{} kcal", number(*kcal, 0)),
        End::HeartRate { compare, bpm, zone } => {
            let value = match (zone, bpm) {
                (Some(zone), _) => format!("zone {zone}"),
                (None, Some(bpm)) => format!("{} bpm", number(*bpm, 0)),
                (None, None) => String::new(),
            };
            until("heart rate", *compare, &value)
        }
        End::Power { compare, watts, zone } => {
            let value = match (zone, watts) {
                (Some(zone), _) => format!("zone {zone}"),
                (None, Some(watts)) => format!("{} W", number(*watts, 0)),
                (None, None) => String::new(),
            };
            until("power", *compare, &value)
        }
        End::Reps { count } => format!("{} reps", number(*count, 0)),
        End::Other { key, value } => match value {
            Some(value) => format!("{} {}", humanised(key), number(*value, 2)),
            None => humanised(key),
        },
    }
}

fn until(what: &str, compare: Compare, value: &str) -> String {
    match compare {
        Compare::Above => format!("until {what} rises above {value}"),
        Compare::Below => format!("until {what} falls below {value}"),
        Compare::Unspecified => format!("until {what} reaches {value}"),
    }
}

/// "10 × barbell bench press, 60 kg"; a timed exercise "0:45 plank".
fn exercise_text(ending: &End, exercise: &Exercise, say: Speech) -> String {
    let name = if exercise.name.is_empty() { &exercise.category } else { &exercise.name };
    let name = humanised(name);
    let what = match ending {
        End::Reps { count } => format!("{} × {name}", number(*count, 0)),
        End::LapButton => format!("{name} until lap button"),
        other => format!("{} {name}", end(other, say)),
    };
    match exercise.weight_kg {
        Some(kg) if kg > 0.0 => format!("{what}, {}", weight(kg, exercise.weight_unit, say)),
        _ => what,
    }
}

/// A load in the coach's chosen unit, else the reader's.
fn weight(kg: f64, unit: WeightUnit, say: Speech) -> String {
    let pounds = match unit {
        WeightUnit::Pound => true,
        WeightUnit::Kilogram => false,
        WeightUnit::Unspecified => say.units == Units::Imperial,
    };
    if pounds {
        format!("{} lb", number(kg * POUNDS_PER_KG, 0))
    } else {
        format!("{} kg", number(kg, 1))
    }
}

/// A distance: the coach's chosen system, else the reader's; swims stay in
/// metres or yards, other sports switch to km or miles when long.
pub fn distance(meters: f64, unit: DistanceUnit, say: Speech) -> String {
    let imperial = match unit {
        DistanceUnit::Mile | DistanceUnit::Yard => true,
        DistanceUnit::Meter | DistanceUnit::Kilometer => false,
        DistanceUnit::Unspecified => say.units == Units::Imperial,
    };
    let swim = say.sport == Sport::Swimming;
    match (imperial, unit) {
        (false, DistanceUnit::Kilometer) => format!("{} km", number(meters / 1000.0, 2)),
        (false, _) if swim || meters < 1000.0 => format!("{} m", number(meters, 0)),
        (false, _) => format!("{} km", number(meters / 1000.0, 2)),
        (true, DistanceUnit::Yard) => format!("{} yd", number(meters / METERS_PER_YARD, 0)),
        (true, DistanceUnit::Mile) => format!("{} mi", number(meters / METERS_PER_MILE, 2)),
        (true, _) if swim || meters < 400.0 => {
            format!("{} yd", number(meters / METERS_PER_YARD, 0))
        }
        (true, _) => format!("{} mi", number(meters / METERS_PER_MILE, 2)),
    }
}

/// What a target asks for, e.g. "4:00–4:10 /km", "88–94% FTP", "HR zone 2".
pub fn target(target: &Target, say: Speech) -> String {
    if let Some(zone) = target.zone {
        return match target.kind {
            TargetKind::HeartRate => format!("HR zone {zone}"),
            TargetKind::Power => format!("power zone {zone}"),
            TargetKind::Pace => format!("pace zone {zone}"),
            TargetKind::Speed => format!("speed zone {zone}"),
            TargetKind::Cadence => format!("cadence zone {zone}"),
            TargetKind::Grade | TargetKind::Other => {
                format!("{} zone {zone}", humanised(&target.key))
            }
        };
    }
    let (low, high) = (target.low, target.high);
    let imperial = say.units == Units::Imperial;
    match target.kind {
        TargetKind::Pace => {
            let per = if imperial { METERS_PER_MILE } else { 1000.0 };
            let pace = |speed: f64| (speed > 0.0).then(|| clock(per / speed));
            // The faster pace (higher speed) first, as people write them.
            let text = range(high.and_then(pace), low.and_then(pace));
            format!("{text} {}", if imperial { "/mi" } else { "/km" })
        }
        TargetKind::Speed => {
            let (factor, unit) =
                if imperial { (3600.0 / METERS_PER_MILE, "mph") } else { (3.6, "km/h") };
            let speed = |mps: f64| number(mps * factor, 1);
            format!("{} {unit}", range(low.map(speed), high.map(speed)))
        }
        TargetKind::Power => {
            let text = range(low.map(|v| number(v, 0)), high.map(|v| number(v, 0)));
            match &target.unit {
                TargetUnit::PercentFtp => format!("{text}% FTP"),
                TargetUnit::Other(key) => format!("{text} {}", humanised(key)),
                TargetUnit::Native => format!("{text} W"),
            }
        }
        TargetKind::HeartRate => {
            let text = range(low.map(|v| number(v, 0)), high.map(|v| number(v, 0)));
            match &target.unit {
                TargetUnit::Other(key) => format!("HR {text} {}", humanised(key)),
                _ => format!("{text} bpm"),
            }
        }
        TargetKind::Cadence => {
            let unit = if say.sport == Sport::Running { "spm" } else { "rpm" };
            format!("{} {unit}", range(low.map(|v| number(v, 0)), high.map(|v| number(v, 0))))
        }
        TargetKind::Grade => {
            format!("{}% grade", range(low.map(|v| number(v, 1)), high.map(|v| number(v, 1))))
        }
        TargetKind::Other => {
            let text = range(low.map(|v| number(v, 1)), high.map(|v| number(v, 1)));
            format!("{} {text}", humanised(&target.key)).trim_end().to_owned()
        }
    }
}

/// "a–b", or one value when both are the same or only one is set.
fn range(low: Option<String>, high: Option<String>) -> String {
    match (low, high) {
        (Some(low), Some(high)) if low == high => low,
        (Some(low), Some(high)) => format!("{low}–{high}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => String::new(),
    }
}

/// "0:45", "4:05", "15:00", "1:05:00".
pub fn clock(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes}:{secs:02}")
    }
}

/// "45 min", "1 h 30 min", "50 s".
pub fn duration_words(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    match (total / 3600, (total % 3600).div_ceil(60)) {
        (0, 0) => format!("{total} s"),
        (hours, 60) => format!("{} h", hours + 1),
        (0, minutes) => format!("{minutes} min"),
        (hours, 0) => format!("{hours} h"),
        (hours, minutes) => format!("{hours} h {minutes} min"),
    }
}

/// At most `decimals` decimals, trailing zeros dropped: 1, 1.5, 0.25.
pub fn number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// Garmin's keys for people: "BARBELL_BENCH_PRESS" → "barbell bench press".
fn humanised(key: &str) -> String {
    key.replace(['_', '.'], " ").to_lowercase()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn stroke_label(stroke: Stroke) -> &'static str {
    match stroke {
        Stroke::Any => "any stroke",
        Stroke::Backstroke => "backstroke",
        Stroke::Breaststroke => "breaststroke",
        Stroke::Drill => "drill",
        Stroke::Fly => "butterfly",
        Stroke::Free => "freestyle",
        Stroke::IndividualMedley => "IM",
        Stroke::Mixed => "mixed strokes",
    }
}

fn drill_label(drill: Drill) -> &'static str {
    match drill {
        Drill::Kick => "kick drill",
        Drill::Pull => "pull drill",
        Drill::Technique => "drill",
    }
}

fn equipment_label(equipment: Equipment) -> &'static str {
    match equipment {
        Equipment::Fins => "fins",
        Equipment::Kickboard => "kickboard",
        Equipment::Paddles => "paddles",
        Equipment::PullBuoy => "pull buoy",
        Equipment::Snorkel => "snorkel",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Repeat;

    const RUN: Speech = Speech { units: Units::Metric, sport: Sport::Running };

    fn single(kind: StepKind, end: End, target: Option<Target>) -> SingleStep {
        SingleStep::plain(kind, end, target)
    }

    fn pace(slow_per_km: f64, fast_per_km: f64) -> Target {
        Target {
            kind: TargetKind::Pace,
            key: "pace.zone".into(),
            zone: None,
            low: Some(1000.0 / slow_per_km),
            high: Some(1000.0 / fast_per_km),
            unit: TargetUnit::Native,
        }
    }

    fn zone(kind: TargetKind, zone: i32) -> Target {
        Target {
            kind,
            key: String::new(),
            zone: Some(zone),
            low: None,
            high: None,
            unit: TargetUnit::Native,
        }
    }

    fn meters(meters: f64) -> End {
        End::Distance { meters, unit: DistanceUnit::Unspecified }
    }

    #[test]
    fn an_interval_session_reads_as_coaches_write_it() {
        let repeat = Step::Repeat(Repeat {
            iterations: 5,
            skip_last_rest: true,
            until_lap_button: false,
            steps: vec![
                Step::Single(Box::new(single(
                    StepKind::Interval,
                    meters(1000.0),
                    Some(pace(250.0, 240.0)),
                ))),
                Step::Single(Box::new(single(
                    StepKind::Recovery,
                    End::Time { seconds: 120.0 },
                    None,
                ))),
            ],
        });
        assert_eq!(step_line(&repeat, RUN), "5 × (1 km @ 4:00–4:10 /km, 2:00 recovery)");
        let warm_up = Step::Single(Box::new(single(
            StepKind::Warmup,
            End::Time { seconds: 900.0 },
            Some(zone(TargetKind::HeartRate, 2)),
        )));
        assert_eq!(step_line(&warm_up, RUN), "Warm-up: 15:00 @ HR zone 2");
        let cool_down = Step::Single(Box::new(single(StepKind::Cooldown, End::LapButton, None)));
        assert_eq!(step_line(&cool_down, RUN), "Cool-down: until lap button");
    }

    #[test]
    fn nested_repeats_nest_in_brackets() {
        let inner = Step::Repeat(Repeat {
            iterations: 4,
            skip_last_rest: false,
            until_lap_button: false,
            steps: vec![
                Step::Single(Box::new(single(
                    StepKind::Interval,
                    meters(400.0),
                    Some(pace(240.0, 230.0)),
                ))),
                Step::Single(Box::new(single(StepKind::Recovery, meters(200.0), None))),
            ],
        });
        let outer = Step::Repeat(Repeat {
            iterations: 3,
            skip_last_rest: true,
            until_lap_button: false,
            steps: vec![
                inner,
                Step::Single(Box::new(single(StepKind::Rest, End::Time { seconds: 180.0 }, None))),
            ],
        });
        assert_eq!(
            step_line(&outer, RUN),
            "3 × (4 × (400 m @ 3:50–4:00 /km, 200 m recovery), 3:00 rest)"
        );
    }

    #[test]
    fn paces_follow_the_readers_units() {
        let imperial = Speech { units: Units::Imperial, sport: Sport::Running };
        // 4:00 /km is 6:26 /mi.
        let target = pace(240.0, 240.0);
        assert_eq!(super::target(&target, RUN), "4:00 /km");
        assert_eq!(super::target(&target, imperial), "6:26 /mi");
        assert_eq!(distance(5000.0, DistanceUnit::Unspecified, imperial), "3.11 mi");
        assert_eq!(distance(1609.344, DistanceUnit::Mile, RUN), "1 mi");
    }

    #[test]
    fn power_speed_heart_rate_and_cadence_have_their_units() {
        let ride = Speech { units: Units::Metric, sport: Sport::Cycling };
        let range = |kind, low, high, unit| Target {
            kind,
            key: String::new(),
            zone: None,
            low: Some(low),
            high: Some(high),
            unit,
        };
        let ftp = range(TargetKind::Power, 88.0, 94.0, TargetUnit::PercentFtp);
        assert_eq!(target(&ftp, ride), "88–94% FTP");
        assert_eq!(
            target(&range(TargetKind::Power, 200.0, 250.0, TargetUnit::Native), ride),
            "200–250 W"
        );
        assert_eq!(target(&zone(TargetKind::Power, 4), ride), "power zone 4");
        assert_eq!(
            target(&range(TargetKind::Speed, 7.5, 8.0, TargetUnit::Native), ride),
            "27–28.8 km/h"
        );
        assert_eq!(
            target(&range(TargetKind::HeartRate, 140.0, 150.0, TargetUnit::Native), ride),
            "140–150 bpm"
        );
        assert_eq!(
            target(&range(TargetKind::Cadence, 85.0, 95.0, TargetUnit::Native), ride),
            "85–95 rpm"
        );
        assert_eq!(
            target(&range(TargetKind::Cadence, 170.0, 180.0, TargetUnit::Native), RUN),
            "170–180 spm"
        );
    }

    #[test]
    fn strength_and_swim_steps_say_what_to_do() {
        let mut lift = single(StepKind::Interval, End::Reps { count: 10.0 }, None);
        lift.exercise = Some(Exercise {
            category: "BENCH_PRESS".into(),
            name: "BARBELL_BENCH_PRESS".into(),
            weight_kg: Some(60.0),
            weight_unit: WeightUnit::Kilogram,
        });
        let gym = Speech { units: Units::Imperial, sport: Sport::Strength };
        assert_eq!(
            step_line(&Step::Single(Box::new(lift.clone())), gym),
            "10 × barbell bench press, 60 kg"
        );
        lift.exercise = Some(Exercise {
            category: "PLANK".into(),
            name: String::new(),
            weight_kg: None,
            weight_unit: WeightUnit::Unspecified,
        });
        lift.end = End::Time { seconds: 45.0 };
        assert_eq!(step_line(&Step::Single(Box::new(lift)), gym), "0:45 plank");

        let pool = Speech { units: Units::Metric, sport: Sport::Swimming };
        let mut swim = single(StepKind::Interval, meters(1500.0), None);
        swim.stroke = Some(Stroke::Free);
        swim.equipment = Some(Equipment::PullBuoy);
        assert_eq!(
            step_line(&Step::Single(Box::new(swim)), pool),
            "1500 m freestyle with pull buoy"
        );
        let yards = distance(91.44, DistanceUnit::Yard, pool);
        assert_eq!(yards, "100 yd");
    }

    #[test]
    fn ends_on_heart_rate_or_power_say_which_way() {
        let end_hr = End::HeartRate { compare: Compare::Below, bpm: Some(120.0), zone: None };
        assert_eq!(end(&end_hr, RUN), "until heart rate falls below 120 bpm");
        let end_power = End::Power { compare: Compare::Above, watts: None, zone: Some(5) };
        assert_eq!(end(&end_power, RUN), "until power rises above zone 5");
    }

    #[test]
    fn times_and_numbers_read_naturally() {
        assert_eq!(clock(45.0), "0:45");
        assert_eq!(clock(3900.0), "1:05:00");
        assert_eq!(duration_words(2700.0), "45 min");
        assert_eq!(duration_words(5400.0), "1 h 30 min");
        assert_eq!(duration_words(3599.0), "1 h");
        assert_eq!(duration_words(50.0), "1 min");
        assert_eq!(number(1.50, 2), "1.5");
        assert_eq!(number(400.0, 0), "400");
    }

    #[test]
    fn notes_are_collected_from_inside_repeats() {
        let mut jog = single(StepKind::Recovery, End::Time { seconds: 60.0 }, None);
        jog.notes = "Easy jog".into();
        let repeat = Step::Repeat(Repeat {
            iterations: 2,
            skip_last_rest: false,
            until_lap_button: false,
            steps: vec![Step::Single(Box::new(jog))],
        });
        assert_eq!(step_notes(&repeat), ["Easy jog"]);
    }
}
