//! "Confirm it's you": asked before a change to how the account signs in
//! when the last sign-in is too old. Offers the password, Google, or both;
//! focus moves to the question when it appears.

use yew::prelude::*;

use super::{
    button::{Button, ButtonKind},
    notice::form_error,
    text_field::TextField,
};

#[derive(Properties, PartialEq)]
pub struct ConfirmIdentityProps {
    /// Why it is asked, e.g. "Removing Google sign-in changes how you sign in."
    pub reason: AttrValue,
    /// Offer the account's password.
    pub password: bool,
    /// Offer "Continue with Google" (the account has Google linked).
    pub google: bool,
    #[prop_or_default]
    pub busy: bool,
    /// Why the last confirmation failed.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    /// The server's words about the password, when it refused it.
    #[prop_or_default]
    pub password_error: Option<AttrValue>,
    pub on_password: Callback<String>,
    pub on_google: Callback<()>,
    pub on_cancel: Callback<()>,
}

#[component]
pub fn ConfirmIdentity(props: &ConfirmIdentityProps) -> Html {
    let password = use_state(String::new);
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with((), move |()| {
            if let Some(element) = heading.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    let onsubmit = {
        let (password, on_password) = (password.clone(), props.on_password.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            on_password.emit((*password).clone());
        })
    };
    let oninput = {
        let password = password.clone();
        Callback::from(move |value: String| password.set(value))
    };
    let how = match (props.password, props.google) {
        (true, true) => "Enter your password, or continue with Google.",
        (true, false) => "Enter your password.",
        (false, true) => "Continue with Google to confirm.",
        (false, false) => "Sign out and sign in again, then try once more.",
    };
    html! {
        <section class="card card--focus" aria-labelledby="confirm-identity-title">
            <h2 class="card__title" id="confirm-identity-title" tabindex="-1" ref={heading}>
                { "Confirm it's you" }
            </h2>
            <p>{ props.reason.clone() }{ " " }{ how }</p>
            if props.password {
                <form class="form" {onsubmit}>
                    <TextField id="reauth-password" label="Your password" input_type="password"
                        autocomplete="current-password" required=true disabled={props.busy}
                        value={(*password).clone()} {oninput} error={props.password_error.clone()} />
                    <Button submit=true busy={props.busy}>{ "Confirm" }</Button>
                </form>
            }
            { form_error(props.error.clone()) }
            <div class="actions">
                if props.google {
                    <Button kind={ButtonKind::Secondary} disabled={props.busy} onclick={props.on_google.reform(|_| ())}>
                        { "Continue with Google" }
                    </Button>
                }
                <Button kind={ButtonKind::Secondary} onclick={props.on_cancel.reform(|_| ())}>{ "Cancel" }</Button>
            </div>
        </section>
    }
}
