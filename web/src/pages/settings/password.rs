//! The password card: change the password (optionally signing out the
//! other sessions), or set a first one on an account that signs in with
//! Google only, which may need the person to confirm who they are first.

use yew::prelude::*;

use crate::{
    api::{Me, SignInChange},
    components::{
        button::Button,
        card::Card,
        checkbox::Checkbox,
        new_password::{self, NewPasswordFields},
        notice::{NoticeKind, form_error},
        text_field::TextField,
    },
    forms,
    hooks::recent_sign_in::{NeedsConfirmation, use_sign_in_change},
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct PasswordProps {
    pub me: std::rc::Rc<Me>,
    pub ask: Callback<NeedsConfirmation>,
}

#[component]
pub(super) fn Password(props: &PasswordProps) -> Html {
    let session = use_session();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let confirm = use_state(String::new);
    let sign_out_others = use_state(|| true);
    let local = use_state(|| None::<(&'static str, &'static str)>);
    let has_password = props.me.has_password;
    let change = {
        let done = if has_password { "Password changed." } else { "Password set." };
        let (session, current, new, confirm, sign_out_others) = (
            session.clone(),
            current.clone(),
            new.clone(),
            confirm.clone(),
            sign_out_others.clone(),
        );
        use_sign_in_change(SignInChange::SetPassword, props.ask.clone(), move || {
            let (session, current, new, confirm) =
                (session.clone(), current.clone(), new.clone(), confirm.clone());
            let revoke = *sign_out_others;
            async move {
                let Some(session) = session else { return Ok(()) };
                let api = session.api();
                let count = api.change_password((*current).clone(), (*new).clone(), revoke).await?;
                for field in [&current, &new, &confirm] {
                    field.set(String::new());
                }
                let others = match count {
                    0 => String::new(),
                    1 => " 1 other session was signed out.".into(),
                    n => format!(" {n} other sessions were signed out."),
                };
                if let Ok(me) = api.me().await {
                    session.update_me(me);
                }
                session.notify(NoticeKind::Success, format!("{done}{others}"));
                Ok(())
            }
        })
    };
    let busy = change.busy;

    let onsubmit = {
        let (new, confirm, local, run) = (new.clone(), confirm.clone(), local.clone(), change.run);
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if busy {
                return;
            }
            let problem = new_password::problem(&new, &confirm);
            local.set(problem);
            if problem.is_none() {
                run.emit(());
            }
        })
    };
    let error = change.error;
    let server_error = |field: &str| forms::server_error(&error, field);
    let local_error = |which: &str| forms::local_error(*local, which);
    let on_others = {
        let sign_out_others = sign_out_others.clone();
        Callback::from(move |checked| sign_out_others.set(checked))
    };
    let (title, action) = if has_password {
        ("Change password", "Change password")
    } else {
        ("Set a password", "Set password")
    };
    html! {
        <Card {title}>
            <form class="form" {onsubmit} novalidate=true>
                if has_password {
                    <TextField id="current-password" label="Current password" input_type="password"
                        autocomplete="current-password" required=true disabled={busy}
                        value={(*current).clone()} oninput={forms::bind(&current)}
                        error={server_error("current_password")} />
                } else {
                    <p class="muted">{ "You sign in with Google. A password lets you sign in without it too." }</p>
                }
                <NewPasswordFields id_prefix="change-" label="New password"
                    password={(*new).clone()} confirmation={(*confirm).clone()}
                    on_password={forms::bind(&new)} on_confirmation={forms::bind(&confirm)}
                    disabled={busy}
                    password_error={local_error("new").or_else(|| server_error("new_password"))}
                    confirmation_error={local_error("confirm")} />
                <Checkbox id="sign-out-others" label="Sign out my other sessions"
                    checked={*sign_out_others} onchange={on_others} disabled={busy} />
                { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                <Button submit=true {busy}>{ if busy { "Saving…" } else { action } }</Button>
            </form>
        </Card>
    }
}
