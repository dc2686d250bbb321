//! A grid of labelled numbers (dashboard counts).

use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct Stat {
    pub label: AttrValue,
    pub value: i64,
    /// Draws the eye (e.g. failures).
    pub attention: bool,
}

/// The stats as a grid, each labelled.
pub fn stat_grid(stats: &[Stat]) -> Html {
    html! {
        <dl class="stats">
            { for stats.iter().map(|stat| html! {
                <div class={classes!("stat", (stat.attention && stat.value > 0).then_some("stat--attention"))}>
                    <dt class="stat__label">{ stat.label.clone() }</dt>
                    <dd class="stat__value">{ stat.value }</dd>
                </div>
            }) }
        </dl>
    }
}
