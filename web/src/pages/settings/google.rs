//! The Google sign-in card: link Google when the server offers it, or
//! remove it, which needs a password to remain (else the account would
//! have no way in). Both may need the person to confirm who they are first.

use std::rc::Rc;

use yew::prelude::*;

use crate::{
    api::{GoogleFlow, Me, SignInChange},
    components::{
        button::{Button, ButtonKind},
        card::Card,
        confirm::ConfirmButton,
        notice::{NoticeKind, form_error},
    },
    hooks::{
        fetch::{Load, use_fetch},
        recent_sign_in::{NeedsConfirmation, use_sign_in_change},
    },
    location::go_to,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct GoogleProps {
    pub me: Rc<Me>,
    pub ask: Callback<NeedsConfirmation>,
}

#[component]
pub(super) fn Google(props: &GoogleProps) -> Html {
    let session = use_session();
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
    let link = {
        let session = session.clone();
        use_sign_in_change(SignInChange::LinkGoogle, props.ask.clone(), move || {
            let session = session.clone();
            async move {
                let Some(session) = session else { return Ok(()) };
                let url = session.api().start_google(GoogleFlow::Link).await?;
                go_to(&url);
                Ok(())
            }
        })
    };
    let unlink = {
        let session = session.clone();
        use_sign_in_change(SignInChange::UnlinkGoogle, props.ask.clone(), move || {
            let session = session.clone();
            async move {
                let Some(session) = session else { return Ok(()) };
                let me = session.api().unlink_my_google().await?;
                session.update_me(me);
                session.notify(
                    NoticeKind::Success,
                    "Google sign-in is removed: sign in with your password from now on.",
                );
                Ok(())
            }
        })
    };
    let me = &props.me;
    let offered = matches!(&*options.load, Load::Ready(options) if options.google);
    if !offered && !me.google_linked {
        return html! {};
    }
    let error = link.error.or(unlink.error).map(|err| AttrValue::from(err.to_string()));
    html! {
        <Card title="Google sign-in">
            <div class="form">
                if me.google_linked {
                    <p>{ "Google is linked: you can sign in with Google." }</p>
                    if me.has_password {
                        <ConfirmButton
                            label="Remove Google sign-in"
                            question="Remove Google sign-in? You will sign in with your password only."
                            confirm_label="Remove Google sign-in"
                            busy={unlink.busy}
                            onconfirm={unlink.run}
                        />
                    } else {
                        <p class="muted">{ "Google is your only way to sign in. To remove it, set a password first." }</p>
                        <Button kind={ButtonKind::Secondary} disabled=true>{ "Remove Google sign-in" }</Button>
                    }
                } else {
                    <p>{ "Link your Google account to sign in with Google as well." }</p>
                    <Button kind={ButtonKind::Secondary} busy={link.busy} onclick={link.run.reform(|_| ())}>
                        { if link.busy { "Opening Google…" } else { "Link Google" } }
                    </Button>
                }
                { form_error(error) }
            </div>
        </Card>
    }
}
