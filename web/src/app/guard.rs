//! Pages for signed-in people: `RequireSignIn` shows a progress bar while
//! the session is restored, sends signed-out visitors to the sign-in page,
//! explains when the user's roles do not allow the page, and otherwise
//! renders the page for the signed-in user.

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{Me, Role},
    app::Route,
    components::{card::Card, progress::progress_bar},
    session::{Status, use_session},
};

#[derive(Properties, PartialEq)]
pub struct RequireSignInProps {
    /// The role the page needs, if any.
    #[prop_or_default]
    pub role: Option<Role>,
    /// Renders the page for the signed-in user.
    pub render: Callback<Rc<Me>, Html>,
}

#[component]
pub fn RequireSignIn(props: &RequireSignInProps) -> Html {
    let Some(session) = use_session() else {
        return html! {};
    };
    match session.status() {
        Status::Restoring => progress_bar("Signing you in…"),
        Status::SignedOut => html! { <Redirect<Route> to={Route::SignIn} /> },
        Status::SignedIn(me) => match props.role {
            Some(role) if !me.has_role(role) => html! {
                <Card title="Not available">
                    <p>{ format!("This page is for people with the {} role.", role.label().to_ascii_lowercase()) }</p>
                    <p><Link<Route> to={Route::Home}>{ "Go to the start page" }</Link<Route>></p>
                </Card>
            },
            _ => props.render.emit(me.clone()),
        },
    }
}
