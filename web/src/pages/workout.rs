//! One workout of the library (`/library/{id}`): what it is (sport,
//! estimated duration and distance, pool), its intensity over time as a
//! chart, and every step in words, legs one after another for multisport.

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{ApiError, Me, Units},
    app::{Route, guard::RequireSignIn},
    components::{notice::form_error, progress::progress_bar, workout_view::workout_view},
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct WorkoutPageProps {
    pub id: AttrValue,
}

#[component]
pub fn WorkoutPage(props: &WorkoutPageProps) -> Html {
    let id = props.id.clone();
    html! {
        <RequireSignIn render={Callback::from(move |me: Rc<Me>| html! {
            <WorkoutFor id={id.clone()} units={me.units} />
        })} />
    }
}

#[derive(Properties, PartialEq)]
struct WorkoutForProps {
    id: AttrValue,
    units: Units,
}

#[component]
fn WorkoutFor(props: &WorkoutForProps) -> Html {
    let api = use_session().map(|session| session.api().clone());
    let fetch = use_fetch(props.id.to_string(), move |id| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.workout(id).await,
                None => Err(ApiError::SessionExpired),
            }
        }
    });
    let back = html! {
        <p class="back"><Link<Route> to={Route::Library}>{ "← Library" }</Link<Route>></p>
    };
    match &*fetch.load {
        Load::Loading => html! { <>{ back }{ progress_bar("Loading the workout…") }</> },
        Load::Failed(ApiError::NotFound) => html! {
            <>
                { back }
                <h1 class="page-title">{ "Workout not found" }</h1>
                <p>{ "This workout isn't in your library. It may have been deleted in Garmin: sync the library to see what is there now." }</p>
            </>
        },
        Load::Failed(err) => html! {
            <>{ back }<h1 class="page-title">{ "Workout" }</h1>{ form_error(AttrValue::from(err.to_string())) }</>
        },
        Load::Ready(workout) => html! { <>{ back }{ workout_view(workout, props.units) }</> },
    }
}
