//! A workout's intensity over time: one bar per step done (repeats
//! unrolled), as wide as the step lasts (its time, or an estimate from its
//! distance and pace) and as tall as its target is hard. Drawn as SVG
//! with attributes only (no inline styles, so nothing for the CSP to
//! block), with a text equivalent for screen readers.

use yew::prelude::*;

use super::workout_text::duration_words;
use crate::api::{End, SingleStep, Sport, Step, StepKind, Target, TargetKind, TargetUnit};

/// Most bars drawn; longer workouts are summed into fewer, wider ones.
const MAX_BARS: usize = 400;
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 100.0;

/// What a step's length is estimated from when it has no time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pace {
    pub sport: Sport,
    /// Garmin's `avgTrainingSpeed`, m/s.
    pub avg_speed: Option<f64>,
}

/// One step as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub seconds: f64,
    /// 0 (rest) to 1 (all out).
    pub intensity: f64,
    pub kind: StepKind,
}

/// How hard a step is, before the workout's own range is known.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Level {
    Fixed(f64),
    /// A value that only means something against the workout's highest.
    Relative(Scale, f64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scale {
    Speed,
    Watts,
    Cadence,
}

/// The steps as bars, in order.
pub fn bars(steps: &[Step], pace: Pace) -> Vec<Bar> {
    let mut raw = Vec::new();
    unroll(steps, pace, &mut raw);
    let highest = |scale: Scale| {
        raw.iter()
            .filter_map(|(_, level, _)| match level {
                Level::Relative(s, value) if *s == scale => Some(*value),
                _ => None,
            })
            .fold(0.0_f64, f64::max)
    };
    let (speed, watts, cadence) =
        (highest(Scale::Speed), highest(Scale::Watts), highest(Scale::Cadence));
    raw.into_iter()
        .map(|(seconds, level, kind)| {
            let intensity = match level {
                Level::Fixed(value) => value,
                // Effort grows much faster than speed: cubed spreads easy
                // and hard paces apart as an athlete feels them.
                Level::Relative(Scale::Speed, value) => (value / speed).powi(3),
                Level::Relative(Scale::Watts, value) => 0.95 * value / watts,
                Level::Relative(Scale::Cadence, value) => 0.7 * value / cadence,
            };
            let intensity = if intensity.is_finite() { intensity.clamp(0.08, 1.0) } else { 0.5 };
            Bar { seconds, intensity, kind }
        })
        .collect()
}

fn unroll(steps: &[Step], pace: Pace, out: &mut Vec<(f64, Level, StepKind)>) {
    for step in steps {
        match step {
            Step::Single(single) => out.push((seconds(single, pace), level(single), single.kind)),
            Step::Repeat(repeat) => {
                let rounds = if repeat.until_lap_button { 1 } else { repeat.iterations.max(1) };
                for round in 0..rounds {
                    let start = out.len();
                    unroll(&repeat.steps, pace, out);
                    let last_round = round + 1 == rounds;
                    let ends_resting = out.last().is_some_and(|(_, _, kind)| {
                        matches!(kind, StepKind::Rest | StepKind::Recovery)
                    });
                    if last_round && repeat.skip_last_rest && ends_resting && out.len() > start {
                        out.pop();
                    }
                    if out.len() > MAX_BARS * 4 {
                        return;
                    }
                }
            }
        }
    }
}

/// How long a step lasts, or about.
fn seconds(step: &SingleStep, pace: Pace) -> f64 {
    match &step.end {
        End::Time { seconds } | End::FixedRest { seconds } => *seconds,
        End::Distance { meters, .. } => meters / speed(step, pace),
        End::Reps { count } => count * 4.0,
        End::Calories { kcal } => kcal * 6.0,
        End::LapButton | End::HeartRate { .. } | End::Power { .. } | End::Other { .. } => {
            match step.kind {
                StepKind::Warmup | StepKind::Cooldown => 600.0,
                StepKind::Rest | StepKind::Recovery => 90.0,
                _ => 180.0,
            }
        }
    }
    .max(1.0)
}

/// The speed a distance step is run at: its target's, else the workout's
/// average, else a typical one for the sport (m/s).
fn speed(step: &SingleStep, pace: Pace) -> f64 {
    let from_target = step
        .target
        .as_ref()
        .filter(|t| matches!(t.kind, TargetKind::Pace | TargetKind::Speed))
        .and_then(middle);
    from_target.or(pace.avg_speed).filter(|speed| *speed > 0.1).unwrap_or(match pace.sport {
        Sport::Cycling => 8.0,
        Sport::Swimming => 0.9,
        Sport::Running => 3.0,
        _ => 2.0,
    })
}

fn middle(target: &Target) -> Option<f64> {
    match (target.low, target.high) {
        (Some(low), Some(high)) => Some((low + high) / 2.0),
        (one, other) => one.or(other),
    }
}

fn level(step: &SingleStep) -> Level {
    let by_kind = Level::Fixed(match step.kind {
        StepKind::Warmup => 0.35,
        StepKind::Cooldown => 0.3,
        StepKind::Recovery => 0.2,
        StepKind::Rest => 0.1,
        StepKind::Interval => 0.7,
        StepKind::Main => 0.6,
        StepKind::Other => 0.5,
    });
    let Some(target) = &step.target else { return by_kind };
    if let Some(zone) = target.zone {
        let zones = if target.kind == TargetKind::Power { 7.0 } else { 5.0 };
        return Level::Fixed(f64::from(zone) / zones);
    }
    let Some(value) = middle(target) else { return by_kind };
    match (target.kind, &target.unit) {
        (TargetKind::Pace | TargetKind::Speed, _) => Level::Relative(Scale::Speed, value),
        (TargetKind::Power, TargetUnit::PercentFtp) => Level::Fixed(value / 130.0),
        (TargetKind::Power, _) => Level::Relative(Scale::Watts, value),
        (TargetKind::HeartRate, _) => Level::Fixed((value - 60.0) / 130.0),
        (TargetKind::Cadence, _) => Level::Relative(Scale::Cadence, value),
        _ => by_kind,
    }
}

/// Fewer, wider bars when there are too many to see: neighbours summed,
/// time-weighted.
fn thinned(bars: Vec<Bar>) -> Vec<Bar> {
    if bars.len() <= MAX_BARS {
        return bars;
    }
    let group = bars.len().div_ceil(MAX_BARS);
    bars.chunks(group)
        .map(|chunk| {
            let seconds: f64 = chunk.iter().map(|bar| bar.seconds).sum();
            let weighted: f64 = chunk.iter().map(|bar| bar.intensity * bar.seconds).sum();
            let hardest = chunk.iter().max_by(|a, b| a.intensity.total_cmp(&b.intensity));
            Bar {
                seconds,
                intensity: weighted / seconds.max(1.0),
                kind: hardest.map_or(StepKind::Other, |bar| bar.kind),
            }
        })
        .collect()
}

/// What the chart shows, in words, for screen readers.
pub fn summary(bars: &[Bar]) -> String {
    let total: f64 = bars.iter().map(|bar| bar.seconds).sum();
    let hard = bars.iter().filter(|bar| bar.intensity >= 0.6).count();
    let efforts = match hard {
        0 => "no hard efforts".to_owned(),
        1 => "1 hard effort".to_owned(),
        n => format!("{n} hard efforts"),
    };
    format!(
        "Intensity over time: about {} in {} steps, with {efforts} (taller bars) among easier steps.",
        duration_words(total),
        bars.len()
    )
}

#[derive(Properties, PartialEq)]
pub struct IntensityChartProps {
    pub bars: Vec<Bar>,
    /// The id of the step list the chart draws, for screen readers.
    #[prop_or_default]
    pub describedby: Option<AttrValue>,
}

#[component]
pub fn IntensityChart(props: &IntensityChartProps) -> Html {
    let label = summary(&props.bars);
    let bars = thinned(props.bars.clone());
    let total: f64 = bars.iter().map(|bar| bar.seconds).sum::<f64>().max(1.0);
    let mut x = 0.0;
    let rects = bars.iter().map(|bar| {
        let width = (bar.seconds / total * WIDTH).max(1.0);
        let height = (bar.intensity * HEIGHT).max(3.0);
        let rect = html! {
            <rect
                class={classes!("chart__bar", kind_class(bar.kind))}
                x={format!("{x:.1}")}
                y={format!("{:.1}", HEIGHT - height)}
                width={format!("{:.1}", (width - 0.6).max(0.6))}
                height={format!("{height:.1}")}
            />
        };
        x += width;
        rect
    });
    html! {
        <figure class="chart">
            <svg
                class="chart__plot"
                viewBox={format!("0 0 {WIDTH} {HEIGHT}")}
                preserveAspectRatio="none"
                role="img"
                aria-label={label.clone()}
                aria-describedby={props.describedby.clone()}
                focusable="false"
            >
                { for rects }
            </svg>
            <figcaption class="chart__caption">{ label }</figcaption>
        </figure>
    }
}

fn kind_class(kind: StepKind) -> &'static str {
    match kind {
        StepKind::Warmup | StepKind::Cooldown => "chart__bar--easy",
        StepKind::Recovery | StepKind::Rest => "chart__bar--rest",
        StepKind::Interval | StepKind::Main | StepKind::Other => "chart__bar--work",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{DistanceUnit, Repeat};

    fn step(kind: StepKind, end: End, target: Option<Target>) -> Step {
        Step::Single(Box::new(SingleStep::plain(kind, end, target)))
    }

    fn pace(speed: f64) -> Option<Target> {
        Some(Target {
            kind: TargetKind::Pace,
            key: String::new(),
            zone: None,
            low: Some(speed),
            high: Some(speed),
            unit: TargetUnit::Native,
        })
    }

    const RUN: Pace = Pace { sport: Sport::Running, avg_speed: None };

    #[test]
    fn repeats_unroll_and_skip_the_last_rest() {
        let session = [
            step(StepKind::Warmup, End::Time { seconds: 600.0 }, None),
            Step::Repeat(Repeat {
                iterations: 3,
                skip_last_rest: true,
                until_lap_button: false,
                steps: vec![
                    step(
                        StepKind::Interval,
                        End::Distance { meters: 1000.0, unit: DistanceUnit::Meter },
                        pace(4.0),
                    ),
                    step(StepKind::Recovery, End::Time { seconds: 120.0 }, pace(2.5)),
                ],
            }),
        ];
        let bars = bars(&session, RUN);
        assert_eq!(bars.len(), 1 + 3 * 2 - 1);
        // 1 km at 4 m/s is 250 s.
        assert_eq!(bars[1].seconds, 250.0);
        assert!(bars[1].intensity > bars[2].intensity, "{bars:?}");
        assert!((bars[1].intensity - 1.0).abs() < 1e-9);
        assert_eq!(bars.last().map(|bar| bar.kind), Some(StepKind::Interval));
    }

    #[test]
    fn zones_and_percent_ftp_set_the_height_without_other_steps() {
        let hr = Target {
            kind: TargetKind::HeartRate,
            key: String::new(),
            zone: Some(4),
            low: None,
            high: None,
            unit: TargetUnit::Native,
        };
        let bars = bars(&[step(StepKind::Interval, End::LapButton, Some(hr))], RUN);
        assert!((bars[0].intensity - 0.8).abs() < 1e-9);
        assert_eq!(bars[0].seconds, 180.0);
    }

    #[test]
    fn too_many_bars_are_summed_by_time() {
        let many: Vec<Bar> = (0..800)
            .map(|i| Bar {
                seconds: 10.0,
                intensity: if i % 2 == 0 { 1.0 } else { 0.2 },
                kind: StepKind::Interval,
            })
            .collect();
        let thin = thinned(many);
        assert!(thin.len() <= MAX_BARS);
        assert!((thin[0].intensity - 0.6).abs() < 1e-9);
        assert_eq!(thin.iter().map(|bar| bar.seconds).sum::<f64>(), 8_000.0);
    }

    #[test]
    fn the_summary_counts_the_hard_efforts() {
        let bars = vec![
            Bar { seconds: 600.0, intensity: 0.3, kind: StepKind::Warmup },
            Bar { seconds: 300.0, intensity: 0.9, kind: StepKind::Interval },
        ];
        assert_eq!(
            summary(&bars),
            "Intensity over time: about 15 min in 2 steps, with 1 hard effort (taller bars) among easier steps."
        );
    }
}
