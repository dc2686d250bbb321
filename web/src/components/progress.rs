//! A progress bar on the native `<progress>` element (no inline widths, so
//! nothing for the Content-Security-Policy to block). Without a value it is
//! indeterminate.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressBarProps {
    /// What is in progress, for people and screen readers.
    pub label: AttrValue,
    /// Done so far, 0.0–1.0; `None` when unknown.
    #[prop_or_default]
    pub value: Option<f64>,
}

#[component]
pub fn ProgressBar(props: &ProgressBarProps) -> Html {
    let value = props.value.map(|v| v.clamp(0.0, 1.0).to_string());
    html! {
        <div class="progress">
            <span class="progress__label">{ props.label.clone() }</span>
            <progress class="progress__bar" max="1" {value} aria-label={props.label.clone()}></progress>
        </div>
    }
}
