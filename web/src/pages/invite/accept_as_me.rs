//! A signed-in invitee accepts with their own account, or is told to sign
//! out when the invite is addressed to someone else.

use yew::prelude::*;
use yew_router::prelude::*;

use super::welcome;
use crate::{
    api::{InvitePreview, Me},
    components::{
        button::{Button, ButtonKind},
        card::Card,
        notice::form_error,
    },
    forms,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct AcceptAsMeProps {
    pub token: String,
    pub invite: InvitePreview,
    pub me: Me,
}

#[component]
pub(super) fn AcceptAsMe(props: &AcceptAsMeProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let submission = forms::use_submission();
    let Some(session) = session else { return html! {} };
    let addressed_to_me = props.me.email.eq_ignore_ascii_case(props.invite.email.trim());

    if !addressed_to_me {
        let sign_out = {
            let session = session.clone();
            Callback::from(move |_| session.sign_out())
        };
        return html! {
            <Card title="Signed in as someone else">
                <p>{ format!(
                    "You are signed in as {} ({}), but this invite is for {}. Sign out, then open the invite link again to accept it with the invited account.",
                    props.me.display_name, props.me.email, props.invite.email
                ) }</p>
                <Button kind={ButtonKind::Secondary} onclick={sign_out}>{ "Sign out" }</Button>
            </Card>
        };
    }
    let onclick = {
        let (submission, token, invite) =
            (submission.clone(), props.token.clone(), props.invite.clone());
        Callback::from(move |_| {
            let (api, token) = (session.api().clone(), token.clone());
            let (session, navigator, invite) = (session.clone(), navigator.clone(), invite.clone());
            submission
                .send_and_leave(async move { api.accept_invite_as_me(token).await }, move |me| {
                    welcome(&session, navigator.as_ref(), me, &invite)
                });
        })
    };
    let busy = submission.busy();
    let error = submission.error();
    html! {
        <Card title="Accept with your account">
            <div class="form">
                <p>{ format!("You are signed in as {} ({}).", props.me.display_name, props.me.email) }</p>
                { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                <Button busy={busy} {onclick}>
                    { format!("Accept as {}", props.me.display_name) }
                </Button>
            </div>
        </Card>
    }
}
