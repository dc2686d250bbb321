//! A destructive action that asks first: the button opens an inline
//! question with "confirm" and "cancel"; focus moves to the question.

use yew::prelude::*;

use super::button::{Button, ButtonKind};

#[derive(Properties, PartialEq)]
pub struct ConfirmButtonProps {
    /// The first button's text, e.g. "Delete".
    pub label: AttrValue,
    /// The question, e.g. "Delete Ada? This cannot be undone."
    pub question: AttrValue,
    /// The confirming button's text, e.g. "Delete for good".
    pub confirm_label: AttrValue,
    pub onconfirm: Callback<()>,
    #[prop_or_default]
    pub busy: bool,
    #[prop_or(ButtonKind::Danger)]
    pub kind: ButtonKind,
}

#[component]
pub fn ConfirmButton(props: &ConfirmButtonProps) -> Html {
    let asking = use_state(|| false);
    let question = use_node_ref();
    {
        let question = question.clone();
        use_effect_with(*asking, move |asking| {
            if *asking && let Some(element) = question.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    if !*asking {
        let asking = asking.clone();
        return html! {
            <Button kind={ButtonKind::Secondary} busy={props.busy} onclick={Callback::from(move |_| asking.set(true))}>
                { props.label.clone() }
            </Button>
        };
    }
    let cancel = {
        let asking = asking.clone();
        Callback::from(move |_| asking.set(false))
    };
    let confirm = {
        let (asking, onconfirm) = (asking.clone(), props.onconfirm.clone());
        Callback::from(move |_| {
            asking.set(false);
            onconfirm.emit(());
        })
    };
    html! {
        <div class="confirm" role="group" aria-label={props.question.clone()}>
            <p class="confirm__question" tabindex="-1" ref={question}>{ props.question.clone() }</p>
            <div class="actions">
                <Button kind={props.kind} onclick={confirm} busy={props.busy}>{ props.confirm_label.clone() }</Button>
                <Button kind={ButtonKind::Secondary} onclick={cancel}>{ "Cancel" }</Button>
            </div>
        </div>
    }
}
