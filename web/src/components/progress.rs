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
