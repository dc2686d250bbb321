//! Accepting an invite (`/invite#<token>`): a coach's invite to become
//! their athlete, or the setup link of an account an admin created. Shows
//! who invited whom; a signed-in invitee accepts with their account, anyone
//! else creates the account with a password or with Google — or, having an
//! account already, signs in right here first.

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

use crate::{
    api::{ApiError, GoogleFlow, InvitePreview, Me, Role},
    app::Route,
    components::{
        button::{Button, ButtonKind},
        card::Card,
        format::{browser_timezone, date_time},
        new_password::NewPasswordFields,
        notice::{FormError, NoticeKind},
        progress::ProgressBar,
        text_field::TextField,
    },
    pages::{
        fetch::{Load, use_fetch},
        forms,
        location::{fragment, go_to},
        passwords,
    },
    session::{Session, Status, use_session},
};

#[component]
pub fn AcceptInvite() -> Html {
    let session = use_session();
    // Read once: later fragment changes (the skip link) must not lose it.
    let token = use_state(fragment);
    let preview = {
        let api = session.as_ref().map(|session| session.api().clone());
        use_fetch((*token).clone(), move |token| {
            let api = api.clone();
            async move {
                match (api, token) {
                    (Some(api), Some(token)) => api.invite_preview(token).await,
                    _ => Err(ApiError::InviteUnusable),
                }
            }
        })
    };
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

    let (Some(session), Some(token)) = (session, (*token).clone()) else {
        return html! {
            <div class="narrow">
                <h1 class="page-title">{ "Accept an invite" }</h1>
                <Card>
                    <p>{ "This invite link is incomplete. Open the whole link you were sent, or ask for a new one." }</p>
                </Card>
            </div>
        };
    };
    let invite = match &*preview.load {
        Load::Loading => return html! { <ProgressBar label="Opening the invite…" /> },
        Load::Failed(err) => {
            return html! {
                <div class="narrow">
                    <h1 class="page-title">{ "Accept an invite" }</h1>
                    <Card>
                        <FormError text={AttrValue::from(err.to_string())} />
                        <p><Link<Route> to={Route::Home}>{ "Go to the start page" }</Link<Route>></p>
                    </Card>
                </div>
            };
        }
        Load::Ready(invite) => invite.clone(),
    };
    let google = matches!(&*options.load, Load::Ready(options) if options.google);
    let body = match session.status() {
        Status::Restoring => html! { <ProgressBar label="Checking whether you're signed in…" /> },
        Status::SignedIn(me) => html! {
            <AcceptAsMe token={token.clone()} invite={invite.clone()} me={(**me).clone()} />
        },
        Status::SignedOut => html! {
            <>
                <NewAccount token={token.clone()} invite={invite.clone()} {google} />
                <ExistingAccount invite={invite.clone()} />
            </>
        },
    };
    html! {
        <div class="narrow">
            <h1 class="page-title">{ "Accept an invite" }</h1>
            <Card>
                <p class="lead">{ describe(&invite) }</p>
                <p class="muted">
                    { format!("This invite is for {}. It works until {}.", invite.email, date_time(invite.expires)) }
                </p>
            </Card>
            { body }
        </div>
    }
}

