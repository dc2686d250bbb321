//! The rest of the coach's library: bike sessions in watts from % FTP or
//! in power zones with cadence, pool swims with strokes and equipment,
//! strength circuits with categories, reps and loads, and the multisport
//! and cross-training sessions.

use serde_json::Value;

use super::builder::{
    End, Kind, Target, and_also, exercise, ftp, multisport, pace, pool_swim, repeat, step, swim,
    workout,
};

const RUN: i64 = 1;
const BIKE: i64 = 2;
const STRENGTH: i64 = 5;
const CARDIO: i64 = 6;
const YOGA: i64 = 7;

/// The coach's FTP, which the bike sessions' watts are computed from.
const FTP: f64 = 280.0;

/// 24 bike sessions: watts from % FTP, power zones, cadence drills.
pub(super) fn bike_sessions() -> Vec<Value> {
    // (name, reps, minutes on, % FTP low/high, minutes off)
    const BLOCKS: [(&str, i64, f64, f64, f64, f64); 6] = [
        ("Sweet spot", 3, 12.0, 88.0, 94.0, 4.0),
        ("Threshold", 2, 20.0, 95.0, 100.0, 5.0),
        ("VO2max", 5, 4.0, 110.0, 120.0, 4.0),
        ("Tempo", 3, 15.0, 76.0, 87.0, 5.0),
        ("Anaerobic", 8, 1.0, 125.0, 140.0, 2.0),
        ("Sweet spot long", 2, 30.0, 88.0, 92.0, 6.0),
    ];
    let mut out = Vec::new();
    for round in 0..3 {
        for (name, reps, on, low, high, off) in BLOCKS {
            let reps = reps + round;
            let work = step(
                Kind::Interval,
                End::Time(on * 60.0),
                Target::Watts(ftp(FTP, low), ftp(FTP, high)),
            );
            let work = if round == 1 { and_also(work, Target::Cadence(85.0, 95.0)) } else { work };
            let steps = vec![
                step(Kind::Warmup, End::Time(600.0), Target::PowerZone(2)),
                repeat(
                    reps,
                    vec![
                        work,
                        step(
                            Kind::Recovery,
                            End::Time(off * 60.0),
                            Target::Watts(ftp(FTP, 50.0), ftp(FTP, 60.0)),
                        ),
                    ],
                    false,
                ),
                step(Kind::Cooldown, End::Time(600.0), Target::Open),
            ];
            let title = format!("{name} {reps} × {on} min @ {low}–{high}% FTP");
            let secs = 1200 + reps * ((on + off) * 60.0) as i64;
            out.push(workout(
                &title,
                &format!("FTP {FTP} W: {}–{} W", ftp(FTP, low), ftp(FTP, high)),
                BIKE,
                steps,
                secs,
            ));
        }
    }
    for index in 0..4 {
        let hours = 1.5 + 0.5 * index as f64;
        let steps = vec![step(Kind::Interval, End::Time(hours * 3600.0), Target::PowerZone(2))];
        out.push(workout(
            &format!("Endurance ride {hours} h (zone 2)"),
            "Steady, fuel well.",
            BIKE,
            steps,
            (hours * 3600.0) as i64,
        ));
    }
    for index in 0..2 {
        let over_under = repeat(
            3 + index,
            vec![
                repeat(
                    3,
                    vec![
                        step(
                            Kind::Interval,
                            End::Time(120.0),
                            Target::Watts(ftp(FTP, 103.0), ftp(FTP, 108.0)),
                        ),
                        step(
                            Kind::Interval,
                            End::Time(120.0),
                            Target::Watts(ftp(FTP, 88.0), ftp(FTP, 92.0)),
                        ),
                    ],
                    false,
                ),
                step(Kind::Recovery, End::Time(300.0), Target::PowerZone(1)),
            ],
            true,
        );
        let steps = vec![
            step(Kind::Warmup, End::Time(900.0), Target::PowerZone(2)),
            over_under,
            step(Kind::Cooldown, End::Time(600.0), Target::Open),
        ];
        out.push(workout(
            &format!("Over-unders {} × (3 × 2/2 min)", 3 + index),
            "Nested sets around threshold.",
            BIKE,
            steps,
            4200,
        ));
    }
    out
}

/// 14 pool swims in 25 m, 50 m and 25 yd pools.
pub(super) fn swims() -> Vec<Value> {
    // Stroke ids: 1 any, 2 back, 3 breast, 4 drill, 5 fly, 6 free, 7 IM. Equipment: 1 fins, 2 kickboard, 3 paddles, 4 pull buoy.
    let pools = [(25.0, "meter"), (50.0, "meter"), (25.0, "yard")];
    (0..14)
        .map(|index| {
            let (pool, unit) = pools[index % 3];
            let reps = 8 + (index % 4) as i64 * 2;
            let main_stroke = [6, 6, 7, 2][index % 4];
            let steps = vec![
                swim(Kind::Warmup, 400.0, unit, 1, 0),
                repeat(
                    4,
                    vec![
                        swim(Kind::Interval, 50.0, unit, 4, if index % 2 == 0 { 2 } else { 1 }),
                        step(Kind::Rest, End::Time(15.0), Target::Open),
                    ],
                    false,
                ),
                repeat(
                    reps,
                    vec![
                        swim(Kind::Interval, 100.0, unit, main_stroke, 0),
                        step(Kind::Rest, End::Time(20.0), Target::Open),
                    ],
                    true,
                ),
                swim(Kind::Interval, 300.0, unit, 6, if index % 3 == 0 { 3 } else { 4 }),
                swim(Kind::Cooldown, 200.0, unit, 1, 0),
            ];
            let stroke = match main_stroke {
                7 => "IM",
                2 => "backstroke",
                _ => "freestyle",
            };
            let pool_label =
                if unit == "yard" { format!("{pool} yd") } else { format!("{pool} m") };
            let name = format!("Swim {reps} × 100 {stroke} ({pool_label} pool)");
            pool_swim(
                &name,
                "Drill with kickboard or fins; pull with buoy or paddles.",
                pool,
                unit,
                steps,
            )
        })
        .collect()
}

