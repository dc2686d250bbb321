//! Baton's single-page app: mounts [`app::App`] on the page body.
//!
//! `api` is the only module that speaks gRPC; `session` holds who is signed
//! in; `live` holds the user's unread notification count; `app` the routes, the frame and the route guard; `pages` one
//! component per route; `components` presentational building blocks;
//! `hooks` the data loading pages share; `forms` and `location` small
//! helpers for form state and the page's address; `garmin_widget` reads
//! what Garmin's sign-in widget posts to the page.

mod api;
mod app;
mod components;
mod forms;
mod garmin_widget;
mod hooks;
mod live;
mod location;
mod pages;
mod session;

fn main() {
    // A page being put away ends its calls, so a copy the browser keeps in
    // its back-forward cache holds no connections the next page needs.
    if let Some(window) = web_sys::window() {
        gloo_events::EventListener::new(&window, "pagehide", |_| api::end_all_calls()).forget();
    }
    yew::Renderer::<app::App>::new().render();
}
