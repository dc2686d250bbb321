//! Signing in at Garmin in another tab, then pasting the address Garmin
//! lands on (it carries `ticket=ST-…`), or the ticket alone.

use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{ApiError, GarminConnection, TicketSource},
    components::{
        button::Button, garmin_status::error_words, notice::form_error, text_field::TextField,
    },
    forms,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct PasteTicketProps {
    pub sign_in_url: AttrValue,
    pub on_connected: Callback<GarminConnection>,
}

#[component]
pub(super) fn PasteTicket(props: &PasteTicketProps) -> Html {
    let session = use_session();
    let pasted = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let Some(session) = session else { return html! {} };

    let onsubmit = {
        let (pasted, busy, error, on_connected) =
            (pasted.clone(), busy.clone(), error.clone(), props.on_connected.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let ticket = pasted.trim().to_owned();
            let (session, pasted, busy, error, on_connected) = (
                session.clone(),
                pasted.clone(),
                busy.clone(),
                error.clone(),
                on_connected.clone(),
            );
            spawn_local(async move {
                match session.api().connect_garmin_with_ticket(ticket, TicketSource::Pasted).await {
                    Ok(connection) => {
                        pasted.set(String::new());
                        on_connected.emit(connection);
                    }
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    let field_error = forms::server_error(&error, "ticket");
    let form_problem = error
        .as_ref()
        .filter(|_| field_error.is_none())
        .map(|err| AttrValue::from(error_words(err)));
    html! {
        <form class="form" {onsubmit}>
            <ol class="instructions">
                <li>
                    <a id="garmin-sign-in-link" href={props.sign_in_url.clone()} target="_blank" rel="noopener noreferrer">
                        { "Open Garmin's sign-in page in a new tab" }
                    </a>
                    { " and sign in there (with the code Garmin sends, if it asks)." }
                </li>
                <li>{ "Garmin then shows a page saying you are signed in. Copy that page's whole address from the address bar: it contains “ticket=ST-…”." }</li>
                <li>{ "Paste it here straight away: the ticket works once, for a minute or two." }</li>
            </ol>
            <TextField
                id="garmin-ticket"
                label="Address of Garmin's page, or the ticket"
                autocomplete="off"
                required=true
                disabled={*busy}
                value={(*pasted).clone()}
                oninput={forms::bind(&pasted)}
                error={field_error}
            />
            { form_error(form_problem) }
            <Button submit=true busy={*busy}>{ if *busy { "Connecting…" } else { "Connect Garmin" } }</Button>
        </form>
    }
}