/// 12 strength sessions: sets as repeats of [exercise, rest].
pub(super) fn strength_sessions() -> Vec<Value> {
    // (category, exercise, reps, kg)
    const LIFTS: [(&str, &str, f64, Option<f64>); 12] = [
        ("SQUAT", "BARBELL_BACK_SQUAT", 8.0, Some(60.0)),
        ("DEADLIFT", "BARBELL_DEADLIFT", 6.0, Some(80.0)),
        ("BENCH_PRESS", "BARBELL_BENCH_PRESS", 8.0, Some(50.0)),
        ("LUNGE", "DUMBBELL_LUNGE", 10.0, Some(12.0)),
        ("ROW", "DUMBBELL_ROW", 10.0, Some(20.0)),
        ("PULL_UP", "PULL_UP", 6.0, None),
        ("PUSH_UP", "PUSH_UP", 15.0, None),
        ("PLANK", "PLANK", 1.0, None),
        ("HIP_RAISE", "BARBELL_HIP_THRUST_WITH_BENCH", 10.0, Some(70.0)),
        ("CALF_RAISE", "STANDING_DUMBBELL_CALF_RAISE", 12.0, Some(16.0)),
        ("SHOULDER_PRESS", "DUMBBELL_SHOULDER_PRESS", 10.0, Some(14.0)),
        ("CORE", "RUSSIAN_TWIST", 20.0, None),
    ];
    (0..12)
        .map(|index| {
            let mut steps = vec![step(Kind::Warmup, End::Time(480.0), Target::Open)];
            for offset in 0..4 {
                let (category, name, reps, kg) = LIFTS[(index + offset * 3) % LIFTS.len()];
                let kg = kg.map(|kg| kg + 2.5 * (index / 4) as f64);
                steps.push(repeat(
                    3,
                    vec![
                        exercise(category, name, reps, kg),
                        step(Kind::Rest, End::Time(90.0), Target::Open),
                    ],
                    true,
                ));
            }
            steps.push(step(Kind::Cooldown, End::Time(300.0), Target::Open));
            let focus = ["Lower body", "Upper body", "Full body"][index % 3];
            let name = format!("Strength: {focus} {}", index / 3 + 1);
            workout(
                &name,
                "3 sets each; the last rep should be hard but clean.",
                STRENGTH,
                steps,
                2700,
            )
        })
        .collect()
}

/// Two multisport sessions and two cross-training ones.
pub(super) fn others() -> Vec<Value> {
    let brick = multisport(
        "Brick: 60 min bike + 20 min run",
        "Transition fast; hold race pace off the bike.",
        vec![
            (
                BIKE,
                vec![step(
                    Kind::Interval,
                    End::Time(3600.0),
                    Target::Watts(ftp(FTP, 75.0), ftp(FTP, 85.0)),
                )],
            ),
            (
                RUN,
                vec![step(
                    Kind::Interval,
                    End::Time(1200.0),
                    Target::Pace(pace("4:45"), pace("4:30")),
                )],
            ),
        ],
    );
    let mut open_water = swim(Kind::Interval, 750.0, "meter", 6, 0);
    open_water["description"] = serde_json::json!("Sight every 6 strokes");
    let sprint = multisport(
        "Sprint triathlon rehearsal",
        "750 m swim, 20 km bike, 5 km run.",
        vec![
            (4, vec![open_water]),
            (
                BIKE,
                vec![step(
                    Kind::Interval,
                    End::Km(20.0),
                    Target::Watts(ftp(FTP, 85.0), ftp(FTP, 92.0)),
                )],
            ),
            (
                RUN,
                vec![step(
                    Kind::Interval,
                    End::Km(5.0),
                    Target::PaceFastFirst(pace("4:20"), pace("4:05")),
                )],
            ),
        ],
    );
    let circuit = workout(
        "Cardio circuit 5 × 3 min",
        "Skipping, burpees, mountain climbers.",
        CARDIO,
        vec![
            step(Kind::Warmup, End::Time(300.0), Target::Open),
            repeat(
                5,
                vec![
                    step(Kind::Interval, End::Time(180.0), Target::HeartZone(4)),
                    step(Kind::Rest, End::Time(60.0), Target::Open),
                ],
                true,
            ),
            step(Kind::Cooldown, End::Time(300.0), Target::Open),
        ],
        1800,
    );
    let yoga = workout(
        "Yoga for runners 30 min",
        "Hips, hamstrings, calves.",
        YOGA,
        vec![step(Kind::Interval, End::Time(1800.0), Target::Open)],
        1800,
    );
    vec![brick, sprint, circuit, yoga]
}
