//! Asks the person to confirm who they are for a change that was refused
//! for want of a recent sign-in: with the password, the change runs again
//! at once; with Google, the browser leaves for Google and the callback
//! page finishes the change.

use std::rc::Rc;

use yew::prelude::*;

use crate::{
    api::{GoogleFlow, Me, SignInChange},
    components::confirm_identity::ConfirmIdentity,
    forms,
    hooks::recent_sign_in::NeedsConfirmation,
    location::go_to,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct ConfirmProps {
    pub me: Rc<Me>,
    pub needs: NeedsConfirmation,
    /// Done or cancelled.
    pub on_close: Callback<()>,
}

#[component]
pub(super) fn Confirm(props: &ConfirmProps) -> Html {
    let session = use_session();
    let submission = forms::use_submission();
    let Some(session) = session else { return html! {} };

    let on_password = {
        let (session, submission) = (session.clone(), submission.clone());
        let (retry, on_close) = (props.needs.retry.clone(), props.on_close.clone());
        Callback::from(move |password: String| {
            let api = session.api().clone();
            let (retry, on_close) = (retry.clone(), on_close.clone());
            submission.send_and_leave(
                async move { api.reauthenticate(password).await },
                move |()| {
                    on_close.emit(());
                    retry.emit(());
                },
            );
        })
    };
    let on_google = {
        let (session, submission) = (session.clone(), submission.clone());
        let then = props.needs.change;
        Callback::from(move |()| {
            let api = session.api().clone();
            let request =
                async move { api.start_google(GoogleFlow::Reauthenticate { then }).await };
            submission.send_and_leave(request, |url| go_to(&url));
        })
    };
    let busy = submission.busy();
    let error = submission.error();
    let reason = match props.needs.change {
        SignInChange::LinkGoogle => "Linking Google changes how you sign in.",
        SignInChange::UnlinkGoogle => "Removing Google sign-in changes how you sign in.",
        SignInChange::SetPassword => "Setting a password changes how you sign in.",
    };
    // The password's own refusal shows under the field, everything else below.
    let password_error = forms::server_error(error, "password");
    let other_error = error
        .as_ref()
        .filter(|err| err.field_error("password").is_none())
        .map(|err| AttrValue::from(err.to_string()));
    html! {
        <ConfirmIdentity
            {reason}
            password={props.me.has_password}
            google={props.me.google_linked}
            busy={busy}
            error={other_error}
            {password_error}
            {on_password}
            {on_google}
            on_cancel={props.on_close.clone()}
        />
    }
}
