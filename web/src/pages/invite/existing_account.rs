//! Signing in on the invite page, for someone who has an account already.

use yew::prelude::*;

use crate::{
    api::InvitePreview,
    components::{button::Button, card::Card, notice::form_error, text_field::TextField},
    forms,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct ExistingAccountProps {
    pub invite: InvitePreview,
}

/// Signs in here, so the page can offer "Accept as <you>".
#[component]
pub(super) fn ExistingAccount(props: &ExistingAccountProps) -> Html {
    let session = use_session();
    let email = use_state(|| props.invite.email.clone());
    let password = use_state(String::new);
    let submission = forms::use_submission();
    let Some(session) = session else { return html! {} };
    let onsubmit = {
        let (email, password, submission) = (email.clone(), password.clone(), submission.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (email, password) = (email.trim().to_owned(), (*password).clone());
            let api = session.api().clone();
            let session = session.clone();
            submission
                .send_and_leave(async move { api.sign_in(email, password).await }, move |me| {
                    session.signed_in(me)
                });
        })
    };
    let busy = submission.busy();
    let error = submission.error();
    html! {
        <Card title="Already have a Baton account?">
            <details class="disclosure">
                <summary class="disclosure__summary">{ "Sign in to accept with it" }</summary>
                <form class="form" {onsubmit}>
                    <TextField
                        id="existing-email"
                        label="Email"
                        input_type="email"
                        autocomplete="username"
                        required=true
                        disabled={busy}
                        value={(*email).clone()}
                        oninput={forms::bind(&email)}
                    />
                    <TextField
                        id="existing-password"
                        label="Password"
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                        disabled={busy}
                        value={(*password).clone()}
                        oninput={forms::bind(&password)}
                    />
                    { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                    <Button submit=true busy={busy}>
                        { if busy { "Signing in…" } else { "Sign in" } }
                    </Button>
                </form>
            </details>
        </Card>
    }
}
