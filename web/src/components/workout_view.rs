//! A workout in full: what it is (sport, estimated duration and distance,
//! pool), its intensity over time as a chart, and every step in words,
//! legs one after another for multisport. The library's workout page and
//! a shared workout's preview both show it.

use yew::prelude::*;

use super::{
    card::Card,
    format::date_time,
    intensity_chart::{IntensityChart, Pace, bars},
    workout_text::{Speech, distance, duration_words, number, step_line, step_notes},
};
use crate::api::{Sport, Step, Units, Workout};

/// The workout under its name as the page title.
pub fn workout_view(workout: &Workout, units: Units) -> Html {
    let say = Speech { units, sport: workout.sport };
    let legs: Vec<(Option<String>, Sport, &[Step])> = if workout.segments.is_empty() {
        vec![(None, workout.sport, &workout.steps)]
    } else {
        workout
            .segments
            .iter()
            .map(|leg| {
                let name = format!("Leg {}: {}", leg.order, leg.sport.label());
                (Some(name), leg.sport, leg.steps.as_slice())
            })
            .collect()
    };
    let chart_bars: Vec<_> = legs
        .iter()
        .flat_map(|(_, sport, steps)| {
            bars(steps, Pace { sport: *sport, avg_speed: workout.avg_speed })
        })
        .collect();

    let mut facts = vec![("Sport", workout.sport.label().to_owned())];
    if let Some(seconds) = workout.duration {
        facts.push(("Estimated duration", duration_words(f64::from(seconds))));
    }
    if let Some(meters) = workout.distance.filter(|m| *m > 0.0) {
        facts.push((
            "Estimated distance",
            distance(meters, crate::api::DistanceUnit::Unspecified, say),
        ));
    }
    if let Some(pool) = workout.pool {
        let unit = match pool.unit {
            crate::api::DistanceUnit::Yard => "yd",
            _ => "m",
        };
        facts.push(("Pool", format!("{} {unit}", number(pool.length, 1))));
    }
    facts.push(("Steps", workout.step_count.to_string()));
    facts.push(("Updated in Garmin", date_time(workout.updated)));

    html! {
        <>
            <h1 class="page-title">{ workout.name.clone() }</h1>
            <dl class="facts facts--inline">
                { for facts.into_iter().map(|(name, value)| html! {
                    <div class="facts__row"><dt>{ name }</dt><dd>{ value }</dd></div>
                }) }
            </dl>
            if !workout.description.trim().is_empty() {
                <p class="lead">{ workout.description.clone() }</p>
            }
            <Card title="Intensity">
                <IntensityChart bars={chart_bars} describedby="workout-steps" />
            </Card>
            <Card title="Steps">
                <div id="workout-steps">
                    { for legs.into_iter().map(|(name, sport, steps)| {
                        let say = Speech { units, sport };
                        html! {
                            <>
                                if let Some(name) = name {
                                    <h3 class="section-title">{ name }</h3>
                                }
                                { step_list(steps, say) }
                            </>
                        }
                    }) }
                </div>
            </Card>
        </>
    }
}

fn step_list(steps: &[Step], say: Speech) -> Html {
    if steps.is_empty() {
        return html! { <p class="table-empty">{ "This workout has no steps." }</p> };
    }
    html! {
        <ol class="steps">
            { for steps.iter().map(|step| {
                let notes = step_notes(step);
                html! {
                    <li class={classes!("step", matches!(step, Step::Repeat(_)).then_some("step--repeat"))}>
                        <span class="step__text">{ step_line(step, say) }</span>
                        if !notes.is_empty() {
                            <span class="step__notes">{ notes.join(" · ") }</span>
                        }
                    </li>
                }
            }) }
        </ol>
    }
}
