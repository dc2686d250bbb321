//! The notice (toast) area: one live region that screen readers announce;
//! errors are announced assertively.

use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Success,
    Error,
}

#[derive(Properties, PartialEq)]
pub struct NoticeAreaProps {
    /// The notice to show, if any.
    pub text: Option<AttrValue>,
    #[prop_or(NoticeKind::Info)]
    pub kind: NoticeKind,
    pub ondismiss: Callback<()>,
}

#[component]
pub fn NoticeArea(props: &NoticeAreaProps) -> Html {
    let error = props.kind == NoticeKind::Error;
    let modifier = match props.kind {
        NoticeKind::Info => "toast--info",
        NoticeKind::Success => "toast--success",
        NoticeKind::Error => "toast--error",
    };
    let ondismiss = props.ondismiss.reform(|_: MouseEvent| ());
    html! {
        <div
            class="toasts"
            role={if error { "alert" } else { "status" }}
            aria-live={if error { "assertive" } else { "polite" }}
        >
            if let Some(text) = &props.text {
                <div class={classes!("toast", modifier)}>
                    <p class="toast__text">{ text.clone() }</p>
                    <button type="button" class="toast__close" aria-label="Dismiss" onclick={ondismiss}>
                        { "×" }
                    </button>
                </div>
            }
        </div>
    }
}

/// An error message inside a form, announced when it appears.
#[derive(Properties, PartialEq)]
pub struct FormErrorProps {
    pub text: Option<AttrValue>,
}

#[component]
pub fn FormError(props: &FormErrorProps) -> Html {
    html! {
        <div class="form-error" role="alert" aria-live="assertive">
            if let Some(text) = &props.text {
                <p class="form-error__text">{ text.clone() }</p>
            }
        </div>
    }
}
