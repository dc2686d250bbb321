//! The running part of the coach's library: track intervals with pace
//! targets (nested repeats among them), tempo, long and easy runs.

use serde_json::Value;

use super::builder::{End, Kind, Target, and_also, noted, pace, repeat, step, workout};

const RUN: i64 = 1;

fn warm_up_run(minutes: f64) -> Value {
    step(Kind::Warmup, End::Time(minutes * 60.0), Target::HeartZone(2))
}

fn cool_down_run() -> Value {
    step(Kind::Cooldown, End::Lap, Target::Open)
}

/// A pace range around `per_km`, ± 5 s/km; every fourth written fast-first.
fn pace_range(per_km_secs: f64, index: usize) -> Target {
    let slow = (1000.0 / (per_km_secs + 5.0) * 10_000.0).round() / 10_000.0;
    let fast = (1000.0 / (per_km_secs - 5.0) * 10_000.0).round() / 10_000.0;
    if index % 4 == 3 { Target::PaceFastFirst(slow, fast) } else { Target::Pace(slow, fast) }
}

fn min_sec(secs: f64) -> String {
    let secs = secs.round() as i64;
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// 30 sessions of N × distance at a pace with a jog or standing recovery.
pub(super) fn track_intervals() -> Vec<Value> {
    // (reps, metres, pace s/km, recovery s)
    const SETS: [(i64, f64, f64, f64); 10] = [
        (12, 400.0, 225.0, 60.0),
        (8, 600.0, 230.0, 90.0),
        (6, 800.0, 235.0, 90.0),
        (5, 1000.0, 240.0, 120.0),
        (4, 1200.0, 245.0, 120.0),
        (3, 1600.0, 250.0, 180.0),
        (10, 400.0, 228.0, 75.0),
        (6, 1000.0, 243.0, 90.0),
        (16, 200.0, 215.0, 45.0),
        (4, 2000.0, 255.0, 180.0),
    ];
    let mut out = Vec::new();
    for block in 0..3 {
        for (index, (reps, metres, pace_secs, recovery)) in SETS.iter().enumerate() {
            let pace_secs = pace_secs + f64::from(block) * 4.0;
            let n = block as usize * SETS.len() + index;
            let target = pace_range(pace_secs, n);
            let recovery_step = if index % 3 == 0 {
                step(Kind::Rest, End::Time(*recovery), Target::Open)
            } else {
                noted(step(Kind::Recovery, End::Time(*recovery), Target::Open), "Easy jog")
            };
            let name = format!(
                "{reps} × {} m @ {}–{} /km",
                metres,
                min_sec(pace_secs - 5.0),
                min_sec(pace_secs + 5.0)
            );
            let steps = vec![
                warm_up_run(15.0),
                repeat(
                    *reps,
                    vec![step(Kind::Interval, End::Distance(*metres), target), recovery_step],
                    true,
                ),
                cool_down_run(),
            ];
            let secs = 1500 + (*reps as f64 * (metres * pace_secs / 1000.0 + recovery)) as i64;
            out.push(workout(
                &name,
                "Track session. Run the reps even; jog the recoveries.",
                RUN,
                steps,
                secs,
            ));
        }
    }
    out
}

/// Six sessions with nested repeats, pyramids, hills and fartlek.
pub(super) fn special_runs() -> Vec<Value> {
    let nested = |sets: i64, reps: i64, pace_secs: f64, index: usize| {
        let inner = repeat(
            reps,
            vec![
                step(Kind::Interval, End::Distance(400.0), pace_range(pace_secs, index)),
                step(Kind::Recovery, End::Distance(200.0), Target::Open),
            ],
            false,
        );
        let name = format!("{sets} × ({reps} × 400 m) @ {} /km", min_sec(pace_secs));
        let steps = vec![
            warm_up_run(15.0),
            repeat(sets, vec![inner, step(Kind::Rest, End::Time(180.0), Target::Open)], true),
            cool_down_run(),
        ];
        workout(&name, "Sets of 400s with 3:00 standing rest between sets.", RUN, steps, 3600)
    };
    let pyramid = {
        let rung = |metres: f64, pace_per_km: &str| {
            let speed = pace(pace_per_km);
            vec![
                step(Kind::Interval, End::Distance(metres), Target::Pace(speed - 0.1, speed + 0.1)),
                step(Kind::Recovery, End::Time(90.0), Target::Open),
            ]
        };
        let mut steps = vec![warm_up_run(15.0)];
        for (metres, per_km) in
            [(400.0, "3:45"), (800.0, "3:55"), (1200.0, "4:00"), (800.0, "3:55"), (400.0, "3:45")]
        {
            steps.extend(rung(metres, per_km));
        }
        steps.push(cool_down_run());
        workout("Pyramid 400-800-1200-800-400", "Up and down the ladder.", RUN, steps, 3300)
    };
    let hills = workout(
        "Hill repeats 8 × 60 s",
        "Hard up, walk or jog back down.",
        RUN,
        vec![
            warm_up_run(20.0),
            repeat(
                8,
                vec![
                    noted(
                        step(Kind::Interval, End::Time(60.0), Target::HeartZone(5)),
                        "Drive the arms",
                    ),
                    noted(step(Kind::Recovery, End::Lap, Target::Open), "Jog back down, press lap"),
                ],
                false,
            ),
            cool_down_run(),
        ],
        3000,
    );
    let fartlek = workout(
        "Fartlek 10 × 1 min on / 1 min off",
        "Controlled surges.",
        RUN,
        vec![
            warm_up_run(15.0),
            repeat(
                10,
                vec![
                    step(Kind::Interval, End::Time(60.0), Target::Pace(pace("4:00"), pace("3:45"))),
                    step(Kind::Recovery, End::Time(60.0), Target::Pace(pace("6:00"), pace("5:15"))),
                ],
                false,
            ),
            cool_down_run(),
        ],
        2700,
    );
    vec![
        nested(3, 4, 235.0, 0),
        nested(2, 5, 230.0, 3),
        nested(4, 3, 240.0, 1),
        pyramid,
        hills,
        fartlek,
    ]
}

/// 20 tempo and threshold runs.
pub(super) fn tempo_runs() -> Vec<Value> {
    let mut out = Vec::new();
    for index in 0..12 {
        let minutes = 20.0 + 2.0 * index as f64;
        let pace_secs = 265.0 - index as f64;
        let name = format!("Tempo {} min @ {} /km", minutes, min_sec(pace_secs));
        let steps = vec![
            warm_up_run(15.0),
            and_also(
                step(Kind::Interval, End::Time(minutes * 60.0), pace_range(pace_secs, index)),
                Target::Heart(160.0, 172.0),
            ),
            step(Kind::Cooldown, End::Time(600.0), Target::HeartZone(1)),
        ];
        out.push(workout(
            &name,
            "Comfortably hard; you could speak a few words.",
            RUN,
            steps,
            (minutes as i64 + 25) * 60,
        ));
    }
    for index in 0..8 {
        let reps = 3 + (index % 3) as i64;
        let minutes = [8.0, 10.0, 12.0][index % 3];
        let pace_secs = 258.0 - index as f64;
        let name = format!("Cruise intervals {reps} × {minutes} min @ {} /km", min_sec(pace_secs));
        let steps = vec![
            warm_up_run(15.0),
            repeat(
                reps,
                vec![
                    step(Kind::Interval, End::Time(minutes * 60.0), pace_range(pace_secs, index)),
                    step(Kind::Recovery, End::Time(120.0), Target::HeartZone(2)),
                ],
                true,
            ),
            cool_down_run(),
        ];
        out.push(workout(
            &name,
            "Threshold work in blocks.",
            RUN,
            steps,
            1500 + reps * (minutes as i64 * 60 + 120),
        ));
    }
    out
}

/// 14 long runs by distance: steady in heart-rate zone 2, or progressive.
pub(super) fn long_runs() -> Vec<Value> {
    let mut out = Vec::new();
    for index in 0..14 {
        let km = 16.0 + 2.0 * (index % 8) as f64;
        let steps = if index % 2 == 0 {
            vec![step(Kind::Interval, End::Km(km), Target::HeartZone(2))]
        } else {
            let fast = (km / 4.0).round();
            vec![
                step(Kind::Interval, End::Km(km - fast), Target::Heart(135.0, 150.0)),
                noted(
                    step(Kind::Interval, End::Km(fast), Target::Pace(pace("4:40"), pace("4:25"))),
                    "Finish at marathon pace",
                ),
            ]
        };
        let kind = if index % 2 == 0 { "Long run" } else { "Progression long run" };
        let name = format!("{kind} {km} km");
        let mut long = workout(&name, "Fuel every 40 minutes.", RUN, steps, (km * 330.0) as i64);
        long["estimatedDistanceInMeters"] = serde_json::json!(km * 1000.0);
        out.push(long);
    }
    out
}

/// Six easy runs, some with strides.
pub(super) fn easy_runs() -> Vec<Value> {
    (0..6)
        .map(|index| {
            let minutes = 30.0 + 5.0 * index as f64;
            let mut steps = vec![step(
                Kind::Interval,
                End::Time(minutes * 60.0),
                Target::HeartZone(1 + (index % 2) as i64),
            )];
            let name = if index % 2 == 0 {
                steps.push(repeat(
                    6,
                    vec![
                        step(Kind::Interval, End::Time(20.0), Target::Open),
                        step(Kind::Recovery, End::Time(40.0), Target::Open),
                    ],
                    false,
                ));
                format!("Easy {minutes} min + 6 strides")
            } else {
                format!("Recovery run {minutes} min")
            };
            workout(&name, "Truly easy.", RUN, steps, (minutes as i64 + 6) * 60)
        })
        .collect()
}
