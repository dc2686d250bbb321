//! Setting a new password with a reset link an admin issued
//! (`/reset-password#<token>`); afterwards the sign-in page opens with a
//! notice saying that every session was signed out and how the account can
//! sign in now.

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

use crate::{
    api::{ApiError, SignInMethod},
    app::Route,
    components::{
        button::Button,
        card::Card,
        format::sign_in_methods,
        new_password::{self, NewPasswordFields},
        notice::{NoticeKind, form_error},
    },
    forms,
    location::fragment,
    session::{Notice, use_session},
};

#[component]
pub fn ResetPassword() -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let token = use_state(fragment);
    let password = use_state(String::new);
    let confirm = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let local = use_state(|| None::<(&'static str, &'static str)>);

    let (Some(session), Some(token)) = (session, (*token).clone()) else {
        return html! {
            <div class="narrow">
                <h1 class="page-title">{ "Choose a new password" }</h1>
                <Card>
                    <p>{ "This reset link is incomplete. Open the whole link you were sent, or ask an admin for a new one." }</p>
                </Card>
            </div>
        };
    };
    let onsubmit = {
        let (password, confirm, busy, error, local) =
            (password.clone(), confirm.clone(), busy.clone(), error.clone(), local.clone());
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
            let (token, password) = (token.clone(), (*password).clone());
            spawn_local(async move {
                match session.api().reset_password(token, password).await {
                    Ok(methods) => {
                        let notice =
                            Notice { kind: NoticeKind::Success, text: done(&methods).into() };
                        // The reset ended every session, this browser's too:
                        // drop its credentials before showing the sign-in page.
                        if session.me().is_some() {
                            let _ = session.api().sign_out().await;
                        }
                        session.signed_out(notice);
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::SignIn);
                        }
                    }
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
    html! {
        <div class="narrow">
            <h1 class="page-title">{ "Choose a new password" }</h1>
            <Card>
                <form class="form" {onsubmit} novalidate=true>
                    <NewPasswordFields
                        label="New password"
                        password={(*password).clone()}
                        confirmation={(*confirm).clone()}
                        on_password={forms::bind(&password)}
                        on_confirmation={forms::bind(&confirm)}
                            disabled={*busy}
                        password_error={local_error("new").or_else(|| server_error("new_password"))}
                        confirmation_error={local_error("confirm")}
                    />
                    { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                    <Button submit=true busy={*busy}>
                        { if *busy { "Saving…" } else { "Set new password" } }
                    </Button>
                </form>
            </Card>
        </div>
    }
}

/// The notice after a reset: every session ended, and how to sign in now.
fn done(methods: &[SignInMethod]) -> String {
    let how = match sign_in_methods(methods) {
        Some(methods) => format!("You can sign in with {methods}."),
        None => "Sign in with it.".to_owned(),
    };
    format!("Your new password is set and every session of your account was signed out. {how}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_names_the_ways_to_sign_in() {
        let both = done(&[SignInMethod::Password, SignInMethod::Google]);
        assert!(both.starts_with("Your new password is set"), "{both}");
        assert!(both.ends_with("You can sign in with a password or Google."), "{both}");
        assert!(done(&[]).ends_with("Sign in with it."));
    }
}
