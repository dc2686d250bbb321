//! Routes and the frame around every page: the main navigation (only what
//! the signed-in user's roles allow), the account controls and notices.
//! Pages decide for themselves what a signed-out or still-restoring
//! visitor sees (most use [`guard::RequireSignIn`]).

pub mod guard;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::Role,
    components::{
        layout::Shell,
        notice::{NoticeKind, notice_area},
    },
    live::{LiveProvider, use_live},
    pages::{
        admin_overview::AdminOverview,
        admin_users::AdminUsers,
        athletes::Athletes,
        coaches::Coaches,
        garmin::Garmin,
        google_callback::GoogleCallback,
        home::Home,
        inbox::{Inbox, SharePage},
        invite::AcceptInvite,
        library::Library,
        not_found::NotFound,
        reset_password::ResetPassword,
        settings::Settings,
        shares::Shares,
        sign_in::SignIn,
        workout::WorkoutPage,
    },
    session::{SessionProvider, Status, use_session},
};

#[derive(Clone, Debug, PartialEq, Eq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/sign-in")]
    SignIn,
    #[at("/admin")]
    AdminOverview,
    #[at("/admin/users")]
    AdminUsers,
    #[at("/athletes")]
    Athletes,
    #[at("/coaches")]
    Coaches,
    /// The signed-in user's Garmin connection.
    #[at("/garmin")]
    Garmin,
    /// The signed-in user's Garmin workouts.
    #[at("/library")]
    Library,
    /// One workout of the library, by Baton's id.
    #[at("/library/:id")]
    Workout { id: String },
    /// What the signed-in coach shared, and where each share stands.
    #[at("/shares")]
    Shares,
    /// The workouts shared with the signed-in athlete.
    #[at("/inbox")]
    Inbox,
    /// One shared workout, by share id.
    #[at("/inbox/:id")]
    InboxShare { id: String },
    /// The invite token travels in the fragment: `/invite#<token>`.
    #[at("/invite")]
    Invite,
    /// The reset token travels in the fragment: `/reset-password#<token>`.
    #[at("/reset-password")]
    ResetPassword,
    #[at("/settings")]
    Settings,
    /// Where Google sends the browser back (`?code=...&state=...`).
    #[at("/auth/google/callback")]
    GoogleCallback,
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::SignIn => html! { <SignIn /> },
        Route::AdminOverview => html! { <AdminOverview /> },
        Route::AdminUsers => html! { <AdminUsers /> },
        Route::Athletes => html! { <Athletes /> },
        Route::Coaches => html! { <Coaches /> },
        Route::Garmin => html! { <Garmin /> },
        Route::Library => html! { <Library /> },
        Route::Workout { id } => html! { <WorkoutPage id={id} /> },
        Route::Shares => html! { <Shares /> },
        Route::Inbox => html! { <Inbox /> },
        Route::InboxShare { id } => html! { <SharePage id={id} /> },
        Route::Invite => html! { <AcceptInvite /> },
        Route::ResetPassword => html! { <ResetPassword /> },
        Route::Settings => html! { <Settings /> },
        Route::GoogleCallback => html! { <GoogleCallback /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

#[component]
pub fn App() -> Html {
    html! {
        <BrowserRouter>
            <SessionProvider>
                <LiveProvider>
                    <Frame>
                        <Switch<Route> render={switch} />
                    </Frame>
                </LiveProvider>
            </SessionProvider>
        </BrowserRouter>
    }
}

#[derive(Properties, PartialEq)]
struct FrameProps {
    children: Html,
}

/// The shell with navigation, the session's name, sign-out button and notices.
#[component]
fn Frame(props: &FrameProps) -> Html {
    let live = use_live();
    let Some(session) = use_session() else {
        return props.children.clone();
    };
    let (user_name, on_sign_out, nav) = match session.status() {
        Status::SignedIn(me) => {
            let session = session.clone();
            let mut links = vec![(Route::Home, "Home")];
            if me.has_role(Role::Admin) {
                links.push((Route::AdminOverview, "Overview"));
                links.push((Route::AdminUsers, "Users"));
            }
            if me.has_role(Role::Coach) {
                links.push((Route::Athletes, "Athletes"));
                links.push((Route::Library, "Library"));
                links.push((Route::Shares, "Shared"));
            }
            if me.has_role(Role::Athlete) {
                links.push((Route::Inbox, "Inbox"));
                links.push((Route::Coaches, "My coaches"));
            }
            links.push((Route::Garmin, "Garmin"));
            links.push((Route::Settings, "Settings"));
            // The unread count rides on the athlete's inbox, else on the
            // coach's shares: that is where the news is.
            let news_on = if me.has_role(Role::Athlete) { Route::Inbox } else { Route::Shares };
            let nav = html! {
                { for links.into_iter().map(|(to, label)| {
                    let unread = (to == news_on && live.unread > 0).then_some(live.unread);
                    html! { <li><NavLink {to} {label} {unread} /></li> }
                }) }
            };
            (
                Some(AttrValue::from(me.display_name.clone())),
                Some(Callback::from(move |()| session.sign_out())),
                Some(nav),
            )
        }
        _ => (None, None, None),
    };
    let notice = session.notice();
    let notices = notice_area(
        notice.map(|n| n.text.clone()),
        notice.map_or(NoticeKind::Info, |n| n.kind),
        Callback::from(move |()| session.dismiss_notice()),
    );
    let brand = html! { <NavLink to={Route::Home} label="Baton" brand=true /> };
    html! {
        <Shell {brand} {nav} {user_name} {on_sign_out} {notices}>
            { props.children.clone() }
        </Shell>
    }
}

#[derive(Properties, PartialEq)]
struct NavLinkProps {
    to: Route,
    label: AttrValue,
    #[prop_or_default]
    brand: bool,
    /// Unread notifications, shown as a badge.
    #[prop_or_default]
    unread: Option<i32>,
}

/// A link that navigates inside the app (no reload) and marks the current
/// page with `aria-current`.
#[component]
fn NavLink(props: &NavLinkProps) -> Html {
    let navigator = use_navigator();
    let current = use_route::<Route>();
    let here = current.as_ref() == Some(&props.to);
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |event: MouseEvent| {
            // Let modified clicks open a new tab as usual.
            if event.ctrl_key() || event.meta_key() || event.shift_key() || event.button() != 0 {
                return;
            }
            if let Some(navigator) = &navigator {
                event.prevent_default();
                navigator.push(&to);
            }
        })
    };
    let class = if props.brand {
        classes!("brand")
    } else {
        classes!("menu__link", here.then_some("menu__link--current"))
    };
    html! {
        <a
            {class}
            href={props.to.to_path()}
            aria-current={(here && !props.brand).then_some("page")}
            {onclick}
        >
            { props.label.clone() }
            if let Some(count) = props.unread {
                <span class="badge badge--count" id="unread-badge">
                    { count }<span class="visually-hidden">{ " unread" }</span>
                </span>
            }
        </a>
    }
}
