//! A grid of labelled numbers (dashboard counts).

use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct Stat {
    pub label: AttrValue,
    pub value: i64,
    /// Draws the eye (e.g. failures).
    pub attention: bool,
}

#[derive(Properties, PartialEq)]
pub struct StatGridProps {
    pub stats: Vec<Stat>,
}

#[component]
pub fn StatGrid(props: &StatGridProps) -> Html {
    html! {
        <dl class="stats">
            { for props.stats.iter().map(|stat| html! {
                <div class={classes!("stat", (stat.attention && stat.value > 0).then_some("stat--attention"))}>
                    <dt class="stat__label">{ stat.label.clone() }</dt>
                    <dd class="stat__value">{ stat.value }</dd>
                </div>
            }) }
        </dl>
    }
}
