//! Garmin (`/garmin`), for every signed-in user: the Garmin connection
//! (status, account, how and when, the last problem, a rate limit's end)
//! with Disconnect, and four ways to connect, all ending in the same
//! connection: signing in at Garmin inside the page ([`browser`], the
//! default: Baton never sees the password), pasting the address Garmin
//! lands on after signing in in another tab ([`paste`]), the Garmin
//! password with its MFA code ([`password`]), or a token file
//! ([`token_file`]).

mod browser;
mod password;
mod paste;
mod token_file;

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{ApiError, GarminConnection, GarminSignIn, GarminStatus, Me},
    app::{Route, guard::RequireSignIn},
    components::{
        button::{Button, ButtonKind},
        card::Card,
        confirm::ConfirmButton,
        garmin_status::ConnectionDetails,
        notice::{NoticeKind, form_error},
        progress::progress_bar,
        radio_group::{Choice, RadioGroup},
    },
    forms,
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};
use browser::BrowserSignIn;
use password::PasswordSignIn;
use paste::PasteTicket;
use token_file::TokenFile;

#[component]
pub fn Garmin() -> Html {
    html! { <RequireSignIn render={Callback::from(|_: Rc<Me>| html! { <GarminPage /> })} /> }
}

/// The ways to connect, in the order offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Way {
    Browser,
    Paste,
    Password,
    TokenFile,
}

impl Way {
    const ALL: [Way; 4] = [Way::Browser, Way::Paste, Way::Password, Way::TokenFile];

    fn key(self) -> &'static str {
        match self {
            Self::Browser => "browser",
            Self::Paste => "paste",
            Self::Password => "password",
            Self::TokenFile => "token-file",
        }
    }

    fn choice(self) -> Choice {
        let (label, hint) = match self {
            Self::Browser => (
                "Sign in with Garmin here (recommended)",
                "Garmin's own sign-in page opens below; Baton never sees your Garmin password.",
            ),
            Self::Paste => (
                "Sign in at Garmin in a new tab",
                "If the sign-in below doesn't work in your browser: sign in at Garmin, then paste the address you land on.",
            ),
            Self::Password => (
                "Let Baton sign in with your Garmin email and password",
                "Used once and never stored. Garmin may send you a code to enter.",
            ),
            Self::TokenFile => (
                "Import a token file",
                "For accounts Garmin won't let Baton sign in to: the garmin_tokens.json that python-garminconnect saves.",
            ),
        };
        Choice { value: self.key().into(), label: label.into(), hint: hint.into() }
    }
}

