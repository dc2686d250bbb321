//! Creating the invited account with a password, or with Google.

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

use super::welcome;
use crate::{
    api::{ApiError, GoogleFlow, InvitePreview},
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
    let busy = use_state(|| false);
    let google_busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let local = use_state(|| None::<(&'static str, &'static str)>);
    let Some(session) = session else { return html! {} };

    let onsubmit = {
        let (name, password, confirm, busy, error, local) = (
            name.clone(),
            password.clone(),
            confirm.clone(),
            busy.clone(),
            error.clone(),
            local.clone(),
        );
        let (session, token, invite) = (session.clone(), props.token.clone(), props.invite.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            error.set(None);
            let problem = new_password::problem(&password, &confirm);
            local.set(problem);
            if problem.is_some() {
                return;
            }
            busy.set(true);
            let (session, navigator, busy, error) =
                (session.clone(), navigator.clone(), busy.clone(), error.clone());
            let (token, invite) = (token.clone(), invite.clone());
            let (name, password) = (name.trim().to_owned(), (*password).clone());
            spawn_local(async move {
                let accepted = session
                    .api()
                    .accept_invite_with_password(token, name, password, browser_timezone())
                    .await;
                match accepted {
                    Ok(me) => welcome(&session, navigator.as_ref(), me, &invite),
                    Err(err) => {
                        error.set(Some(err));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let on_google = {
        let (session, name, busy, error, token) = (
            session.clone(),
            name.clone(),
            google_busy.clone(),
            error.clone(),
            props.token.clone(),
        );
        Callback::from(move |_| {
            busy.set(true);
            error.set(None);
            let flow = GoogleFlow::AcceptInvite {
                invite_token: token.clone(),
                display_name: name.trim().to_owned(),
                timezone: browser_timezone(),
            };
            let (session, busy, error) = (session.clone(), busy.clone(), error.clone());
            spawn_local(async move {
                match session.api().start_google(flow).await {
                    Ok(url) => go_to(&url),
                    Err(err) => {
                        error.set(Some(err));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let server_error = |field: &str| forms::server_error(&error, field);
    let local_error = |which: &str| forms::local_error(*local, which);
    let disabled = *busy || *google_busy;
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
                { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                <Button submit=true busy={*busy} disabled={*google_busy}>
                    { if *busy { "Creating your account…" } else { "Create account" } }
                </Button>
            </form>
            if props.google {
                <div class="alternative">
                    <p class="alternative__or">{ "or" }</p>
                    <Button kind={ButtonKind::Secondary} busy={*google_busy} disabled={*busy} onclick={on_google}>
                        { if *google_busy { "Opening Google…" } else { "Continue with Google" } }
                    </Button>
                </div>
            }
        </Card>
    }
}
