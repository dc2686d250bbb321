//! A signed-in invitee accepts with their own account, or is told to sign
//! out when the invite is addressed to someone else.

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

use super::welcome;
use crate::{
    api::{ApiError, InvitePreview, Me},
    components::{
        button::{Button, ButtonKind},
        card::Card,
        notice::form_error,
    },
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
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
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
        let (busy, error, token, invite) =
            (busy.clone(), error.clone(), props.token.clone(), props.invite.clone());
        Callback::from(move |_| {
            busy.set(true);
            error.set(None);
            let (session, navigator, busy, error, token, invite) = (
                session.clone(),
                navigator.clone(),
                busy.clone(),
                error.clone(),
                token.clone(),
                invite.clone(),
            );
            spawn_local(async move {
                match session.api().accept_invite_as_me(token).await {
                    Ok(me) => welcome(&session, navigator.as_ref(), me, &invite),
                    Err(err) => {
                        error.set(Some(err));
                        busy.set(false);
                    }
                }
            });
        })
    };
    html! {
        <Card title="Accept with your account">
            <div class="form">
                <p>{ format!("You are signed in as {} ({}).", props.me.display_name, props.me.email) }</p>
                { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                <Button busy={*busy} {onclick}>
                    { format!("Accept as {}", props.me.display_name) }
                </Button>
            </div>
        </Card>
    }
}
