//! Creating the invited account with a password, or with Google.

use yew::prelude::*;
use yew_router::prelude::*;

use super::welcome;
use crate::{
    api::{GoogleFlow, InvitePreview},
    components::{
        button::{Button, ButtonKind},
        card::Card,
        format::browser_timezone,
        new_password::{self, NewPasswordFields},
        notice::form_error,
        text_field::TextField,
    },
    forms,
    location::go_to,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct NewAccountProps {
    pub token: String,
    pub invite: InvitePreview,
    pub google: bool,
}

/// Creates the invited account with a password, or with Google.
#[component]
pub(super) fn NewAccount(props: &NewAccountProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let name = use_state(String::new);
    let password = use_state(String::new);
    let confirm = use_state(String::new);
    let form = forms::use_submission();
    let google = forms::use_submission();
    let local = use_state(|| None::<(&'static str, &'static str)>);
    let Some(session) = session else { return html! {} };

    let onsubmit = {
        let (name, password, confirm, form, google, local) = (
            name.clone(),
            password.clone(),
            confirm.clone(),
            form.clone(),
            google.clone(),
            local.clone(),
        );
        let (session, token, invite) = (session.clone(), props.token.clone(), props.invite.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if form.busy() {
                return;
            }
            form.clear();
            google.clear();
            let problem = new_password::problem(&password, &confirm);
            local.set(problem);
            if problem.is_some() {
                return;
            }
            let api = session.api().clone();
            let (token, name, password) =
                (token.clone(), name.trim().to_owned(), (*password).clone());
            let request = async move {
                api.accept_invite_with_password(token, name, password, browser_timezone()).await
            };
            let (session, navigator, invite) = (session.clone(), navigator.clone(), invite.clone());
            form.send_and_leave(request, move |me| {
                welcome(&session, navigator.as_ref(), me, &invite)
            });
        })
    };
    let on_google = {
        let (session, name, form, google, token) =
            (session.clone(), name.clone(), form.clone(), google.clone(), props.token.clone());
        Callback::from(move |_| {
            let flow = GoogleFlow::AcceptInvite {
                invite_token: token.clone(),
                display_name: name.trim().to_owned(),
                timezone: browser_timezone(),
            };
            let api = session.api().clone();
            form.clear();
            google.send_and_leave(async move { api.start_google(flow).await }, |url| go_to(&url));
        })
    };
    let (busy, google_busy) = (form.busy(), google.busy());
    let error = form.error().as_ref().or(google.error().as_ref());
    let server_error = |field: &str| forms::server_error(form.error(), field);
    let local_error = |which: &str| forms::local_error(*local, which);
    let disabled = busy || google_busy;
    html! {
        <Card title="New to Baton? Create your account">
            <form class="form" {onsubmit} novalidate=true>
                <TextField
                    id="display-name"
                    label="Your name"
                    autocomplete="name"
                    hint="As your coach and others will see it. Leave empty to use the name on the invite."
                    {disabled}
                    value={(*name).clone()}
                    oninput={forms::bind(&name)}
                    error={server_error("display_name")}
                />
                <NewPasswordFields
                    label="Password"
                    password={(*password).clone()}
                    confirmation={(*confirm).clone()}
                    on_password={forms::bind(&password)}
                    on_confirmation={forms::bind(&confirm)}
                    {disabled}
                    password_error={local_error("new").or_else(|| server_error("new_password.password"))}
                    confirmation_error={local_error("confirm")}
                />
                { form_error(error.map(|err| AttrValue::from(err.to_string()))) }
                <Button submit=true busy={busy} disabled={google_busy}>
                    { if busy { "Creating your account…" } else { "Create account" } }
                </Button>
            </form>
            if props.google {
                <div class="alternative">
                    <p class="alternative__or">{ "or" }</p>
                    <Button kind={ButtonKind::Secondary} busy={google_busy} disabled={busy} onclick={on_google}>
                        { if google_busy { "Opening Google…" } else { "Continue with Google" } }
                    </Button>
                </div>
            }
        </Card>
    }
}
