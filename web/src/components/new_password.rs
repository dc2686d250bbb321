//! A new password and its confirmation, as every form that sets one asks.

use yew::prelude::*;

use super::text_field::TextField;

#[derive(Properties, PartialEq)]
pub struct NewPasswordFieldsProps {
    /// Put before the inputs' ids (`new-password`, `confirm-password`) when
    /// a page has more than one such pair.
    #[prop_or_default]
    pub id_prefix: AttrValue,
    /// "Password" or "New password"; the second field asks to confirm it.
    pub label: AttrValue,
    pub password: AttrValue,
    pub confirmation: AttrValue,
    pub on_password: Callback<String>,
    pub on_confirmation: Callback<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    #[prop_or_default]
    pub password_error: Option<AttrValue>,
    #[prop_or_default]
    pub confirmation_error: Option<AttrValue>,
}

#[component]
pub fn NewPasswordFields(props: &NewPasswordFieldsProps) -> Html {
    let confirm_label = format!("Confirm {}", props.label.to_lowercase());
    html! {
        <>
            <TextField
                id={format!("{}new-password", props.id_prefix)}
                label={props.label.clone()}
                input_type="password"
                autocomplete="new-password"
                required=true
                hint={props.hint.clone()}
                disabled={props.disabled}
                value={props.password.clone()}
                oninput={props.on_password.clone()}
                error={props.password_error.clone()}
            />
            <TextField
                id={format!("{}confirm-password", props.id_prefix)}
                label={confirm_label}
                input_type="password"
                autocomplete="new-password"
                required=true
                disabled={props.disabled}
                value={props.confirmation.clone()}
                oninput={props.on_confirmation.clone()}
                error={props.confirmation_error.clone()}
            />
        </>
    }
}
