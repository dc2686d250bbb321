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

/// A group of checkboxes under one legend (e.g. a user's roles).
#[derive(Properties, PartialEq)]
pub struct CheckboxGroupProps {
    pub legend: AttrValue,
    pub children: Html,
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

#[component]
pub fn CheckboxGroup(props: &CheckboxGroupProps) -> Html {
    html! {
        <fieldset class={classes!("fieldset", props.error.as_ref().map(|_| "field--invalid"))}>
            <legend class="field__label">{ props.legend.clone() }</legend>
            <div class="fieldset__options">{ props.children.clone() }</div>
            if let Some(error) = &props.error {
                <p class="field__error" role="alert">{ error.clone() }</p>
            }
        </fieldset>
    }
}
