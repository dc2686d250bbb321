//! Linking Garmin with a token file: the `garmin_tokens.json` that
//! python-garminconnect (0.3 or later) saves after signing in, read in the
//! browser with the File API and sent as text.

use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::GarminConnection,
    components::{button::Button, garmin_status::error_words, notice::form_error},
    forms,
    session::use_session,
};

/// The largest file the server takes.
const MAX_BYTES: f64 = 16.0 * 1024.0;

/// A file read and ready to send.
#[derive(Clone, PartialEq)]
struct Chosen {
    name: String,
    text: String,
}

#[derive(Properties, PartialEq)]
pub(super) struct TokenFileProps {
    pub on_connected: Callback<GarminConnection>,
}

#[component]
pub(super) fn TokenFile(props: &TokenFileProps) -> Html {
    let session = use_session();
    let chosen = use_state(|| None::<Chosen>);
    let local = use_state(|| None::<&'static str>);
    let submission = forms::use_submission();
    let Some(session) = session else { return html! {} };

    let onchange = {
        let (chosen, local, submission) = (chosen.clone(), local.clone(), submission.clone());
        Callback::from(move |event: Event| {
            chosen.set(None);
            local.set(None);
            submission.clear();
            let file = event
                .target_dyn_into::<HtmlInputElement>()
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            let Some(file) = file else { return };
            if file.size() > MAX_BYTES {
                local.set(Some("This file is larger than 16 KB: it isn't a garmin_tokens.json."));
                return;
            }
            let (chosen, local) = (chosen.clone(), local.clone());
            spawn_local(async move {
                match JsFuture::from(file.text()).await.ok().and_then(|text| text.as_string()) {
                    Some(text) => chosen.set(Some(Chosen { name: file.name(), text })),
                    None => local.set(Some("The file could not be read. Choose it again.")),
                }
            });
        })
    };
    let onsubmit = {
        let (chosen, local, submission, on_connected) =
            (chosen.clone(), local.clone(), submission.clone(), props.on_connected.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(file) = (*chosen).clone() else {
                local.set(Some("Choose your garmin_tokens.json first."));
                return;
            };
            let api = session.api().clone();
            let on_connected = on_connected.clone();
            submission.send(
                async move { api.import_garmin_tokens(file.text).await },
                move |connection| on_connected.emit(connection),
            );
        })
    };

    let busy = submission.busy();
    let error = submission.error();
    let field_error = error
        .as_ref()
        .and_then(|err| err.field_error("tokens_json"))
        .map(AttrValue::from)
        .or(local.map(AttrValue::from));
    let general = error
        .as_ref()
        .filter(|err| err.field_error("tokens_json").is_none())
        .map(|err| AttrValue::from(error_words(err)));
    let described_by = ["garmin-token-file-hint", "garmin-token-file-error"]
        [..if field_error.is_some() { 2 } else { 1 }]
        .join(" ");
    html! {
        <form class="form" {onsubmit}>
            <div class={classes!("field", field_error.as_ref().map(|_| "field--invalid"))}>
                <label class="field__label" for="garmin-token-file">{ "Token file (garmin_tokens.json)" }</label>
                <input
                    class="field__input field__input--file"
                    id="garmin-token-file"
                    name="garmin-token-file"
                    type="file"
                    accept=".json,application/json"
                    disabled={busy}
                    aria-invalid={field_error.as_ref().map(|_| "true")}
                    aria-describedby={described_by}
                    {onchange}
                />
                <p class="field__hint" id="garmin-token-file-hint">
                    { "Sign in once with python-garminconnect 0.3 or later on your own computer; it saves garmin_tokens.json. Baton checks the tokens with Garmin, then keeps them sealed." }
                </p>
                if let Some(text) = &field_error {
                    <p class="field__error" id="garmin-token-file-error">{ text.clone() }</p>
                }
            </div>
            if let Some(file) = &*chosen {
                <p class="muted" id="garmin-token-file-chosen">{ format!("Ready to import {}.", file.name) }</p>
            }
            { form_error(general) }
            <Button submit=true busy={busy}>{ if busy { "Importing…" } else { "Import tokens" } }</Button>
        </form>
    }
}
