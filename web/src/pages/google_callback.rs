//! Where Google sends the browser back (`/auth/google/callback?code&state`).
//! Finishes the flow this browser started — a sign-in, an invite accepted
//! with Google, or linking Google in Settings — then moves on. Runs once,
//! after the session has been restored (linking needs the signed-in user).

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

use crate::{
    api::{ApiError, GoogleOutcome},
    app::Route,
    components::{card::Card, notice::FormError, notice::NoticeKind, progress::ProgressBar},
    pages::location::{forget_secrets_in_address, query_param},
    session::{Status, use_session},
};

#[component]
pub fn GoogleCallback() -> Html {
    let session = use_session();
    let navigator = use_navigator();
    // Read once, before the address is cleaned.
    let answer = use_state(|| (query_param("code"), query_param("state"), query_param("error")));
    let started = use_mut_ref(|| false);
    let error = use_state(|| None::<ApiError>);
    let restoring = session.as_ref().is_none_or(|s| *s.status() == Status::Restoring);

    {
        let (session, error, answer) = (session.clone(), error.clone(), (*answer).clone());
        use_effect_with(restoring, move |restoring| {
            if *restoring || *started.borrow() {
                return;
            }
            *started.borrow_mut() = true;
            forget_secrets_in_address();
            let Some(session) = session else { return };
            let (code, state) = match answer {
                (Some(code), Some(state), None) => (code, state),
                _ => {
                    // Cancelled on Google's page, or a broken redirect.
                    session.api().abandon_google();
                    error.set(Some(ApiError::GoogleRefused));
                    return;
                }
            };
            spawn_local(async move {
                match session.api().finish_google(code, state).await {
                    Ok(GoogleOutcome::SignedIn(me)) => {
                        if let Some(navigator) = &navigator {
                            navigator.replace(&Route::Home);
                        }
                        session.signed_in(me);
                    }
                    Ok(GoogleOutcome::Linked(me)) => {
                        if let Some(navigator) = &navigator {
                            navigator.replace(&Route::Settings);
                        }
                        session.update_me(me);
                        session.notify(
                            NoticeKind::Success,
                            "Google is linked: you can now sign in with Google.",
                        );
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        });
    }

    match &*error {
        None => html! { <ProgressBar label="Finishing Google sign-in…" /> },
        Some(err) => {
            let signed_in = session.as_ref().is_some_and(|s| s.me().is_some());
            html! {
                <div class="narrow">
                    <h1 class="page-title">{ "Google sign-in" }</h1>
                    <Card>
                        <FormError text={AttrValue::from(err.to_string())} />
                        if signed_in {
                            <p><Link<Route> to={Route::Settings}>{ "Back to settings" }</Link<Route>></p>
                        } else {
                            <p><Link<Route> to={Route::SignIn}>{ "Back to sign-in" }</Link<Route>></p>
                        }
                    </Card>
                </div>
            }
        }
    }
}
