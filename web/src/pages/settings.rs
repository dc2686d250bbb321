//! Settings (`/settings`): the profile (name, time zone, units, picture;
//! a payment link for coaches), the password (change, optionally signing
//! out other sessions), the list of signed-in sessions with revoke, and
//! linking Google.

use std::rc::Rc;

use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{ApiError, GoogleFlow, Me, ProfileChanges, Role, SessionInfo, Units},
    components::{
        button::{Button, ButtonKind},
        card::Card,
        checkbox::Checkbox,
        format::date_time,
        new_password::NewPasswordFields,
        notice::{FormError, NoticeKind},
        progress::ProgressBar,
        select::SelectField,
        table::Table,
        text_field::TextField,
    },
    pages::{
        fetch::{Load, use_fetch},
        forms,
        guard::RequireSignIn,
        location::go_to,
        passwords,
    },
    session::use_session,
};

#[component]
pub fn Settings() -> Html {
    html! {
        <RequireSignIn render={Callback::from(|me: Rc<Me>| html! {
            <>
                <h1 class="page-title">{ "Settings" }</h1>
                <div class="grid">
                    <Profile me={me.clone()} />
                    <Password me={me.clone()} />
                    <Google me={me.clone()} />
                </div>
                <Sessions />
            </>
        })} />
    }
}

#[derive(Properties, PartialEq)]
struct MeProps {
    me: Rc<Me>,
}

