//! Signing in at Garmin inside the page: Garmin's own sign-in widget in an
//! iframe (MFA included, done by Garmin), which posts the service ticket
//! to this page once the person has signed in. Only messages whose origin
//! is exactly the widget's are read; the ticket is redeemed once, and a
//! failure loads a fresh widget for another try. The listener goes when
//! the component does.

use std::{cell::Cell, rc::Rc};

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::MessageEvent;
use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{ApiError, GarminConnection, GarminSignIn, TicketSource},
    components::{
        button::{Button, ButtonKind},
        garmin_status::error_words,
        notice::form_error,
        progress::progress_bar,
    },
    garmin_widget::{self, WidgetMessage},
    session::use_session,
};

/// The frame's height until the widget says how tall it is (CSS px).
const INITIAL_HEIGHT: u32 = 480;

#[derive(Properties, PartialEq)]
pub(super) struct BrowserSignInProps {
    pub sign_in: GarminSignIn,
    pub on_connected: Callback<GarminConnection>,
}

#[component]
pub(super) fn BrowserSignIn(props: &BrowserSignInProps) -> Html {
    let session = use_session();
    // Bumped to load a fresh widget (a ticket works once).
    let attempt = use_state(|| 0_u32);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let refused = use_state(|| None::<&'static str>);
    let height = use_state(|| INITIAL_HEIGHT);
    // Read inside the listener, which outlives the render it was made in.
    let redeeming = use_mut_ref(|| Rc::new(Cell::new(false)));

    {
        let origin = props.sign_in.widget_origin.clone();
        let (session, busy, error, refused, height, on_connected, attempt) = (
            session.clone(),
            busy.clone(),
            error.clone(),
            refused.clone(),
            height.clone(),
            props.on_connected.clone(),
            attempt.clone(),
        );
        let redeeming = redeeming.borrow().clone();
        use_effect_with((origin.clone(), *attempt), move |_| {
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "message", move |event| {
                    let Some(event) = event.dyn_ref::<MessageEvent>() else { return };
                    // Anyone may post to this window: only Garmin's widget counts.
                    if origin.is_empty() || event.origin() != origin {
                        return;
                    }
                    match garmin_widget::read(&event.data()) {
                        WidgetMessage::Ticket(ticket) => {
                            let Some(session) = session.clone() else { return };
                            if redeeming.replace(true) {
                                return;
                            }
                            busy.set(true);
                            error.set(None);
                            refused.set(None);
                            let (busy, error, on_connected, attempt, redeeming) = (
                                busy.clone(),
                                error.clone(),
                                on_connected.clone(),
                                attempt.clone(),
                                redeeming.clone(),
                            );
                            spawn_local(async move {
                                let api = session.api();
                                match api
                                    .connect_garmin_with_ticket(ticket, TicketSource::Browser)
                                    .await
                                {
                                    Ok(connection) => on_connected.emit(connection),
                                    Err(err) => {
                                        error.set(Some(err));
                                        // The ticket is spent: a fresh widget for another try.
                                        attempt.set(attempt.wrapping_add(1));
                                    }
                                }
                                redeeming.set(false);
                                busy.set(false);
                            });
                        }
                        WidgetMessage::Resize(to) => height.set(to),
                        WidgetMessage::Refused(words) => refused.set(Some(words)),
                        WidgetMessage::Other => {}
                    }
                })
            });
            move || drop(listener)
        });
    }

    if props.sign_in.widget_url.is_empty() {
        return form_error(AttrValue::from(
            "This Baton server has no Garmin sign-in configured. Use another way below.",
        ));
    }
    let retry = {
        let (attempt, error, refused) = (attempt.clone(), error.clone(), refused.clone());
        Callback::from(move |_| {
            error.set(None);
            refused.set(None);
            attempt.set(attempt.wrapping_add(1));
        })
    };
    let problem = error
        .as_ref()
        .map(|err| AttrValue::from(error_words(err)))
        .or(refused.map(AttrValue::from));
    html! {
        <div class="garmin-widget">
            <p>{ "Sign in with your Garmin account below. If Garmin asks for a code, it sends it to you and checks it itself. When you are signed in, Baton connects by itself." }</p>
            { form_error(problem.clone()) }
            if *busy {
                { progress_bar("Connecting your Garmin account…") }
            } else {
                <iframe
                    key={attempt.to_string()}
                    id="garmin-widget"
                    class="garmin-widget__frame"
                    title="Garmin sign-in"
                    src={props.sign_in.widget_url.clone()}
                    height={height.to_string()}
                    sandbox="allow-scripts allow-forms allow-same-origin allow-popups"
                />
                if problem.is_some() {
                    <div class="actions">
                        <Button kind={ButtonKind::Secondary} onclick={retry}>{ "Start the Garmin sign-in again" }</Button>
                    </div>
                }
            }
        </div>
    }
}
