//! Buttons: primary, secondary or danger; a busy button is disabled and says so.

use yew::prelude::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonKind {
    #[default]
    Primary,
    Secondary,
    #[allow(dead_code, reason = "design system; first used by destructive admin actions")]
    Danger,
}

impl ButtonKind {
    fn class(self) -> &'static str {
        match self {
            Self::Primary => "button--primary",
            Self::Secondary => "button--secondary",
            Self::Danger => "button--danger",
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ButtonProps {
    #[prop_or_default]
    pub kind: ButtonKind,
    /// `true` for a form's submit button.
    #[prop_or_default]
    pub submit: bool,
    #[prop_or_default]
    pub busy: bool,
    #[prop_or_default]
    pub disabled: bool,
    #[prop_or_default]
    pub onclick: Option<Callback<MouseEvent>>,
    /// For a button that shows or hides something: whether it is shown.
    #[prop_or_default]
    pub aria_expanded: Option<bool>,
    pub children: Html,
}

#[component]
pub fn Button(props: &ButtonProps) -> Html {
    let onclick = props.onclick.clone().map(|cb| cb.reform(|event: MouseEvent| event));
    html! {
        <button
            type={if props.submit { "submit" } else { "button" }}
            class={classes!("button", props.kind.class(), props.busy.then_some("button--busy"))}
            disabled={props.disabled || props.busy}
            aria-busy={props.busy.then_some("true")}
            aria-expanded={props.aria_expanded.map(|open| if open { "true" } else { "false" })}
            {onclick}
        >
            { props.children.clone() }
        </button>
    }
}
