//! Where Google sends the browser back (`/auth/google/callback?code&state`).
//! Finishes the flow this browser started — a sign-in, an invite accepted
//! with Google, linking Google in Settings, or confirming who the user is
//! for a change in Settings (which then goes ahead) — and moves on. Runs
//! once, after the session has been restored (all but signing in need the
//! signed-in user).

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

use crate::{
    api::{ApiError, GoogleFlow, GoogleOutcome, SignInChange},
    app::Route,
    components::{card::Card, notice::NoticeKind, notice::form_error, progress::progress_bar},
    location::{forget_secrets_in_address, go_to, query_param},
    session::{Session, Status, use_session},
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
                let finished = match session.api().finish_google(code, state).await {
                    Ok(outcome) => carry_on(&session, navigator.as_ref(), outcome).await,
                    Err(err) => Err(err),
                };
                if let Err(err) = finished {
                    error.set(Some(err));
                }
            });
        });
    }

    match &*error {
        None => progress_bar("Finishing Google sign-in…"),
        Some(err) => {
            let signed_in = session.as_ref().is_some_and(|s| s.me().is_some());
            html! {
                <div class="narrow">
                    <h1 class="page-title">{ "Google sign-in" }</h1>
                    <Card>
                        { form_error(AttrValue::from(err.to_string())) }
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

/// Where a finished flow leads: home after signing in, Settings (with a
/// notice) after linking; after confirming who the user is, the change
/// that needed it.
async fn carry_on(
    session: &Session,
    navigator: Option<&Navigator>,
    outcome: GoogleOutcome,
) -> Result<(), ApiError> {
    let go = |route: Route| {
        if let Some(navigator) = navigator {
            navigator.replace(&route);
        }
    };
    match outcome {
        GoogleOutcome::SignedIn(me) => {
            go(Route::Home);
            session.signed_in(me);
        }
        GoogleOutcome::Linked(me) => {
            go(Route::Settings);
            session.update_me(me);
            session
                .notify(NoticeKind::Success, "Google is linked: you can now sign in with Google.");
        }
        GoogleOutcome::Reauthenticated { then: SignInChange::LinkGoogle } => {
            go_to(&session.api().start_google(GoogleFlow::Link).await?);
        }
        GoogleOutcome::Reauthenticated { then: SignInChange::UnlinkGoogle } => {
            let me = session.api().unlink_my_google().await?;
            go(Route::Settings);
            session.update_me(me);
            session.notify(
                NoticeKind::Success,
                "Google sign-in is removed: sign in with your password from now on.",
            );
        }
        GoogleOutcome::Reauthenticated { then: SignInChange::SetPassword } => {
            // The new password was not kept while the browser was away.
            go(Route::Settings);
            session.notify(
                NoticeKind::Info,
                "Thanks, that's confirmed. Now set your password (within the next few minutes).",
            );
        }
    }
    Ok(())
}
