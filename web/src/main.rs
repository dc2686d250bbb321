//! Baton's single-page app: mounts [`app::App`] on the page body.

mod api;
mod app;
mod components;
mod pages;
mod session;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
