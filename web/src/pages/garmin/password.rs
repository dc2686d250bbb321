//! Letting Baton sign in at Garmin with the Garmin email and password
//! (used for this sign-in only). Garmin may ask for a code it sends: a
//! wrong code can be tried again on the same sign-in; an expired one means
//! starting again. When Garmin refuses scripted sign-in for the account,
//! the other ways are offered.

use yew::prelude::*;

use super::Way;
use crate::{
    api::{ApiError, GarminConnection, MfaChallenge, PasswordConnect},
    components::{
        button::{Button, ButtonKind},
        garmin_status::error_words,
        notice::form_error,
        text_field::TextField,
    },
    forms,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct PasswordSignInProps {
    pub on_connected: Callback<GarminConnection>,
    /// Offers another way when Garmin blocks this one.
    pub on_switch: Callback<Way>,
}

#[component]
pub(super) fn PasswordSignIn(props: &PasswordSignInProps) -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let password = use_state(String::new);
    let code = use_state(String::new);
    let challenge = use_state(|| None::<MfaChallenge>);
    let submission = forms::use_submission();
    let Some(session) = session else { return html! {} };

    let on_sign_in = {
        let (session, email, password, challenge, submission, on_connected) = (
            session.clone(),
            email.clone(),
            password.clone(),
            challenge.clone(),
            submission.clone(),
            props.on_connected.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (address, secret) = (email.trim().to_owned(), (*password).clone());
            let api = session.api().clone();
            let request = async move { api.connect_garmin_with_password(address, secret).await };
            let (password, challenge, on_connected) =
                (password.clone(), challenge.clone(), on_connected.clone());
            submission.send(request, move |answer| {
                password.set(String::new());
                match answer {
                    PasswordConnect::Connected(connection) => on_connected.emit(connection),
                    PasswordConnect::MfaRequired(mfa) => challenge.set(Some(mfa)),
                }
            });
        })
    };
    let on_code = {
        let (session, code, challenge, submission, on_connected) = (
            session.clone(),
            code.clone(),
            challenge.clone(),
            submission.clone(),
            props.on_connected.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(pending) = (*challenge).clone() else { return };
            let typed = code.trim().to_owned();
            let api = session.api().clone();
            let (code, challenge) = (code.clone(), challenge.clone());
            let request = {
                let (code, challenge) = (code.clone(), challenge.clone());
                async move {
                    let answer = api.submit_garmin_code(pending.pending_login_id, typed).await;
                    if matches!(answer, Err(ApiError::GarminPendingLoginUnusable)) {
                        // The sign-in is gone: back to the email and password.
                        code.set(String::new());
                        challenge.set(None);
                    }
                    answer
                }
            };
            let on_connected = on_connected.clone();
            submission.send(request, move |connection| {
                code.set(String::new());
                challenge.set(None);
                on_connected.emit(connection);
            });
        })
    };
    let start_again = {
        let (challenge, code, submission) = (challenge.clone(), code.clone(), submission.clone());
        Callback::from(move |_| {
            challenge.set(None);
            code.set(String::new());
            submission.clear();
        })
    };

    let busy = submission.busy();
    let error = submission.error();

    // Field refusals show on their field; everything else above the button.
    let on_field = |field: &str| forms::server_error(error, field);
    let general = |fields: &[&str]| {
        error
            .as_ref()
            .filter(|err| fields.iter().all(|field| err.field_error(field).is_none()))
            .map(|err| AttrValue::from(error_words(err)))
    };

    if let Some(pending) = &*challenge {
        let sent_to = match pending.delivery_method.as_str() {
            "" => "Garmin sent you a code.".to_owned(),
            method => format!("Garmin sent a code by {method}."),
        };
        return html! {
            <form class="form" onsubmit={on_code}>
                <p id="garmin-mfa-prompt">{ sent_to }{ " Enter it here to finish signing in." }</p>
                <TextField
                    id="garmin-code"
                    label="Code from Garmin"
                    autocomplete="one-time-code"
                    required=true
                    disabled={busy}
                    value={(*code).clone()}
                    oninput={forms::bind(&code)}
                    error={on_field("code")}
                />
                { form_error(general(&["code"])) }
                <div class="actions">
                    <Button submit=true busy={busy}>{ if busy { "Checking…" } else { "Verify code" } }</Button>
                    <Button kind={ButtonKind::Secondary} disabled={busy} onclick={start_again}>{ "Start again" }</Button>
                </div>
            </form>
        };
    }

    let blocked = matches!(error, Some(ApiError::GarminSignInBlocked));
    let switch = |way: Way| props.on_switch.reform(move |_: MouseEvent| way);
    html! {
        <form class="form" onsubmit={on_sign_in}>
            <p class="muted">{ "Baton uses your Garmin password for this sign-in only and never stores it." }</p>
            <TextField
                id="garmin-email"
                label="Garmin email"
                input_type="email"
                autocomplete="off"
                required=true
                disabled={busy}
                value={(*email).clone()}
                oninput={forms::bind(&email)}
                error={on_field("email")}
            />
            <TextField
                id="garmin-password"
                label="Garmin password"
                input_type="password"
                autocomplete="off"
                required=true
                disabled={busy}
                value={(*password).clone()}
                oninput={forms::bind(&password)}
                error={on_field("password")}
            />
            { form_error(general(&["email", "password"])) }
            if blocked {
                <div class="actions">
                    <Button kind={ButtonKind::Secondary} onclick={switch(Way::Browser)}>{ "Sign in with Garmin here instead" }</Button>
                    <Button kind={ButtonKind::Secondary} onclick={switch(Way::TokenFile)}>{ "Import a token file instead" }</Button>
                </div>
            }
            <Button submit=true busy={busy}>{ if busy { "Signing in to Garmin…" } else { "Sign in to Garmin" } }</Button>
        </form>
    }
}
