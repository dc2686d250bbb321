//! Sign in with email and password, or with Google when the server offers it.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::GoogleFlow,
    app::Route,
    components::{
        button::{Button, ButtonKind},
        card::Card,
        notice::form_error,
        progress::progress_bar,
        text_field::TextField,
    },
    forms,
    hooks::fetch::{Load, use_fetch},
    location::go_to,
    session::{Status, use_session},
};

#[component]
pub fn SignIn() -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let password = use_state(String::new);
    let form = forms::use_submission();
    let google = forms::use_submission();
    let options = {
        let api = session.as_ref().map(|session| session.api().clone());
        use_fetch((), move |()| {
            let api = api.clone();
            async move {
                match api {
                    Some(api) => api.sign_in_options().await,
                    None => Ok(Default::default()),
                }
            }
        })
    };

    let Some(session) = session else {
        return html! {};
    };
    match session.status() {
        Status::SignedIn(_) => return html! { <Redirect<Route> to={Route::Home} /> },
        Status::Restoring => return progress_bar("Signing you in…"),
        Status::SignedOut => {}
    }

    let onsubmit = {
        let (email, password, form, google) =
            (email.clone(), password.clone(), form.clone(), google.clone());
        let session = session.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (email, password) = ((*email).trim().to_owned(), (*password).clone());
            let api = session.api().clone();
            let session = session.clone();
            google.clear();
            form.send_and_leave(async move { api.sign_in(email, password).await }, move |me| {
                session.signed_in(me)
            });
        })
    };
    let on_google = {
        let (session, form, google) = (session.clone(), form.clone(), google.clone());
        Callback::from(move |_: MouseEvent| {
            let api = session.api().clone();
            form.clear();
            google
                .send_and_leave(async move { api.start_google(GoogleFlow::SignIn).await }, |url| {
                    go_to(&url)
                });
        })
    };
    let google_offered = matches!(&*options.load, Load::Ready(options) if options.google);
    let on_email = {
        let email = email.clone();
        Callback::from(move |value: String| email.set(value))
    };
    let on_password = {
        let password = password.clone();
        Callback::from(move |value: String| password.set(value))
    };
    let (busy, google_busy) = (form.busy(), google.busy());
    let field_error = |field: &str| forms::server_error(form.error(), field);
    let error = form.error().as_ref().or(google.error().as_ref());

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
                        disabled={busy}
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
                        disabled={busy}
                        value={(*password).clone()}
                        oninput={on_password}
                        error={field_error("password")}
                    />
                    <div id="sign-in-error">
                        { form_error(error.map(|err| AttrValue::from(err.to_string()))) }
                    </div>
                    <Button submit=true busy={busy}>
                        { if busy { "Signing in…" } else { "Sign in" } }
                    </Button>
                </form>
                if google_offered {
                    <div class="alternative">
                        <p class="alternative__or">{ "or" }</p>
                        <Button kind={ButtonKind::Secondary} busy={google_busy} onclick={on_google}>
                            { if google_busy { "Opening Google…" } else { "Sign in with Google" } }
                        </Button>
                    </div>
                }
            </Card>
            <p class="muted small">
                { "New here? Baton accounts are created by invitation: ask your coach or an admin for a link. Forgot your password? An admin can send you a reset link." }
            </p>
        </div>
    }
}