#[component]
fn Profile(props: &MeProps) -> Html {
    let session = use_session();
    let me = &props.me;
    let name = use_state(|| me.display_name.clone());
    let timezone = use_state(|| me.timezone.clone());
    let units = use_state(|| me.units);
    let avatar = use_state(|| me.avatar_url.clone());
    let payment = use_state(|| me.payment_link.clone());
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let Some(session) = session else { return html! {} };
    let coach = me.has_role(Role::Coach);

    let onsubmit = {
        let (name, timezone, units, avatar, payment, busy, error) = (
            name.clone(),
            timezone.clone(),
            units.clone(),
            avatar.clone(),
            payment.clone(),
            busy.clone(),
            error.clone(),
        );
        let me = me.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            let changed = |value: &str, old: &str| {
                let value = value.trim();
                (value != old).then(|| value.to_owned())
            };
            let changes = ProfileChanges {
                display_name: changed(&name, &me.display_name),
                timezone: changed(&timezone, &me.timezone),
                units: (*units != me.units).then_some(*units),
                avatar_url: changed(&avatar, &me.avatar_url),
                payment_link: if coach { changed(&payment, &me.payment_link) } else { None },
            };
            if changes == ProfileChanges::default() {
                session.notify(NoticeKind::Info, "Nothing to save: no changes.");
                return;
            }
            busy.set(true);
            error.set(None);
            let (session, busy, error) = (session.clone(), busy.clone(), error.clone());
            spawn_local(async move {
                match session.api().update_me(changes).await {
                    Ok(saved) => {
                        session.update_me(saved);
                        session.notify(NoticeKind::Success, "Your profile is saved.");
                    }
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    let on_units = {
        let units = units.clone();
        Callback::from(move |key: String| units.set(Units::from_key(&key).unwrap_or_default()))
    };
    let field_error = |field: &str| forms::server_error(&error, field);
    let unit_options = [Units::Metric, Units::Imperial]
        .map(|units| (AttrValue::from(units.key()), AttrValue::from(units.label())))
        .to_vec();
    html! {
        <Card title="Profile">
            <form class="form" {onsubmit}>
                <TextField id="profile-name" label="Display name" autocomplete="name" required=true
                    disabled={*busy} value={(*name).clone()} oninput={forms::bind(&name)}
                    error={field_error("display_name")} />
                <TextField id="profile-timezone" label="Time zone"
                    hint="IANA name, e.g. Europe/Berlin. Scheduled workout days use it."
                    disabled={*busy} value={(*timezone).clone()} oninput={forms::bind(&timezone)}
                    error={field_error("timezone")} />
                <SelectField id="profile-units" label="Units" value={units.key()}
                    options={unit_options} onchange={on_units} disabled={*busy}
                    error={field_error("units")} />
                <TextField id="profile-avatar" label="Picture URL" input_type="url"
                    hint="An https address of a picture of you; leave empty for none."
                    disabled={*busy} value={(*avatar).clone()} oninput={forms::bind(&avatar)}
                    error={field_error("avatar_url")} />
                if coach {
                    <TextField id="profile-payment" label="Payment link" input_type="url"
                        hint="An https address where your athletes pay you; they see it under My coaches."
                        disabled={*busy} value={(*payment).clone()} oninput={forms::bind(&payment)}
                        error={field_error("payment_link")} />
                }
                <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
                <Button submit=true busy={*busy}>{ if *busy { "Saving…" } else { "Save profile" } }</Button>
            </form>
        </Card>
    }
}

#[component]
fn Password(props: &MeProps) -> Html {
    let session = use_session();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let confirm = use_state(String::new);
    let sign_out_others = use_state(|| true);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let local = use_state(|| None::<(&'static str, &'static str)>);
    let Some(session) = session else { return html! {} };
    let has_password = props.me.has_password;

    let onsubmit = {
        let (current, new, confirm, sign_out_others, busy, error, local) = (
            current.clone(),
            new.clone(),
            confirm.clone(),
            sign_out_others.clone(),
            busy.clone(),
            error.clone(),
            local.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            error.set(None);
            let problem = passwords::problem(&new, &confirm);
            local.set(problem);
            if problem.is_some() {
                return;
            }
            busy.set(true);
            let (session, busy, error) = (session.clone(), busy.clone(), error.clone());
            let (current, new, confirm) = (current.clone(), new.clone(), confirm.clone());
            let revoke = *sign_out_others;
            spawn_local(async move {
                let api = session.api();
                match api.change_password((*current).clone(), (*new).clone(), revoke).await {
                    Ok(count) => {
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
                        session.notify(NoticeKind::Success, format!("Password changed.{others}"));
                    }
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    let server_error = |field: &str| forms::server_error(&error, field);
    let local_error = |which: &str| forms::local_error(*local, which);
    let on_others = {
        let sign_out_others = sign_out_others.clone();
        Callback::from(move |checked| sign_out_others.set(checked))
    };
    html! {
        <Card title={if has_password { "Change password" } else { "Set a password" }}>
            <form class="form" {onsubmit} novalidate=true>
                if has_password {
                    <TextField id="current-password" label="Current password" input_type="password"
                        autocomplete="current-password" required=true disabled={*busy}
                        value={(*current).clone()} oninput={forms::bind(&current)}
                        error={server_error("current_password")} />
                } else {
                    <p class="muted">{ "You sign in with Google. A password lets you sign in without it too." }</p>
                }
                <NewPasswordFields id_prefix="change-" label="New password"
                    password={(*new).clone()} confirmation={(*confirm).clone()}
                    on_password={forms::bind(&new)} on_confirmation={forms::bind(&confirm)}
                    hint={passwords::HINT} disabled={*busy}
                    password_error={local_error("new").or_else(|| server_error("new_password"))}
                    confirmation_error={local_error("confirm")} />
                <Checkbox id="sign-out-others" label="Sign out my other sessions"
                    checked={*sign_out_others} onchange={on_others} disabled={*busy} />
                <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
                <Button submit=true busy={*busy}>{ if *busy { "Saving…" } else { "Change password" } }</Button>
            </form>
        </Card>
    }
}

#[component]
fn Google(props: &MeProps) -> Html {
    let session = use_session();
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
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
    let Some(session) = session else { return html! {} };
    let offered = matches!(&*options.load, Load::Ready(options) if options.google);
    if !offered {
        return html! {};
    }
    let onclick = {
        let (busy, error) = (busy.clone(), error.clone());
        Callback::from(move |_| {
            busy.set(true);
            error.set(None);
            let (session, busy, error) = (session.clone(), busy.clone(), error.clone());
            spawn_local(async move {
                match session.api().start_google(GoogleFlow::Link).await {
                    Ok(url) => go_to(&url),
                    Err(err) => {
                        error.set(Some(err));
                        busy.set(false);
                    }
                }
            });
        })
    };
    html! {
        <Card title="Google sign-in">
            if props.me.google_linked {
                <p>{ "Google is linked: you can sign in with Google." }</p>
            } else {
                <div class="form">
                    <p>{ "Link your Google account to sign in with Google as well." }</p>
                    <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
                    <Button kind={ButtonKind::Secondary} busy={*busy} {onclick}>
                        { if *busy { "Opening Google…" } else { "Link Google" } }
                    </Button>
                </div>
            }
        </Card>
    }
}

#[component]
fn Sessions() -> Html {
    let session = use_session();
    let revoking = use_state(|| None::<String>);
    let error = use_state(|| None::<ApiError>);
    let api = session.as_ref().map(|session| session.api().clone());
    let list = use_fetch((), move |()| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.sessions().await,
                None => Ok(Vec::new()),
            }
        }
    });
    let Some(session) = session else { return html! {} };
    let revoke = {
        let (revoking, error, reload) = (revoking.clone(), error.clone(), list.reload.clone());
        Callback::from(move |id: String| {
            revoking.set(Some(id.clone()));
            error.set(None);
            let (session, revoking, error, reload) =
                (session.clone(), revoking.clone(), error.clone(), reload.clone());
            spawn_local(async move {
                match session.api().revoke_session(id).await {
                    Ok(()) => {
                        session.notify(NoticeKind::Success, "That session is signed out.");
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
                revoking.set(None);
            });
        })
    };
    let rows = |sessions: &[SessionInfo]| -> Vec<Vec<Html>> {
        sessions
            .iter()
            .map(|s| {
                let action = if s.current {
                    html! { <span class="badge badge--ok">{ "This device" }</span> }
                } else {
                    let onclick = {
                        let (revoke, id) = (revoke.clone(), s.id.clone());
                        Callback::from(move |_| revoke.emit(id.clone()))
                    };
                    let busy = revoking.as_deref() == Some(s.id.as_str());
                    html! { <Button kind={ButtonKind::Secondary} {busy} {onclick}>{ "Sign out" }</Button> }
                };
                vec![
                    html! { <span class="device">{ device(&s.user_agent) }</span> },
                    html! { s.address.clone() },
                    html! { date_time(s.created) },
                    html! { date_time(s.last_used) },
                    action,
                ]
            })
            .collect()
    };
    html! {
        <Card title="Where you're signed in">
            <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
            { match &*list.load {
                Load::Loading => html! { <ProgressBar label="Loading sessions…" /> },
                Load::Failed(err) => html! { <FormError text={AttrValue::from(err.to_string())} /> },
                Load::Ready(sessions) => html! {
                    <Table
                        caption="Your signed-in sessions, most recently used first"
                        headings={["Device", "Address", "Signed in", "Last used", "Action"].map(AttrValue::Static).to_vec()}
                        rows={rows(sessions)}
                        empty="No sessions."
                    />
                },
            } }
        </Card>
    }
}

/// A short name for a browser from its User-Agent, e.g. "Chrome on Linux".
fn device(user_agent: &str) -> String {
    if user_agent.is_empty() {
        return "Unknown device".into();
    }
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => user_agent.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn user_agents_read_as_browser_and_system() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0 Chrome/140.0 Safari/537.36";
        assert_eq!(device(chrome), "Chrome on Linux");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device(iphone), "Safari on iPhone");
        assert_eq!(device(""), "Unknown device");
        assert_eq!(device("grpcurl/1.8.6"), "grpcurl/1.8.6");
    }
}
