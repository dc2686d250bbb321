//! The signed-in start page: who you are, and a summary per role (admin
//! shortcuts, a coach's athletes and open invites, an athlete's coaches).

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{Me, Role},
    app::Route,
    app::guard::RequireSignIn,
    components::{card::Card, coach_list::coach_list, notice::form_error, table::Table},
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};

#[component]
pub fn Home() -> Html {
    html! { <RequireSignIn render={Callback::from(|me: Rc<Me>| html! { <Summary {me} /> })} /> }
}

#[derive(Properties, PartialEq)]
struct SummaryProps {
    me: Rc<Me>,
}

#[component]
fn Summary(props: &SummaryProps) -> Html {
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
            <div class="grid">
                if me.has_role(Role::Athlete) {
                    <MyCoachesSummary />
                }
                if me.has_role(Role::Coach) {
                    <CoachSummary />
                }
                if me.has_role(Role::Admin) {
                    <Card title="Administration">
                        <ul class="link-list">
                            <li><Link<Route> to={Route::AdminOverview}>{ "Overview: counts at a glance" }</Link<Route>></li>
                            <li><Link<Route> to={Route::AdminUsers}>{ "Users: create, edit, reset passwords" }</Link<Route>></li>
                        </ul>
                    </Card>
                }
                <Card title="Your account">
                    <Table
                        caption="Account details"
                        headings={vec![AttrValue::from("Field"), AttrValue::from("Value")]}
                        {rows}
                        keep_columns=true
                    />
                    <p><Link<Route> to={Route::Settings}>{ "Change your profile, password or sessions" }</Link<Route>></p>
                </Card>
            </div>
        </>
    }
}

#[component]
fn MyCoachesSummary() -> Html {
    let api = use_session().map(|session| session.api().clone());
    let fetch = use_fetch((), move |()| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.my_coaches().await,
                None => Ok(Vec::new()),
            }
        }
    });
    let body = match &*fetch.load {
        Load::Loading => html! { <p class="muted">{ "Loading your coaches…" }</p> },
        Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
        Load::Ready(coaches) => coach_list(coaches),
    };
    html! { <Card title="My coaches">{ body }</Card> }
}

#[component]
fn CoachSummary() -> Html {
    let api = use_session().map(|session| session.api().clone());
    let fetch = use_fetch((), move |()| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => Ok((api.my_athletes().await?, api.pending_invites().await?)),
                None => Ok((Vec::new(), Vec::new())),
            }
        }
    });
    let body = match &*fetch.load {
        Load::Loading => html! { <p class="muted">{ "Loading your athletes…" }</p> },
        Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
        Load::Ready((athletes, invites)) => {
            let attention = athletes.iter().filter(|a| a.garmin.needs_attention()).count();
            html! {
                <>
                    <p>{ plural(athletes.len(), "athlete", "athletes") }{ ", " }
                       { plural(invites.len(), "pending invite", "pending invites") }{ "." }</p>
                    if attention > 0 {
                        <p class="attention">{ format!("{} need to reconnect Garmin.", plural(attention, "athlete", "athletes")) }</p>
                    }
                    <p><Link<Route> to={Route::Athletes}>{ "Invite and manage athletes" }</Link<Route>></p>
                </>
            }
        }
    };
    html! { <Card title="Your athletes">{ body }</Card> }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