#[component]
fn GarminPage() -> Html {
    let session = use_session();
    let api = session.as_ref().map(|session| session.api().clone());
    let fetch = use_fetch((), move |()| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.garmin_connection().await,
                None => Err(ApiError::SessionExpired),
            }
        }
    });
    // A connection just made (or dropped) here, shown until the next load.
    let latest = use_state(|| None::<GarminConnection>);
    let way = use_state(|| Way::Browser);
    // With a working link, the ways to connect stay folded away until asked for.
    let reconnecting = use_state(|| false);
    let disconnect = forms::use_submission();
    let Some(session) = session else { return html! {} };

    let (connection, sign_in) = match &*fetch.load {
        Load::Loading => return page(progress_bar("Loading your Garmin connection…")),
        Load::Failed(err) => return page(form_error(AttrValue::from(err.to_string()))),
        Load::Ready((fetched, sign_in)) => {
            ((*latest).clone().unwrap_or_else(|| fetched.clone()), sign_in.clone())
        }
    };

    let on_connected = {
        let (session, latest, reload) = (session.clone(), latest.clone(), fetch.reload.clone());
        Callback::from(move |connection: GarminConnection| {
            let name = if connection.full_name.is_empty() {
                connection.display_name.clone()
            } else {
                connection.full_name.clone()
            };
            session.notify(NoticeKind::Success, format!("Garmin is connected: {name}."));
            latest.set(Some(connection));
            reload.emit(());
        })
    };
    let on_reconnect = {
        let reconnecting = reconnecting.clone();
        Callback::from(move |_| reconnecting.set(!*reconnecting))
    };
    let on_disconnect = {
        let (session, latest, disconnect, reload) =
            (session.clone(), latest.clone(), disconnect.clone(), fetch.reload.clone());
        Callback::from(move |()| {
            let api = session.api().clone();
            let (session, latest, reload) = (session.clone(), latest.clone(), reload.clone());
            disconnect.send(async move { api.disconnect_garmin().await }, move |()| {
                session.notify(NoticeKind::Success, "Garmin is disconnected.");
                latest.set(None);
                reload.emit(());
            });
        })
    };
    let on_way = {
        let way = way.clone();
        Callback::from(move |key: String| {
            if let Some(chosen) = Way::ALL.into_iter().find(|w| w.key() == key) {
                way.set(chosen);
            }
        })
    };
    let on_switch = {
        let way = way.clone();
        Callback::from(move |chosen: Way| way.set(chosen))
    };

    let linked = connection.status.is_linked();
    let working = matches!(connection.status, GarminStatus::Connected | GarminStatus::RateLimited);
    let connect = if working && !*reconnecting {
        html! {}
    } else {
        connect_card(ConnectCard {
            way: *way,
            sign_in,
            on_way,
            on_switch,
            on_connected,
            again: working,
        })
    };
    page(html! {
        <>
            <Card title="Your Garmin connection">
                <ConnectionDetails connection={connection.clone()} />
                { form_error(disconnect.error().as_ref().map(|err| AttrValue::from(err.to_string()))) }
                if linked {
                    <div class="actions">
                        if working {
                            <Link<Route> classes="button button--secondary" to={Route::Library}>
                                { "Open your workout library" }
                            </Link<Route>>
                        }
                        if working {
                            <Button kind={ButtonKind::Secondary} onclick={on_reconnect}
                                aria_expanded={Some(*reconnecting)}>
                                { if *reconnecting { "Keep this connection" } else { "Connect again or another account" } }
                            </Button>
                        }
                        <ConfirmButton
                            label="Disconnect Garmin"
                            question="Disconnect Garmin? Baton forgets its sign-in and your synced workout list. Workouts in Garmin and workouts you already shared stay as they are."
                            confirm_label="Disconnect"
                            busy={disconnect.busy()}
                            onconfirm={on_disconnect}
                        />
                    </div>
                }
            </Card>
            { connect }
        </>
    })
}

fn page(body: Html) -> Html {
    html! {
        <>
            <h1 class="page-title">{ "Garmin" }</h1>
            { body }
        </>
    }
}

/// What the connect card needs.
struct ConnectCard {
    way: Way,
    sign_in: GarminSignIn,
    on_way: Callback<String>,
    on_switch: Callback<Way>,
    on_connected: Callback<GarminConnection>,
    /// A working link exists: connecting replaces it.
    again: bool,
}

fn connect_card(card: ConnectCard) -> Html {
    let choices = Way::ALL.map(Way::choice).to_vec();
    let ConnectCard { way, sign_in, on_way, on_switch, on_connected, again } = card;
    let form = match way {
        Way::Browser => html! { <BrowserSignIn {sign_in} {on_connected} /> },
        Way::Paste => {
            html! { <PasteTicket sign_in_url={sign_in.sign_in_url.clone()} {on_connected} /> }
        }
        Way::Password => html! { <PasswordSignIn {on_connected} {on_switch} /> },
        Way::TokenFile => html! { <TokenFile {on_connected} /> },
    };
    let body = html! {
        <>
            <RadioGroup name="garmin-way" legend="How do you want to connect?" {choices}
                selected={way.key()} onchange={on_way} />
            <div class="connect-way">{ form }</div>
        </>
    };
    let title = if again { "Connect again (replaces this connection)" } else { "Connect Garmin" };
    html! { <Card {title}>{ body }</Card> }
}
