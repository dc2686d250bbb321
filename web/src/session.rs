//! The session as a Yew context: who is signed in (or that we are still
//! finding out), plus one notice for the person. `SessionProvider` owns the
//! [`Api`] handle, resumes a stored session on start-up, and follows other
//! tabs through `storage` events: a new refresh token there signs this tab in
//! too, a removed one signs it out. Token mechanics live in `api`.

use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::StorageEvent;
use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{Api, ApiError, Me, REFRESH_TOKEN_KEY},
    components::notice::NoticeKind,
};

/// How long a non-error notice stays.
const NOTICE_FADE_MS: u32 = 8_000;

/// Where the session stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Start-up: resuming a stored session.
    Restoring,
    SignedOut,
    SignedIn(Rc<Me>),
}

/// A message for the person, shown in the notice area.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: AttrValue,
}

#[derive(Clone, Debug, PartialEq)]
struct State {
    status: Status,
    notice: Option<Notice>,
}

enum Action {
    Restored(Result<Option<Me>, ApiError>),
    SignedIn(Me),
    /// The signed-in user changed (profile saved, roles gained).
    Updated(Me),
    SignedOut(Option<Notice>),
    Notify(Notice),
    Dismiss,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = match action {
            Action::Restored(Ok(Some(me))) | Action::SignedIn(me) => {
                State { status: Status::SignedIn(Rc::new(me)), notice: None }
            }
            Action::Restored(Ok(None)) => {
                State { status: Status::SignedOut, notice: self.notice.clone() }
            }
            Action::Restored(Err(err)) => {
                State { status: Status::SignedOut, notice: Some(error_notice(&err)) }
            }
            Action::Updated(me) => {
                State { status: Status::SignedIn(Rc::new(me)), notice: self.notice.clone() }
            }
            Action::SignedOut(notice) => State { status: Status::SignedOut, notice },
            Action::Notify(notice) => State { status: self.status.clone(), notice: Some(notice) },
            Action::Dismiss => State { status: self.status.clone(), notice: None },
        };
        Rc::new(next)
    }
}

fn error_notice(err: &ApiError) -> Notice {
    let kind = match err {
        ApiError::SessionExpired => NoticeKind::Info,
        _ => NoticeKind::Error,
    };
    Notice { kind, text: err.to_string().into() }
}

/// What pages get from [`use_session`].
#[derive(Clone, PartialEq)]
pub struct Session {
    state: UseReducerHandle<State>,
    api: Api,
}

impl Session {
    pub fn status(&self) -> &Status {
        &self.state.status
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.state.notice.as_ref()
    }

    /// The backend handle, for pages that load data.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// Records a successful sign-in.
    pub fn signed_in(&self, me: Me) {
        self.state.dispatch(Action::SignedIn(me));
    }

    /// Replaces the signed-in user's details (after a profile change or an
    /// accepted invite), keeping the current notice.
    pub fn update_me(&self, me: Me) {
        self.state.dispatch(Action::Updated(me));
    }

    /// Records that the session ended here (credentials already dropped,
    /// e.g. by a password reset), with a notice.
    pub fn signed_out(&self, notice: Notice) {
        self.state.dispatch(Action::SignedOut(Some(notice)));
    }

    /// Shows a notice to the person.
    pub fn notify(&self, kind: NoticeKind, text: impl Into<AttrValue>) {
        self.state.dispatch(Action::Notify(Notice { kind, text: text.into() }));
    }

    /// The signed-in user, if any.
    pub fn me(&self) -> Option<Rc<Me>> {
        match &self.state.status {
            Status::SignedIn(me) => Some(me.clone()),
            _ => None,
        }
    }

    /// Signs out here and on the server, then shows the sign-in page.
    pub fn sign_out(&self) {
        let (api, state) = (self.api.clone(), self.state.clone());
        spawn_local(async move {
            let notice = match api.sign_out().await {
                Ok(()) => Notice { kind: NoticeKind::Success, text: "You have signed out.".into() },
                // Signed out here all the same; the server forgets the
                // session when it expires.
                Err(err) => Notice {
                    kind: NoticeKind::Info,
                    text: format!("You have signed out on this device. ({err})").into(),
                },
            };
            state.dispatch(Action::SignedOut(Some(notice)));
        });
    }

    pub fn dismiss_notice(&self) {
        self.state.dispatch(Action::Dismiss);
    }
}

/// The current session; `None` only outside [`SessionProvider`].
#[hook]
pub fn use_session() -> Option<Session> {
    use_context::<Session>()
}

#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    pub children: Html,
}

/// Provides [`Session`] to everything below it.
#[component]
pub fn SessionProvider(props: &SessionProviderProps) -> Html {
    let api = use_memo((), |()| Api::new(page_origin()));
    let state = use_reducer(|| State { status: Status::Restoring, notice: None });

    {
        let (api, dispatcher) = ((*api).clone(), state.dispatcher());
        use_effect_with((), move |()| {
            let on_end = dispatcher.clone();
            api.on_session_end(Callback::from(move |()| {
                on_end.dispatch(Action::SignedOut(Some(error_notice(&ApiError::SessionExpired))));
            }));
            restore(api.clone(), dispatcher.clone());
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "storage", move |event| {
                    if let Some(event) = event.dyn_ref::<StorageEvent>() {
                        follow_other_tab(&api, &dispatcher, event);
                    }
                })
            });
            move || drop(listener)
        });
    }

    // Good news and information fade after a while; errors stay until
    // dismissed.
    {
        let notice = state.notice.clone();
        let dispatcher = state.dispatcher();
        use_effect_with(notice, move |notice| {
            let fade = notice.as_ref().filter(|n| n.kind != NoticeKind::Error).map(|_| {
                Timeout::new(NOTICE_FADE_MS, move || dispatcher.dispatch(Action::Dismiss))
            });
            move || drop(fade)
        });
    }

    let session = Session { state, api: (*api).clone() };
    html! {
        <ContextProvider<Session> context={session}>
            { props.children.clone() }
        </ContextProvider<Session>>
    }
}

fn restore(api: Api, dispatcher: UseReducerDispatcher<State>) {
    spawn_local(async move {
        let result = api.restore().await;
        dispatcher.dispatch(Action::Restored(result));
    });
}

/// Another tab changed localStorage: adopt its sign-in or its sign-out.
fn follow_other_tab(api: &Api, dispatcher: &UseReducerDispatcher<State>, event: &StorageEvent) {
    // `key` is None when the other tab cleared all of localStorage.
    let ours = event.key().is_none_or(|key| key == REFRESH_TOKEN_KEY);
    if !ours {
        return;
    }
    let new_token = event.new_value().filter(|token| !token.is_empty());
    match (new_token, api.is_signed_in()) {
        (None, true) => {
            api.forget();
            dispatcher.dispatch(Action::SignedOut(Some(Notice {
                kind: NoticeKind::Info,
                text: "You signed out in another tab.".into(),
            })));
        }
        // Signed in elsewhere: resume that session here too. (When signed
        // in already, the rotated token is read at the next refresh.)
        (Some(_), false) => restore(api.clone(), dispatcher.clone()),
        _ => {}
    }
}

fn page_origin() -> String {
    web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default()
}
