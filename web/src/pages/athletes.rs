//! Coach → Athletes (`/athletes`): invite an athlete by email (the link to
//! hand over appears with a Copy button), the invites still pending (with
//! revoke), and the coach's athletes (with unlink, after confirming).

use std::rc::Rc;

use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{ApiError, Athlete, Invite, Me, NewInvite, Role},
    app::guard::RequireSignIn,
    components::{
        button::{Button, ButtonKind},
        card::Card,
        confirm::ConfirmButton,
        copy_link::CopyLink,
        format::date_time,
        garmin_status::garmin_badge,
        notice::{NoticeKind, form_error},
        progress::progress_bar,
        table::Table,
        text_field::TextField,
    },
    forms,
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};

#[component]
pub fn Athletes() -> Html {
    html! {
        <RequireSignIn role={Role::Coach} render={Callback::from(|_: Rc<Me>| html! { <Roster /> })} />
    }
}

#[component]
fn Roster() -> Html {
    let session = use_session();
    let api = session.as_ref().map(|session| session.api().clone());
    let invites = {
        let api = api.clone();
        use_fetch((), move |()| {
            let api = api.clone();
            async move {
                match api {
                    Some(api) => api.pending_invites().await,
                    None => Ok(Vec::new()),
                }
            }
        })
    };
    let athletes = use_fetch((), move |()| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.my_athletes().await,
                None => Ok(Vec::new()),
            }
        }
    });
    let acting = use_state(|| None::<String>);
    let action_error = use_state(|| None::<ApiError>);
    let Some(session) = session else { return html! {} };

    let revoke = {
        let (session, acting, action_error, reload) =
            (session.clone(), acting.clone(), action_error.clone(), invites.reload.clone());
        Callback::from(move |invite: Invite| {
            acting.set(Some(invite.id.clone()));
            action_error.set(None);
            let (session, acting, action_error, reload) =
                (session.clone(), acting.clone(), action_error.clone(), reload.clone());
            spawn_local(async move {
                match session.api().revoke_invite(invite.id).await {
                    Ok(()) => {
                        session.notify(
                            NoticeKind::Success,
                            format!("The invite to {} no longer works.", invite.email),
                        );
                        reload.emit(());
                    }
                    Err(err) => action_error.set(Some(err)),
                }
                acting.set(None);
            });
        })
    };
    let unlink = {
        let (session, acting, action_error, reload) =
            (session.clone(), acting.clone(), action_error.clone(), athletes.reload.clone());
        Callback::from(move |athlete: Athlete| {
            acting.set(Some(athlete.user_id.clone()));
            action_error.set(None);
            let (session, acting, action_error, reload) =
                (session.clone(), acting.clone(), action_error.clone(), reload.clone());
            spawn_local(async move {
                match session.api().unlink_athlete(athlete.user_id).await {
                    Ok(()) => {
                        session.notify(
                            NoticeKind::Success,
                            format!("{} is no longer your athlete.", athlete.display_name),
                        );
                        reload.emit(());
                    }
                    Err(err) => action_error.set(Some(err)),
                }
                acting.set(None);
            });
        })
    };

    let invite_rows = |invites: &[Invite]| -> Vec<Vec<Html>> {
        invites
            .iter()
            .map(|invite| {
                let onclick = {
                    let (revoke, invite) = (revoke.clone(), invite.clone());
                    Callback::from(move |_| revoke.emit(invite.clone()))
                };
                let busy = acting.as_deref() == Some(invite.id.as_str());
                vec![
                    html! { invite.email.clone() },
                    html! { <span class="badge">{ invite.status.label() }</span> },
                    html! { date_time(invite.created) },
                    html! { date_time(invite.expires) },
                    html! { <Button kind={ButtonKind::Secondary} {busy} {onclick}>{ "Revoke" }</Button> },
                ]
            })
            .collect()
    };
    let athlete_rows = |athletes: &[Athlete]| -> Vec<Vec<Html>> {
        athletes
            .iter()
            .map(|athlete| {
                let onconfirm = {
                    let (unlink, athlete) = (unlink.clone(), athlete.clone());
                    Callback::from(move |()| unlink.emit(athlete.clone()))
                };
                let busy = acting.as_deref() == Some(athlete.user_id.as_str());
                vec![
                    html! { athlete.display_name.clone() },
                    html! { athlete.email.clone() },
                    garmin_badge(athlete.garmin),
                    html! { date_time(athlete.linked) },
                    html! { athlete.pending_shares },
                    html! {
                        <ConfirmButton
                            label="Unlink"
                            question={format!("Stop coaching {}? Workouts you shared and they have not imported are withdrawn; imported ones stay in their Garmin account.", athlete.display_name)}
                            confirm_label="Unlink"
                            {busy}
                            {onconfirm}
                        />
                    },
                ]
            })
            .collect()
    };

    let on_invited = invites.reload.clone();
    html! {
        <>
            <h1 class="page-title">{ "Athletes" }</h1>
            <InviteForm {on_invited} />
            { form_error(action_error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
            <Card title="Pending invites">
                { match &*invites.load {
                    Load::Loading => progress_bar("Loading invites…"),
                    Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
                    Load::Ready(list) => html! {
                        <Table
                            caption="Invites waiting to be accepted"
                            headings={headings(&["Email", "Status", "Sent", "Expires", "Action"])}
                            rows={invite_rows(list)}
                            empty="No invites are waiting."
                        />
                    },
                } }
            </Card>
            <Card title="Your athletes">
                { match &*athletes.load {
                    Load::Loading => progress_bar("Loading athletes…"),
                    Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
                    Load::Ready(list) => html! {
                        <Table
                            caption="Athletes you coach"
                            headings={headings(&["Name", "Email", "Garmin", "Linked since", "Waiting shares", "Action"])}
                            rows={athlete_rows(list)}
                            empty="No athletes yet: invite one above."
                        />
                    },
                } }
            </Card>
        </>
    }
}

fn headings(names: &[&'static str]) -> Vec<AttrValue> {
    names.iter().map(|name| AttrValue::Static(name)).collect()
}

#[derive(Properties, PartialEq)]
struct InviteFormProps {
    on_invited: Callback<()>,
}

#[component]
fn InviteForm(props: &InviteFormProps) -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let submission = forms::use_submission();
    let created = use_state(|| None::<NewInvite>);
    let Some(session) = session else { return html! {} };
    let onsubmit = {
        let (email, submission, created, on_invited) =
            (email.clone(), submission.clone(), created.clone(), props.on_invited.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (api, address) = (session.api().clone(), email.trim().to_owned());
            let (email, created, on_invited) = (email.clone(), created.clone(), on_invited.clone());
            submission.send(async move { api.invite_athlete(address).await }, move |invite| {
                created.set(Some(invite));
                email.set(String::new());
                on_invited.emit(());
            });
        })
    };
    let busy = submission.busy();
    let error = submission.error();
    let on_email = {
        let email = email.clone();
        Callback::from(move |value: String| email.set(value))
    };
    html! {
        <Card title="Invite an athlete">
            <form class="form" {onsubmit}>
                <TextField
                    id="invite-email"
                    label="Athlete's email"
                    input_type="email"
                    autocomplete="off"
                    required=true
                    hint="Baton sends no email: you get a link to pass on yourself."
                    disabled={busy}
                    value={(*email).clone()}
                    oninput={on_email}
                    error={error.as_ref().and_then(|err| err.field_error("email")).map(AttrValue::from)}
                />
                { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                <Button submit=true busy={busy}>
                    { if busy { "Creating the link…" } else { "Create invite link" } }
                </Button>
            </form>
            if let Some(invite) = &*created {
                <div class="result">
                    <CopyLink
                        id="invite-link"
                        label={format!("Invite link for {}", invite.invite.email)}
                        url={invite.url.clone()}
                        hint={format!("Send it to them yourself. It works once, until {}.", date_time(invite.invite.expires))}
                    />
                </div>
            }
        </Card>
    }
}
