//! Routes and the frame around every page. Pages decide for themselves what
//! a signed-out or still-restoring visitor sees.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    components::{layout::Shell, notice::NoticeArea},
    pages::{home::Home, not_found::NotFound, sign_in::SignIn},
    session::{SessionProvider, Status, use_session},
};

#[derive(Clone, Debug, PartialEq, Eq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/sign-in")]
    SignIn,
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::SignIn => html! { <SignIn /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

#[component]
pub fn App() -> Html {
    html! {
        <BrowserRouter>
            <SessionProvider>
                <Frame>
                    <Switch<Route> render={switch} />
                </Frame>
            </SessionProvider>
        </BrowserRouter>
    }
}

#[derive(Properties, PartialEq)]
struct FrameProps {
    children: Html,
}

/// The shell with the session's name, sign-out button and notices.
#[component]
fn Frame(props: &FrameProps) -> Html {
    let Some(session) = use_session() else {
        return props.children.clone();
    };
    let (user_name, on_sign_out) = match session.status() {
        Status::SignedIn(me) => {
            let session = session.clone();
            (
                Some(AttrValue::from(me.display_name.clone())),
                Some(Callback::from(move |()| session.sign_out())),
            )
        }
        _ => (None, None),
    };
    let notice = session.notice();
    let notices = html! {
        <NoticeArea
            text={notice.map(|n| n.text.clone())}
            kind={notice.map(|n| n.kind).unwrap_or(crate::components::notice::NoticeKind::Info)}
            ondismiss={Callback::from(move |()| session.dismiss_notice())}
        />
    };
    html! {
        <Shell {user_name} {on_sign_out} {notices}>
            { props.children.clone() }
        </Shell>
    }
}
