//! The signed-in start page: who you are (from GetMe).

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::Me,
    app::Route,
    components::{card::Card, progress::ProgressBar, table::Table},
    session::{Status, use_session},
};

#[component]
pub fn Home() -> Html {
    let Some(session) = use_session() else {
        return html! {};
    };
    match session.status() {
        Status::Restoring => html! { <ProgressBar label="Signing you in…" /> },
        Status::SignedOut => html! { <Redirect<Route> to={Route::SignIn} /> },
        Status::SignedIn(me) => html! { <Profile me={(**me).clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct ProfileProps {
    me: Me,
}

#[component]
fn Profile(props: &ProfileProps) -> Html {
    let me = &props.me;
    let roles = if me.roles.is_empty() {
        html! { <span class="muted">{ "No role yet" }</span> }
    } else {
        html! {
            <ul class="badges">
                { for me.roles.iter().map(|role| html! { <li class="badge">{ role.label() }</li> }) }
            </ul>
        }
    };
    let rows = vec![
        vec![html! { "Name" }, html! { me.display_name.clone() }],
        vec![html! { "Email" }, html! { me.email.clone() }],
        vec![html! { "Roles" }, roles],
    ];
    html! {
        <>
            <h1 class="page-title">{ format!("Welcome, {}", me.display_name) }</h1>
            <Card title="Your account">
                <Table
                    caption="Account details"
                    headings={vec![AttrValue::from("Field"), AttrValue::from("Value")]}
                    {rows}
                />
            </Card>
        </>
    }
}
