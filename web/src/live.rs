//! The signed-in user's notifications as a Yew context: the unread count
//! for the badge, and a counter that grows when one of the user's shares
//! may have changed, so an open inbox or status page reads again. Both
//! come from `UserService.WatchNotifications`, kept open while someone is
//! signed in and reopened after it drops.

use std::{rc::Rc, time::Duration};

use futures::future::{AbortHandle, abortable};
use gloo_timers::future::sleep;
use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{Api, NotificationNews},
    session::{Session, use_session},
};

/// The first wait before reopening a dropped watch; doubled after each
/// failure up to [`MAX_RECONNECT_DELAY`], reset once the watch answers.
const RECONNECT_DELAY: Duration = Duration::from_secs(2);
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(60);

/// What pages get from [`use_live`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Live {
    /// The signed-in user's unread notifications.
    pub unread: i32,
    /// Grows whenever a share of the user's may have changed.
    pub share_changes: u32,
    dispatcher: Option<UseReducerDispatcher<Counts>>,
}

impl Live {
    /// Marks the user's notifications read (they are looking at the news),
    /// then shows what is left unread.
    pub fn mark_read(&self, session: &Session) {
        let (api, dispatcher) = (session.api().clone(), self.dispatcher.clone());
        spawn_local(async move {
            if let (Ok(left), Some(dispatcher)) = (api.mark_notifications_read().await, dispatcher)
            {
                dispatcher.dispatch(Action::Unread(left));
            }
        });
    }
}

/// The live state; the default (nothing unread) outside [`LiveProvider`].
#[hook]
pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_default()
}

/// For a page that shows the news (the inbox, the coach's shares): marks
/// it read once the page has `shown` it, and again when more arrives
/// while the page is open.
#[hook]
pub fn use_mark_read_when_shown(shown: bool) {
    let (session, live) = (use_session(), use_live());
    use_effect_with((shown, live.unread > 0), move |(shown, unread)| {
        if let (true, true, Some(session)) = (*shown, *unread, session) {
            live.mark_read(&session);
        }
    });
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Counts {
    unread: i32,
    share_changes: u32,
}

enum Action {
    Unread(i32),
    News(NotificationNews),
    /// A watch reopened: anything may have happened while it was closed.
    Reopened,
}

impl Reducible for Counts {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let Counts { unread, share_changes } = *self;
        Rc::new(match action {
            Action::Unread(unread) => Counts { unread, share_changes },
            Action::News(news) => Counts {
                unread: news.unread,
                share_changes: share_changes + u32::from(news.shares_changed),
            },
            Action::Reopened => Counts { unread, share_changes: share_changes + 1 },
        })
    }
}

/// Keeps a watch open for as long as the future lives, reopening it after
/// it ends or fails.
async fn watch(api: Api, dispatcher: UseReducerDispatcher<Counts>) {
    let mut delay = RECONNECT_DELAY;
    let mut opened_before = false;
    loop {
        let mut answered = false;
        let outcome = api
            .watch_notifications(&mut |news| {
                if !answered && opened_before {
                    dispatcher.dispatch(Action::Reopened);
                }
                answered = true;
                dispatcher.dispatch(Action::News(news));
            })
            .await;
        if answered {
            opened_before = true;
            delay = RECONNECT_DELAY;
        }
        if let Err(error) = outcome {
            web_sys::console::debug_1(&format!("notification watch: {error}").into());
        }
        sleep(delay).await;
        delay = (delay * 2).min(MAX_RECONNECT_DELAY);
    }
}

#[derive(Properties, PartialEq)]
pub struct LiveProviderProps {
    pub children: Html,
}

/// Watches the signed-in user's notifications for everything below it;
/// stops when they sign out (dropping the watch closes its request, which
/// matters: a browser holds few connections per server).
#[component]
pub fn LiveProvider(props: &LiveProviderProps) -> Html {
    let session = use_session();
    let counts = use_reducer(Counts::default);
    let user_id = session.as_ref().and_then(|s| s.me()).map(|me| me.id.clone());
    {
        let (dispatcher, api) = (counts.dispatcher(), session.as_ref().map(|s| s.api().clone()));
        use_effect_with(user_id, move |user_id| {
            dispatcher.dispatch(Action::Unread(0));
            let handle: Option<AbortHandle> = match (user_id, api) {
                (Some(_), Some(api)) => {
                    let (watching, handle) = abortable(watch(api, dispatcher));
                    spawn_local(async move {
                        // Aborted is the normal end: the user signed out.
                        let _ = watching.await;
                    });
                    Some(handle)
                }
                _ => None,
            };
            move || {
                if let Some(handle) = handle {
                    handle.abort();
                }
            }
        });
    }
    let live = Live {
        unread: counts.unread,
        share_changes: counts.share_changes,
        dispatcher: Some(counts.dispatcher()),
    };
    html! {
        <ContextProvider<Live> context={live}>
            { props.children.clone() }
        </ContextProvider<Live>>
    }
}
