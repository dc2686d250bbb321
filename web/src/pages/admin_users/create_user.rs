//! "Create a user": email, name, roles and time zone; the new account's
//! one-time setup link appears below with a Copy button.

use yew::prelude::*;

use crate::{
    api::{CreatedUser, Role},
    components::{
        button::Button,
        card::Card,
        copy_link::CopyLink,
        format::{browser_timezone, date_time},
        notice::form_error,
        role_picker::RolePicker,
        text_field::TextField,
    },
    forms,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct CreateUserFormProps {
    pub on_created: Callback<()>,
}

#[component]
pub(super) fn CreateUserForm(props: &CreateUserFormProps) -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let name = use_state(String::new);
    let roles = use_state(|| vec![Role::Coach]);
    let timezone = use_state(browser_timezone);
    let submission = forms::use_submission();
    let created = use_state(|| None::<CreatedUser>);
    let Some(session) = session else { return html! {} };

    let onsubmit = {
        let (email, name, roles, timezone, submission, created, on_created) = (
            email.clone(),
            name.clone(),
            roles.clone(),
            timezone.clone(),
            submission.clone(),
            created.clone(),
            props.on_created.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            created.set(None);
            let (address, display_name, roles, timezone) = (
                email.trim().to_owned(),
                name.trim().to_owned(),
                (*roles).clone(),
                timezone.trim().to_owned(),
            );
            let api = session.api().clone();
            let request =
                async move { api.create_user(address, display_name, roles, timezone).await };
            let (email, name, created, on_created) =
                (email.clone(), name.clone(), created.clone(), on_created.clone());
            submission.send(request, move |user| {
                created.set(Some(user));
                email.set(String::new());
                name.set(String::new());
                on_created.emit(());
            });
        })
    };
    let busy = submission.busy();
    let error = submission.error();
    let field_error = |field: &str| forms::server_error(error, field);
    html! {
        <Card title="Create a user">
            <form class="form" {onsubmit}>
                <div class="form-row">
                    <TextField
                        id="new-user-email"
                        label="Email"
                        input_type="email"
                        autocomplete="off"
                        required=true
                        disabled={busy}
                        value={(*email).clone()}
                        oninput={forms::bind(&email)}
                        error={field_error("email")}
                    />
                    <TextField
                        id="new-user-name"
                        label="Name"
                        autocomplete="off"
                        required=true
                        disabled={busy}
                        value={(*name).clone()}
                        oninput={forms::bind(&name)}
                        error={field_error("display_name")}
                    />
                </div>
                <RolePicker id="new-user" roles={(*roles).clone()} onchange={{
                    let roles = roles.clone();
                    Callback::from(move |next| roles.set(next))
                }} disabled={busy} error={field_error("roles")} />
                <TextField
                    id="new-user-timezone"
                    label="Time zone"
                    hint="IANA name, e.g. Europe/Berlin. The person can change it later."
                    disabled={busy}
                    value={(*timezone).clone()}
                    oninput={forms::bind(&timezone)}
                    error={field_error("timezone")}
                />
                { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                <Button submit=true busy={busy}>
                    { if busy { "Creating…" } else { "Create user" } }
                </Button>
            </form>
            if let Some(created) = &*created {
                <div class="result">
                    <p>{ format!("{} ({}) was created.", created.user.display_name, created.user.email) }</p>
                    <CopyLink
                        id="setup-link"
                        label="Setup link"
                        url={created.setup_url.clone()}
                        hint={format!("Send it to them: it lets them set a password or use Google, once, until {}. It is shown only now.", date_time(created.expires))}
                    />
                </div>
            }
        </Card>
    }
}
