//! The notice (toast) area: one live region that screen readers announce;
//! errors are announced assertively.

use yew::{html::IntoPropValue, prelude::*};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    Error,
}

/// The notice area, showing `text` (if any) as a notice of `kind`, with a
/// button that calls `ondismiss`.
pub fn notice_area(text: Option<AttrValue>, kind: NoticeKind, ondismiss: Callback<()>) -> Html {
    let error = kind == NoticeKind::Error;
    let modifier = match kind {
        NoticeKind::Info => "toast--info",
        NoticeKind::Success => "toast--success",
        NoticeKind::Error => "toast--error",
    };
    let ondismiss = ondismiss.reform(|_: MouseEvent| ());
    html! {
        <div
            class="toasts"
            role={if error { "alert" } else { "status" }}
            aria-live={if error { "assertive" } else { "polite" }}
        >
            if let Some(text) = text {
                <div class={classes!("toast", modifier)}>
                    <p class="toast__text">{ text }</p>
                    <button type="button" class="toast__close" aria-label="Dismiss" onclick={ondismiss}>
                        { "×" }
                    </button>
                </div>
            }
        </div>
    }
}

/// An error message inside a form, announced when it appears. The region
/// is there, empty, without one, so screen readers watch it.
pub fn form_error(text: impl IntoPropValue<Option<AttrValue>>) -> Html {
    let text: Option<AttrValue> = text.into_prop_value();
    html! {
        <div class="form-error" role="alert" aria-live="assertive">
            if let Some(text) = text {
                <p class="form-error__text">{ text }</p>
            }
        </div>
    }
}
