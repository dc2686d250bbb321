//! Sign in with email and password.

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

use crate::{
    api::ApiError,
    app::Route,
    components::{
        button::Button, card::Card, notice::FormError, progress::ProgressBar, text_field::TextField,
    },
    session::{Status, use_session},
};

#[component]
pub fn SignIn() -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let password = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);

    let Some(session) = session else {
        return html! {};
    };
    match session.status() {
        Status::SignedIn(_) => return html! { <Redirect<Route> to={Route::Home} /> },
        Status::Restoring => return html! { <ProgressBar label="Signing you in…" /> },
        Status::SignedOut => {}
    }

    let onsubmit = {
        let (email, password, busy, error) =
            (email.clone(), password.clone(), busy.clone(), error.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (session, busy, error) = (session.clone(), busy.clone(), error.clone());
            let (email, password) = ((*email).trim().to_owned(), (*password).clone());
            spawn_local(async move {
                match session.api().sign_in(email, password).await {
                    Ok(me) => session.signed_in(me),
                    Err(err) => {
                        error.set(Some(err));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let on_email = {
        let email = email.clone();
        Callback::from(move |value: String| email.set(value))
    };
    let on_password = {
        let password = password.clone();
        Callback::from(move |value: String| password.set(value))
    };
    let field_error =
        |field: &str| error.as_ref().and_then(|err| err.field_error(field)).map(AttrValue::from);

    html! {
        <div class="narrow">
            <h1 class="page-title">{ "Sign in" }</h1>
            <Card>
                <form class="form" {onsubmit} aria-describedby="sign-in-error">
                    <TextField
                        id="email"
                        label="Email"
                        input_type="email"
                        autocomplete="username"
                        required=true
                        disabled={*busy}
                        value={(*email).clone()}
                        oninput={on_email}
                        error={field_error("email")}
                    />
                    <TextField
                        id="password"
                        label="Password"
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                        disabled={*busy}
                        value={(*password).clone()}
                        oninput={on_password}
                        error={field_error("password")}
                    />
                    <div id="sign-in-error">
                        <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
                    </div>
                    <Button submit=true busy={*busy}>
                        { if *busy { "Signing in…" } else { "Sign in" } }
                    </Button>
                </form>
            </Card>
        </div>
    }
}
