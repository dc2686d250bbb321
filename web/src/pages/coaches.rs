//! Athlete → My coaches (`/coaches`): the athlete's coaches, with their
//! payment links.

use std::rc::Rc;

use yew::prelude::*;

use crate::{
    api::{Me, Role},
    app::guard::RequireSignIn,
    components::{card::Card, coach_list::coach_list, notice::form_error, progress::progress_bar},
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};

#[component]
pub fn Coaches() -> Html {
    html! {
        <RequireSignIn role={Role::Athlete} render={Callback::from(|_: Rc<Me>| html! { <CoachesList /> })} />
    }
}

#[component]
fn CoachesList() -> Html {
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
        Load::Loading => progress_bar("Loading your coaches…"),
        Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
        Load::Ready(coaches) => coach_list(coaches),
    };
    html! {
        <>
            <h1 class="page-title">{ "My coaches" }</h1>
            <Card>{ body }</Card>
        </>
    }
}
