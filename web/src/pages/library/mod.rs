//! Library (`/library`): the signed-in user's Garmin workouts as Baton
//! last synced them, for coaches above all (any user with a Garmin link
//! has one): filter by sport, search by name (as you type, after a pause),
//! sort, and "Show more" for the next page; [`sync`] fetches the library
//! from Garmin with live progress. A coach ticks workouts and shares them
//! with athletes ([`share`]).

mod share;
mod sync;

use std::{cell::Cell, collections::BTreeMap, rc::Rc};

use gloo_timers::callback::Timeout;
use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

use crate::{
    api::{ApiError, Me, Sport, Units, WorkoutFilter, WorkoutSort, WorkoutSummary},
    app::{Route, guard::RequireSignIn},
    components::{
        button::{Button, ButtonKind},
        card::Card,
        format::date,
        notice::form_error,
        progress::progress_bar,
        select::SelectField,
        table::Table,
        text_field::TextField,
        workout_text::{Speech, distance, duration_words},
    },
    forms,
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};
use share::ShareForm;
use sync::SyncButton;

/// How long typing must pause before the search runs.
const SEARCH_PAUSE_MS: u32 = 300;

#[component]
pub fn Library() -> Html {
    html! {
        <RequireSignIn render={Callback::from(|me: Rc<Me>| html! { <LibraryFor units={me.units} /> })} />
    }
}

#[derive(Properties, PartialEq)]
struct LibraryForProps {
    units: Units,
}

/// The pages after the first, fetched with "Show more" for one filter.
#[derive(Clone, Debug, Default, PartialEq)]
struct More {
    workouts: Vec<WorkoutSummary>,
    /// Where the next page starts; `None` until the first page is known.
    next: Option<String>,
    busy: bool,
    error: Option<ApiError>,
}

