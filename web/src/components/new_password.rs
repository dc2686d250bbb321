//! A new password and its confirmation, as every form that sets one asks,
//! and the checks the browser makes before asking the server (which checks
//! again, and also rejects very common passwords).

use yew::prelude::*;

use super::text_field::TextField;

/// Fewest characters the server accepts.
pub const MIN_LEN: usize = 12;
/// Most characters the server accepts.
pub const MAX_LEN: usize = 128;

/// The hint shown under new-password fields.
pub const HINT: &str = "12 to 128 characters. A few unrelated words make a good one.";

/// Why a new password and its confirmation cannot be used yet: which field
/// to mark (`new` or `confirm`) and the words to show.
pub fn problem(password: &str, confirmation: &str) -> Option<(&'static str, &'static str)> {
    let len = password.chars().count();
    if len < MIN_LEN {
        Some(("new", "Use at least 12 characters."))
    } else if len > MAX_LEN {
        Some(("new", "Use at most 128 characters."))
    } else if password != confirmation {
        Some(("confirm", "The two passwords don't match."))
    } else {
        None
    }
}

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
    #[prop_or(Some(AttrValue::Static(HINT)))]
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
    let confirm_label = format!("Confirm {}", props.label.to_ascii_lowercase());
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

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn short_passwords_are_refused_before_asking_the_server() {
        assert_eq!(problem("short", "short").map(|p| p.0), Some("new"));
    }

    #[test]
    fn a_confirmation_that_differs_is_marked() {
        assert_eq!(
            problem("correct horse battery", "correct horse battery!").map(|p| p.0),
            Some("confirm")
        );
    }

    #[test]
    fn long_enough_matching_passwords_pass() {
        assert_eq!(problem("correct horse battery", "correct horse battery"), None);
        // Counted in characters, not bytes.
        assert_eq!(problem("ééééééééééé", "ééééééééééé").map(|p| p.0), Some("new"));
    }
}
