//! The page for addresses the app does not know.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{app::Route, components::card::Card};

#[component]
pub fn NotFound() -> Html {
    html! {
        <Card title="Page not found">
            <p>{ "There is nothing at this address." }</p>
            <p><Link<Route> to={Route::Home}>{ "Go to the start page" }</Link<Route>></p>
        </Card>
    }
}