#[component]
fn LibraryFor(props: &LibraryForProps) -> Html {
    let session = use_session();
    let filter = use_state(WorkoutFilter::default);
    let typed = use_state(String::new);
    let more = use_state(More::default);
    // The ticked workouts, by id, with their names.
    let selected = use_state(BTreeMap::<String, String>::new);
    let sharing = use_state(|| false);
    // Which filter "Show more" answers belong to; older ones are dropped.
    let generation = use_mut_ref(|| Rc::new(Cell::new(0_u32)));
    let api = session.as_ref().map(|session| session.api().clone());
    let first = use_fetch((*filter).clone(), move |filter| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.workouts(&filter, String::new()).await,
                None => Err(ApiError::SessionExpired),
            }
        }
    });

    // A new filter starts again from its first page.
    let set_filter = {
        let (filter, more, generation) =
            (filter.clone(), more.clone(), generation.borrow().clone());
        Callback::from(move |next: WorkoutFilter| {
            if next != *filter {
                generation.set(generation.get().wrapping_add(1));
                more.set(More::default());
                filter.set(next);
            }
        })
    };
    // The search runs once typing pauses.
    {
        let (filter, set_filter) = (filter.clone(), set_filter.clone());
        use_effect_with((*typed).clone(), move |typed| {
            let query = typed.trim().to_owned();
            let timer = (query != filter.query).then(|| {
                Timeout::new(SEARCH_PAUSE_MS, move || {
                    set_filter.emit(WorkoutFilter { query, ..(*filter).clone() });
                })
            });
            move || drop(timer)
        });
    }
    let Some(session) = session else { return html! {} };

    let on_sport = {
        let (filter, set_filter) = (filter.clone(), set_filter.clone());
        Callback::from(move |key: String| {
            set_filter.emit(WorkoutFilter { sport: Sport::from_key(&key), ..(*filter).clone() });
        })
    };
    let on_sort = {
        let (filter, set_filter) = (filter.clone(), set_filter.clone());
        Callback::from(move |key: String| {
            let sort = WorkoutSort::from_key(&key).unwrap_or_default();
            set_filter.emit(WorkoutFilter { sort, ..(*filter).clone() });
        })
    };
    let on_search = Callback::from(|event: SubmitEvent| event.prevent_default());

    let first_next = match &*first.load {
        Load::Ready(page) => page.next_page_token.clone(),
        _ => String::new(),
    };
    let next_token = more.next.clone().unwrap_or(first_next);
    let on_more = {
        let (session, filter, more, generation) =
            (session.clone(), filter.clone(), more.clone(), generation.borrow().clone());
        let token = next_token.clone();
        Callback::from(move |_| {
            if more.busy || token.is_empty() {
                return;
            }
            let mut busy = (*more).clone();
            busy.busy = true;
            busy.error = None;
            more.set(busy.clone());
            let (session, filter, more, generation, token) = (
                session.clone(),
                (*filter).clone(),
                more.clone(),
                generation.clone(),
                token.clone(),
            );
            let asked_for = generation.get();
            spawn_local(async move {
                let answer = session.api().workouts(&filter, token).await;
                if generation.get() != asked_for {
                    return;
                }
                let mut next = busy;
                next.busy = false;
                match answer {
                    Ok(page) => {
                        next.workouts.extend(page.workouts);
                        next.next = Some(page.next_page_token);
                    }
                    Err(err) => next.error = Some(err),
                }
                more.set(next);
            });
        })
    };
    let on_synced = {
        let (first, more, generation) =
            (first.reload.clone(), more.clone(), generation.borrow().clone());
        Callback::from(move |()| {
            generation.set(generation.get().wrapping_add(1));
            more.set(More::default());
            first.emit(());
        })
    };

    let sport_options = std::iter::once((AttrValue::from(""), AttrValue::from("Any sport")))
        .chain(Sport::ALL.map(|s| (AttrValue::from(s.key()), AttrValue::from(s.label()))))
        .collect::<Vec<_>>();
    let sort_options =
        WorkoutSort::ALL.map(|s| (AttrValue::from(s.key()), AttrValue::from(s.label()))).to_vec();
    let listing = match &*first.load {
        Load::Loading => progress_bar("Loading your workouts…"),
        Load::Failed(ApiError::GarminNotConnected) => html! {
            <p class="table-empty" id="library-not-connected">
                { "Connect your Garmin account first, then sync to see your workouts here. " }
                <Link<Route> to={Route::Garmin}>{ "Connect Garmin" }</Link<Route>>
            </p>
        },
        Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
        Load::Ready(page) => {
            let all: Vec<&WorkoutSummary> =
                page.workouts.iter().chain(more.workouts.iter()).collect();
            let empty = if filter.query.is_empty() && filter.sport.is_none() {
                "No workouts yet. Sync with Garmin to fetch them."
            } else {
                "No workouts match. Try another name or sport."
            };
            html! {
                <>
                    <Table
                        caption={shown(all.len())}
                        headings={headings(&["Select", "Workout", "Sport", "Duration", "Distance", "Steps", "Updated"])}
                        rows={rows(&all, props.units, &selected)}
                        empty={empty}
                    />
                    { form_error(more.error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                    if !next_token.is_empty() {
                        <div class="pager">
                            <Button kind={ButtonKind::Secondary} busy={more.busy} onclick={on_more}>
                                { if more.busy { "Loading more…" } else { "Show more" } }
                            </Button>
                        </div>
                    }
                </>
            }
        }
    };
    let chosen: Vec<(String, String)> =
        selected.iter().map(|(id, name)| (id.clone(), name.clone())).collect();
    let on_share = {
        let sharing = sharing.clone();
        Callback::from(move |_| sharing.set(true))
    };
    let on_close = {
        let sharing = sharing.clone();
        Callback::from(move |()| sharing.set(false))
    };
    let on_shared = {
        let selected = selected.clone();
        Callback::from(move |()| selected.set(BTreeMap::new()))
    };
    let share_bar = if *sharing {
        html! { <ShareForm workouts={chosen} {on_close} {on_shared} /> }
    } else {
        let count = selected.len();
        html! {
            <div class="selection-bar" role="group" aria-label="Selected workouts">
                <span id="selection-count">{ match count {
                    0 => "Tick workouts to share them.".to_owned(),
                    1 => "1 workout selected".to_owned(),
                    n => format!("{n} workouts selected"),
                } }</span>
                <Button disabled={count == 0} onclick={on_share}>{ "Share…" }</Button>
            </div>
        }
    };
    html! {
        <>
            <div class="page-head">
                <h1 class="page-title">{ "Library" }</h1>
                <SyncButton {on_synced} />
            </div>
            { share_bar }
            <Card title="Your Garmin workouts">
                <form class="filters filters--library" role="search" onsubmit={on_search}>
                    <TextField
                        id="workout-search"
                        label="Search by name"
                        input_type="search"
                        value={(*typed).clone()}
                        oninput={forms::bind(&typed)}
                    />
                    <SelectField id="sport-filter" label="Sport" value={filter.sport.map_or("", Sport::key)}
                        options={sport_options} onchange={on_sport} />
                    <SelectField id="workout-sort" label="Sort by" value={filter.sort.key()}
                        options={sort_options} onchange={on_sort} />
                </form>
                { listing }
            </Card>
        </>
    }
}

/// "1 workout shown", "50 workouts shown".
fn shown(count: usize) -> String {
    format!("{count} workout{} shown", if count == 1 { "" } else { "s" })
}

fn headings(names: &[&'static str]) -> Vec<AttrValue> {
    names.iter().map(|name| AttrValue::Static(name)).collect()
}

/// One row per workout: only text and a link, so a long library renders
/// at once.
fn rows(
    workouts: &[&WorkoutSummary],
    units: Units,
    selected: &UseStateHandle<BTreeMap<String, String>>,
) -> Vec<Vec<Html>> {
    workouts
        .iter()
        .map(|w| {
            let onchange = {
                let (selected, id, name) = (selected.clone(), w.id.clone(), w.name.clone());
                Callback::from(move |event: Event| {
                    let checked = event
                        .target_dyn_into::<web_sys::HtmlInputElement>()
                        .is_some_and(|input| input.checked());
                    let mut next = (*selected).clone();
                    if checked {
                        next.insert(id.clone(), name.clone());
                    } else {
                        next.remove(&id);
                    }
                    selected.set(next);
                })
            };
            let say = Speech { units, sport: w.sport };
            let sport = if w.sport == Sport::Other && !w.sport_key.is_empty() {
                w.sport_key.replace('_', " ")
            } else {
                w.sport.label().to_owned()
            };
            vec![
                html! {
                    <input
                        type="checkbox"
                        class="check__input workout-select"
                        aria-label={format!("Select {}", w.name)}
                        checked={selected.contains_key(&w.id)}
                        {onchange}
                    />
                },
                html! {
                    <Link<Route> classes="workout-link" to={Route::Workout { id: w.id.clone() }}>
                        { w.name.clone() }
                    </Link<Route>>
                },
                html! { sport },
                html! { w.duration.map_or_else(|| "—".to_owned(), |s| duration_words(f64::from(s))) },
                html! {
                    w.distance
                        .filter(|m| *m > 0.0)
                        .map_or_else(|| "—".to_owned(), |m| distance(m, crate::api::DistanceUnit::Unspecified, say))
                },
                html! { w.step_count },
                html! { date(w.updated) },
            ]
        })
        .collect()
}