fn describe(invite: &InvitePreview) -> String {
    let roles = invite.roles.iter().map(|role| role.label().to_lowercase()).collect::<Vec<_>>();
    let as_what = match roles.as_slice() {
        [] => String::new(),
        [one] => format!(" as {} {one}", article(one)),
        [init @ .., last] => format!(" as {} and {last}", init.join(", ")),
    };
    let inviter =
        if invite.inviter_name.is_empty() { "Someone" } else { invite.inviter_name.as_str() };
    if invite.roles == [Role::Athlete] {
        format!("{inviter} invited you to Baton to be their athlete.")
    } else {
        format!("{inviter} invited you to Baton{as_what}.")
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// After accepting: the session shows the new account (or new roles), a
/// notice says so, and the start page opens.
fn welcome(session: &Session, navigator: Option<&Navigator>, me: Me, invite: &InvitePreview) {
    let text = if invite.roles.contains(&Role::Athlete) && !invite.inviter_name.is_empty() {
        format!("Welcome! You are now {}'s athlete.", invite.inviter_name)
    } else {
        "Welcome to Baton! Your account is ready.".to_owned()
    };
    if let Some(navigator) = navigator {
        navigator.push(&Route::Home);
    }
    session.signed_in(me);
    session.notify(NoticeKind::Success, text);
}

#[derive(Properties, PartialEq)]
struct AcceptAsMeProps {
    token: String,
    invite: InvitePreview,
    me: Me,
}

#[component]
fn AcceptAsMe(props: &AcceptAsMeProps) -> Html {
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
                <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
                <Button busy={*busy} {onclick}>
                    { format!("Accept as {}", props.me.display_name) }
                </Button>
            </div>
        </Card>
    }
}

#[derive(Properties, PartialEq)]
struct NewAccountProps {
    token: String,
    invite: InvitePreview,
    google: bool,
}

/// Creates the invited account with a password, or with Google.
#[component]
fn NewAccount(props: &NewAccountProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let name = use_state(String::new);
    let password = use_state(String::new);
    let confirm = use_state(String::new);
    let busy = use_state(|| false);
    let google_busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let local = use_state(|| None::<(&'static str, &'static str)>);
    let Some(session) = session else { return html! {} };

    let onsubmit = {
        let (name, password, confirm, busy, error, local) = (
            name.clone(),
            password.clone(),
            confirm.clone(),
            busy.clone(),
            error.clone(),
            local.clone(),
        );
        let (session, token, invite) = (session.clone(), props.token.clone(), props.invite.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            error.set(None);
            let problem = passwords::problem(&password, &confirm);
            local.set(problem);
            if problem.is_some() {
                return;
            }
            busy.set(true);
            let (session, navigator, busy, error) =
                (session.clone(), navigator.clone(), busy.clone(), error.clone());
            let (token, invite) = (token.clone(), invite.clone());
            let (name, password) = (name.trim().to_owned(), (*password).clone());
            spawn_local(async move {
                let accepted = session
                    .api()
                    .accept_invite_with_password(token, name, password, browser_timezone())
                    .await;
                match accepted {
                    Ok(me) => welcome(&session, navigator.as_ref(), me, &invite),
                    Err(err) => {
                        error.set(Some(err));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let on_google = {
        let (session, name, busy, error, token) = (
            session.clone(),
            name.clone(),
            google_busy.clone(),
            error.clone(),
            props.token.clone(),
        );
        Callback::from(move |_| {
            busy.set(true);
            error.set(None);
            let flow = GoogleFlow::AcceptInvite {
                invite_token: token.clone(),
                display_name: name.trim().to_owned(),
                timezone: browser_timezone(),
            };
            let (session, busy, error) = (session.clone(), busy.clone(), error.clone());
            spawn_local(async move {
                match session.api().start_google(flow).await {
                    Ok(url) => go_to(&url),
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
    let disabled = *busy || *google_busy;
    html! {
        <Card title="New to Baton? Create your account">
            <form class="form" {onsubmit} novalidate=true>
                <TextField
                    id="display-name"
                    label="Your name"
                    autocomplete="name"
                    hint="As your coach and others will see it. Leave empty to use the name on the invite."
                    {disabled}
                    value={(*name).clone()}
                    oninput={forms::bind(&name)}
                    error={server_error("display_name")}
                />
                <NewPasswordFields
                    label="Password"
                    password={(*password).clone()}
                    confirmation={(*confirm).clone()}
                    on_password={forms::bind(&password)}
                    on_confirmation={forms::bind(&confirm)}
                    hint={passwords::HINT}
                    {disabled}
                    password_error={local_error("new").or_else(|| server_error("new_password.password"))}
                    confirmation_error={local_error("confirm")}
                />
                <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
                <Button submit=true busy={*busy} disabled={*google_busy}>
                    { if *busy { "Creating your account…" } else { "Create account" } }
                </Button>
            </form>
            if props.google {
                <div class="alternative">
                    <p class="alternative__or">{ "or" }</p>
                    <Button kind={ButtonKind::Secondary} busy={*google_busy} disabled={*busy} onclick={on_google}>
                        { if *google_busy { "Opening Google…" } else { "Continue with Google" } }
                    </Button>
                </div>
            }
        </Card>
    }
}

#[derive(Properties, PartialEq)]
struct ExistingAccountProps {
    invite: InvitePreview,
}

/// Signs in here, so the page can offer "Accept as <you>".
#[component]
fn ExistingAccount(props: &ExistingAccountProps) -> Html {
    let session = use_session();
    let email = use_state(|| props.invite.email.clone());
    let password = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let Some(session) = session else { return html! {} };
    let onsubmit = {
        let (email, password, busy, error) =
            (email.clone(), password.clone(), busy.clone(), error.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (session, busy, error) = (session.clone(), busy.clone(), error.clone());
            let (email, password) = (email.trim().to_owned(), (*password).clone());
            spawn_local(async move {
                match session.api().sign_in(email, password).await {
                    Ok(me) => session.signed_in(me),
                    Err(err) => {
                        error.set(Some(err));
                        busy.set(false);
                    }
                }
            });
        })
    };
    html! {
        <Card title="Already have a Baton account?">
            <details class="disclosure">
                <summary class="disclosure__summary">{ "Sign in to accept with it" }</summary>
                <form class="form" {onsubmit}>
                    <TextField
                        id="existing-email"
                        label="Email"
                        input_type="email"
                        autocomplete="username"
                        required=true
                        disabled={*busy}
                        value={(*email).clone()}
                        oninput={forms::bind(&email)}
                    />
                    <TextField
                        id="existing-password"
                        label="Password"
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                        disabled={*busy}
                        value={(*password).clone()}
                        oninput={forms::bind(&password)}
                    />
                    <FormError text={error.as_ref().map(|err| AttrValue::from(err.to_string()))} />
                    <Button submit=true busy={*busy}>
                        { if *busy { "Signing in…" } else { "Sign in" } }
                    </Button>
                </form>
            </details>
        </Card>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite(roles: Vec<Role>, inviter: &str) -> InvitePreview {
        InvitePreview {
            email: "sam@example.com".into(),
            inviter_name: inviter.into(),
            roles,
            expires: None,
        }
    }

    #[test]
    fn an_athlete_invite_names_the_coach() {
        assert_eq!(
            describe(&invite(vec![Role::Athlete], "Cora Coach")),
            "Cora Coach invited you to Baton to be their athlete."
        );
    }

    #[test]
    fn a_setup_link_names_the_roles() {
        assert_eq!(
            describe(&invite(vec![Role::Admin], "Ada Admin")),
            "Ada Admin invited you to Baton as an admin."
        );
        assert_eq!(
            describe(&invite(vec![Role::Athlete, Role::Coach], "")),
            "Someone invited you to Baton as athlete and coach."
        );
    }
}
