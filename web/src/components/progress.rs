//! A progress bar on the native `<progress>` element (no inline widths, so
//! nothing for the Content-Security-Policy to block).

use yew::prelude::*;

/// An indeterminate progress bar saying what is in progress (for people
/// and screen readers).
pub fn progress_bar(label: &'static str) -> Html {
    html! {
        <div class="progress">
            <span class="progress__label">{ label }</span>
            <progress class="progress__bar" aria-label={label}></progress>
        </div>
    }
}

/// A progress bar that knows how far it is: `done` of `total`, with the
/// words said beside it (and announced politely as they change).
pub fn progress_meter(id: &'static str, label: String, done: i32, total: i32) -> Html {
    html! {
        <div class="progress progress--inline">
            <span class="progress__label" id={format!("{id}-label")} role="status" aria-live="polite">{ label }</span>
            <progress
                class="progress__bar"
                {id}
                value={done.max(0).to_string()}
                max={total.max(1).to_string()}
                aria-labelledby={format!("{id}-label")}
            ></progress>
        </div>
    }
}
