//! Setting a new password with a reset link an admin issued
//! (`/reset-password#<token>`); afterwards the sign-in page opens with a
//! notice saying that every session was signed out and how the account can
//! sign in now.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::SignInMethod,
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
    let submission = forms::use_submission();
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
        let (password, confirm, submission, local) =
            (password.clone(), confirm.clone(), submission.clone(), local.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if submission.busy() {
                return;
            }
            submission.clear();
            let problem = new_password::problem(&password, &confirm);
            local.set(problem);
            if problem.is_some() {
                return;
            }
            let (api, signed_in) = (session.api().clone(), session.me().is_some());
            let (token, password) = (token.clone(), (*password).clone());
            let request = async move {
                let methods = api.reset_password(token, password).await?;
                // The reset ended every session, this browser's too: drop
                // its credentials before showing the sign-in page.
                if signed_in {
                    let _ = api.sign_out().await;
                }
                Ok(methods)
            };
            let (session, navigator) = (session.clone(), navigator.clone());
            submission.send_and_leave(request, move |methods| {
                let notice = Notice { kind: NoticeKind::Success, text: done(&methods).into() };
                session.signed_out(notice);
                if let Some(navigator) = navigator {
                    navigator.push(&Route::SignIn);
                }
            });
        })
    };
    let busy = submission.busy();
    let error = submission.error();
    let server_error = |field: &str| forms::server_error(error, field);
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
                            disabled={busy}
                        password_error={local_error("new").or_else(|| server_error("new_password"))}
                        confirmation_error={local_error("confirm")}
                    />
                    { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                    <Button submit=true busy={busy}>
                        { if busy { "Saving…" } else { "Set new password" } }
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
