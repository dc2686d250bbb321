//! A labelled checkbox; the whole label is the click target.

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CheckboxProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    pub onchange: Callback<bool>,
    #[prop_or_default]
    pub disabled: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

#[component]
pub fn Checkbox(props: &CheckboxProps) -> Html {
    let onchange = props.onchange.reform(|event: Event| {
        event.target_dyn_into::<HtmlInputElement>().is_some_and(|input| input.checked())
    });
    let hint_id = format!("{}-hint", props.id);
    html! {
        <div class="check">
            <input
                class="check__input"
                type="checkbox"
                id={props.id.clone()}
                name={props.id.clone()}
                checked={props.checked}
                disabled={props.disabled}
                aria-describedby={props.hint.as_ref().map(|_| hint_id.clone())}
                {onchange}
            />
            <label class="check__label" for={props.id.clone()}>{ props.label.clone() }</label>
            if let Some(hint) = &props.hint {
                <p class="check__hint field__hint" id={hint_id}>{ hint.clone() }</p>
            }
        </div>
    }
}

/// A group of checkboxes under one legend (e.g. a user's roles), with the
/// group's error, if any, under them.
pub fn checkbox_group(legend: &'static str, error: Option<AttrValue>, checkboxes: Html) -> Html {
    html! {
        <fieldset class={classes!("fieldset", error.as_ref().map(|_| "field--invalid"))}>
            <legend class="field__label">{ legend }</legend>
            <div class="fieldset__options">{ checkboxes }</div>
            if let Some(error) = error {
                <p class="field__error" role="alert">{ error }</p>
            }
        </fieldset>
    }
}
