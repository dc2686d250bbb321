//! Admin → Overview (`/admin`): the instance's counts at a glance.

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{Me, Overview, Role},
    app::Route,
    app::guard::RequireSignIn,
    components::{
        button::{Button, ButtonKind},
        card::Card,
        notice::form_error,
        progress::progress_bar,
        stats::{Stat, stat_grid},
    },
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};

#[component]
pub fn AdminOverview() -> Html {
    html! {
        <RequireSignIn role={Role::Admin} render={Callback::from(|_: Rc<Me>| html! { <Dashboard /> })} />
    }
}

#[component]
fn Dashboard() -> Html {
    let api = use_session().map(|session| session.api().clone());
    let fetch = use_fetch((), move |()| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.overview().await,
                None => Ok(Overview::default()),
            }
        }
    });
    let body = match &*fetch.load {
        Load::Loading => progress_bar("Counting…"),
        Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
        Load::Ready(o) => {
            let stat = |label: &'static str, value: i32, attention: bool| Stat {
                label: label.into(),
                value: i64::from(value),
                attention,
            };
            html! {
                <>
                    <Card title="People">
                        { stat_grid(&[
                            stat("Users", o.users, false),
                            stat("Active users", o.active_users, false),
                            stat("Athletes", o.athletes, false),
                            stat("Coaches", o.coaches, false),
                            stat("Active coaches", o.active_coaches, false),
                            stat("Admins", o.admins, false),
                            stat("Pending invites", o.pending_invites, false),
                            stat("Active sessions", o.active_sessions, false),
                        ]) }
                        <p><Link<Route> to={Route::AdminUsers}>{ "Manage users" }</Link<Route>></p>
                    </Card>
                    <Card title="Garmin and sharing">
                        { stat_grid(&[
                            stat("Garmin connected", o.garmin_connected, false),
                            stat("Garmin needs attention", o.garmin_attention, true),
                            stat("Shares waiting", o.pending_shares, false),
                            stat("Shares imported", o.imported_shares, false),
                            stat("Shares failed", o.failed_shares, true),
                            stat("Jobs queued", o.queued_jobs, false),
                        ]) }
                    </Card>
                </>
            }
        }
    };
    let onclick = fetch.reload.reform(|_| ());
    html! {
        <>
            <div class="page-head">
                <h1 class="page-title">{ "Overview" }</h1>
                <Button kind={ButtonKind::Secondary} busy={fetch.busy} {onclick}>{ "Refresh" }</Button>
            </div>
            { body }
        </>
    }
}
