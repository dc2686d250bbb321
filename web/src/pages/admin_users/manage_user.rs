//! Managing one user: who they are and how they sign in, their name, email
//! and roles to edit, and the account actions below ([`super::user_actions`]).

use yew::prelude::*;

use super::user_actions::UserActions;
use crate::{
    api::{User, UserChanges},
    components::{
        button::{Button, ButtonKind},
        format::{date_time, sign_in_methods},
        notice::{NoticeKind, form_error},
        role_picker::RolePicker,
        text_field::TextField,
    },
    forms,
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub(super) struct ManageUserProps {
    pub user: User,
    /// The admin looking at their own account.
    pub is_me: bool,
    /// The user as saved, or `None` once deleted.
    pub on_changed: Callback<Option<User>>,
    pub on_close: Callback<()>,
}

#[component]
pub(super) fn ManageUser(props: &ManageUserProps) -> Html {
    let session = use_session();
    let user = &props.user;
    let name = use_state(|| user.display_name.clone());
    let email = use_state(|| user.email.clone());
    let roles = use_state(|| user.roles.clone());
    let submission = forms::use_submission();
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with((), move |()| {
            if let Some(element) = heading.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    let Some(session) = session else { return html! {} };

    let on_save = {
        let (submission, on_changed) = (submission.clone(), props.on_changed.clone());
        let (name, email, roles, user) = (name.clone(), email.clone(), roles.clone(), user.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let changes = UserChanges {
                display_name: Some(name.trim().to_owned()).filter(|n| *n != user.display_name),
                email: Some(email.trim().to_owned()).filter(|e| *e != user.email),
                roles: Some((*roles).clone()).filter(|r| *r != user.roles),
                active: None,
            };
            let (api, id) = (session.api().clone(), user.id.clone());
            let (session, on_changed) = (session.clone(), on_changed.clone());
            submission.send(async move { api.update_user(id, changes).await }, move |saved| {
                session.notify(NoticeKind::Success, format!("Saved {}.", saved.display_name));
                on_changed.emit(Some(saved));
            });
        })
    };
    let busy = submission.busy();
    let error = submission.error();
    let field_error = |field: &str| forms::server_error(error, field);
    let on_roles = {
        let roles = roles.clone();
        Callback::from(move |next| roles.set(next))
    };
    let methods = match sign_in_methods(&user.sign_in_methods()) {
        Some(methods) => format!("Signs in with {methods}."),
        None => "Has no way to sign in yet.".to_owned(),
    };

    html! {
        <section class="card card--focus" aria-labelledby="manage-user-title">
            <div class="page-head">
                <h2 class="card__title" id="manage-user-title" tabindex="-1" ref={heading}>
                    { format!("Manage {}", user.display_name) }
                </h2>
                <Button kind={ButtonKind::Secondary} onclick={props.on_close.reform(|_| ())}>{ "Close" }</Button>
            </div>
            <p class="muted">
                { format!("Created {}. Last sign-in {}. {methods}", date_time(user.created), date_time(user.last_sign_in)) }
            </p>
            <form class="form" onsubmit={on_save}>
                <div class="form-row">
                    <TextField
                        id="edit-user-name"
                        label="Name"
                        required=true
                        disabled={busy}
                        value={(*name).clone()}
                        oninput={forms::bind(&name)}
                        error={field_error("display_name")}
                    />
                    <TextField
                        id="edit-user-email"
                        label="Email"
                        input_type="email"
                        required=true
                        disabled={busy}
                        value={(*email).clone()}
                        oninput={forms::bind(&email)}
                        error={field_error("email")}
                    />
                </div>
                <RolePicker id="edit-user" roles={(*roles).clone()} onchange={on_roles}
                    disabled={busy} error={field_error("roles")} />
                { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                <Button submit=true busy={busy}>{ "Save changes" }</Button>
            </form>
            <UserActions user={user.clone()} is_me={props.is_me} on_changed={props.on_changed.clone()} />
        </section>
    }
}
