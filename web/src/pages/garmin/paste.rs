//! Signing in at Garmin in another tab, then pasting the address Garmin
//! lands on (it carries `ticket=ST-…`), or the ticket alone.

use yew::prelude::*;

use crate::{
    api::{GarminConnection, TicketSource},
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
    let submission = forms::use_submission();
    let Some(session) = session else { return html! {} };

    let onsubmit = {
        let (pasted, submission, on_connected) =
            (pasted.clone(), submission.clone(), props.on_connected.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let ticket = pasted.trim().to_owned();
            let api = session.api().clone();
            let request =
                async move { api.connect_garmin_with_ticket(ticket, TicketSource::Pasted).await };
            let (pasted, on_connected) = (pasted.clone(), on_connected.clone());
            submission.send(request, move |connection| {
                pasted.set(String::new());
                on_connected.emit(connection);
            });
        })
    };
    let busy = submission.busy();
    let field_error = forms::server_error(submission.error(), "ticket");
    let form_problem = submission
        .error()
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
                disabled={busy}
                value={(*pasted).clone()}
                oninput={forms::bind(&pasted)}
                error={field_error}
            />
            { form_error(form_problem) }
            <Button submit=true busy={busy}>{ if busy { "Connecting…" } else { "Connect Garmin" } }</Button>
        </form>
    }
}
