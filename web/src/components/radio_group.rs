//! One choice among a few, as native radio buttons under a legend (arrow
//! keys move between them), each with a line saying what it means.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// One option: its value, label and explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub value: AttrValue,
    pub label: AttrValue,
    pub hint: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct RadioGroupProps {
    /// The group's name, also the prefix of the options' ids.
    pub name: AttrValue,
    pub legend: AttrValue,
    pub choices: Vec<Choice>,
    pub selected: AttrValue,
    pub onchange: Callback<String>,
}

#[component]
pub fn RadioGroup(props: &RadioGroupProps) -> Html {
    html! {
        <fieldset class="fieldset choices">
            <legend class="field__label">{ props.legend.clone() }</legend>
            { for props.choices.iter().map(|choice| {
                let id = format!("{}-{}", props.name, choice.value);
                let hint_id = format!("{id}-hint");
                let onchange = props.onchange.reform(|event: Event| {
                    event.target_dyn_into::<HtmlInputElement>().map(|input| input.value()).unwrap_or_default()
                });
                let checked = choice.value == props.selected;
                html! {
                    <div class={classes!("choice", checked.then_some("choice--selected"))}>
                        <input
                            class="check__input"
                            type="radio"
                            id={id.clone()}
                            name={props.name.clone()}
                            value={choice.value.clone()}
                            {checked}
                            aria-describedby={hint_id.clone()}
                            {onchange}
                        />
                        <label class="choice__label" for={id}>{ choice.label.clone() }</label>
                        <p class="field__hint choice__hint" id={hint_id}>{ choice.hint.clone() }</p>
                    </div>
                }
            }) }
        </fieldset>
    }
}
