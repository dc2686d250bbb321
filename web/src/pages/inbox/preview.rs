//! One shared workout (`/inbox/{id}`), before or after importing it: who
//! shared it, their note and day, where it stands, and the workout in full
//! (chart and every step), as the coach shared it.

use std::rc::Rc;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{ApiError, Me, Role, Units},
    app::{Route, guard::RequireSignIn},
    components::{
        notice::form_error,
        progress::progress_bar,
        share_status::{day_words, status_cell},
        workout_view::workout_view,
    },
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};

#[derive(Properties, PartialEq)]
pub struct SharePageProps {
    pub id: AttrValue,
}

#[component]
pub fn SharePage(props: &SharePageProps) -> Html {
    let id = props.id.clone();
    html! {
        <RequireSignIn role={Role::Athlete} render={Callback::from(move |me: Rc<Me>| html! {
            <ShareFor id={id.clone()} units={me.units} />
        })} />
    }
}

#[derive(Properties, PartialEq)]
struct ShareForProps {
    id: AttrValue,
    units: Units,
}

#[component]
fn ShareFor(props: &ShareForProps) -> Html {
    let api = use_session().map(|session| session.api().clone());
    let fetch = use_fetch(props.id.to_string(), move |id| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.share(id).await,
                None => Err(ApiError::SessionExpired),
            }
        }
    });
    let back = html! {
        <p class="back"><Link<Route> to={Route::Inbox}>{ "← Inbox" }</Link<Route>></p>
    };
    match &*fetch.load {
        Load::Loading => html! { <>{ back }{ progress_bar("Loading the workout…") }</> },
        Load::Failed(ApiError::PermissionDenied | ApiError::NotFound) => html! {
            <>
                { back }
                <h1 class="page-title">{ "Workout not found" }</h1>
                <p>{ "This shared workout isn't addressed to you, or it no longer exists." }</p>
            </>
        },
        Load::Failed(err) => html! {
            <>{ back }<h1 class="page-title">{ "Shared workout" }</h1>{ form_error(AttrValue::from(err.to_string())) }</>
        },
        Load::Ready(preview) => {
            let share = &preview.share;
            html! {
                <>
                    { back }
                    { workout_view(&preview.workout, props.units) }
                    <dl class="facts" id="share-facts" aria-label="About this share">
                        <div class="facts__row"><dt>{ "From" }</dt><dd>{ share.coach.display_name.clone() }</dd></div>
                        <div class="facts__row"><dt>{ "Day" }</dt><dd>{ day_words(share) }</dd></div>
                        <div class="facts__row"><dt>{ "Status" }</dt><dd>{ status_cell(share) }</dd></div>
                        if !share.note.is_empty() {
                            <div class="facts__row"><dt>{ "Note" }</dt><dd>{ share.note.clone() }</dd></div>
                        }
                        if !share.garmin_url.is_empty() {
                            <div class="facts__row"><dt>{ "In Garmin" }</dt><dd>
                                <a href={share.garmin_url.clone()} target="_blank" rel="noopener noreferrer">{ "Open in Garmin Connect" }</a>
                            </dd></div>
                        }
                    </dl>
                </>
            }
        }
    }
}
