//! The library's share form: the chosen workouts go to the athletes
//! picked (or all of the coach's athletes), with an optional note and day;
//! afterwards it says what was shared and what was skipped, and why.

use std::collections::{BTreeSet, HashMap};

use yew::prelude::*;
use yew_router::prelude::*;

use crate::{
    api::{ApiError, Athlete, Recipients, ShareOutcome, ShareRequest},
    app::Route,
    components::{
        button::{Button, ButtonKind},
        card::Card,
        checkbox::{Checkbox, checkbox_group},
        notice::form_error,
        progress::progress_bar,
        text_field::TextField,
    },
    forms,
    hooks::fetch::{Load, use_fetch},
    session::use_session,
};

/// A workout chosen in the library: (Baton id, name).
pub(super) type Chosen = Vec<(String, String)>;

#[derive(Properties, PartialEq)]
pub(super) struct ShareFormProps {
    pub workouts: Chosen,
    /// The form closes (cancelled, or done after sharing).
    pub on_close: Callback<()>,
    /// Sharing went through: the selection can be cleared.
    pub on_shared: Callback<()>,
}

#[component]
pub(super) fn ShareForm(props: &ShareFormProps) -> Html {
    let session = use_session();
    let api = session.as_ref().map(|s| s.api().clone());
    let athletes = use_fetch((), move |()| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.my_athletes().await,
                None => Err(ApiError::SessionExpired),
            }
        }
    });
    let all = use_state(|| false);
    let picked = use_state(BTreeSet::<String>::new);
    let note = use_state(String::new);
    let date = use_state(String::new);
    let submission = forms::use_submission();
    let outcome = use_state(|| None::<ShareOutcome>);
    let missing = use_state(|| false);
    let Some(session) = session else { return html! {} };

    let roster: Vec<Athlete> = match &*athletes.load {
        Load::Ready(list) => list.clone(),
        _ => Vec::new(),
    };
    let names: HashMap<String, String> =
        roster.iter().map(|a| (a.user_id.clone(), a.display_name.clone())).collect();

    let onsubmit = {
        let (session, all, picked, note, date, submission, outcome, missing, on_shared) = (
            session.clone(),
            all.clone(),
            picked.clone(),
            note.clone(),
            date.clone(),
            submission.clone(),
            outcome.clone(),
            missing.clone(),
            props.on_shared.clone(),
        );
        let workout_ids: Vec<String> = props.workouts.iter().map(|(id, _)| id.clone()).collect();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if !*all && picked.is_empty() {
                missing.set(true);
                return;
            }
            missing.set(false);
            let recipients = if *all {
                Recipients::AllMyAthletes
            } else {
                Recipients::These(picked.iter().cloned().collect())
            };
            let request = ShareRequest {
                workout_ids: workout_ids.clone(),
                recipients,
                note: (*note).clone(),
                date: (*date).clone(),
            };
            let api = session.api().clone();
            let (outcome, on_shared) = (outcome.clone(), on_shared.clone());
            submission.send(async move { api.share_workouts(&request).await }, move |done| {
                outcome.set(Some(done));
                on_shared.emit(());
            });
        })
    };
    let busy = submission.busy();
    let error = submission.error();
    let on_close = props.on_close.reform(|_| ());
    let count = props.workouts.len();
    let title = format!("Share {count} workout{}", if count == 1 { "" } else { "s" });

    if let Some(done) = &*outcome {
        let workout_names: HashMap<&str, &str> =
            props.workouts.iter().map(|(id, name)| (id.as_str(), name.as_str())).collect();
        let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| "an athlete".to_owned());
        return html! {
            <Card title={title}>
                <div id="share-result" role="status">
                    <p>{ format!("Shared {} time{}.", done.shares.len(), if done.shares.len() == 1 { "" } else { "s" }) }</p>
                    if !done.shares.is_empty() {
                        <ul class="plain-list" aria-label="Shared">
                            { for done.shares.iter().map(|s| html! {
                                <li>{ format!("{} with {}", s.workout_name(), s.athlete.display_name) }</li>
                            }) }
                        </ul>
                    }
                    if !done.skipped.is_empty() {
                        <p>{ format!("Skipped {}:", done.skipped.len()) }</p>
                        <ul class="plain-list" aria-label="Skipped">
                            { for done.skipped.iter().map(|s| html! {
                                <li>{ format!("{} with {}: {}",
                                    workout_names.get(s.workout_id.as_str()).copied().unwrap_or("A workout"),
                                    name_of(&s.athlete_id),
                                    s.reason.label()) }</li>
                            }) }
                        </ul>
                    }
                </div>
                <div class="actions">
                    <Link<Route> classes="button button--secondary" to={Route::Shares}>{ "See what you shared" }</Link<Route>>
                    <Button kind={ButtonKind::Secondary} onclick={on_close}>{ "Close" }</Button>
                </div>
            </Card>
        };
    }

    let athlete_choice = match &*athletes.load {
        Load::Loading => progress_bar("Loading your athletes…"),
        Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
        Load::Ready(list) if list.is_empty() => html! {
            <p class="table-empty">
                { "You have no athletes yet. " }
                <Link<Route> to={Route::Athletes}>{ "Invite one" }</Link<Route>>
            </p>
        },
        Load::Ready(list) => {
            let on_all = {
                let all = all.clone();
                Callback::from(move |checked: bool| all.set(checked))
            };
            let boxes = html! {
                <>
                    <Checkbox id="share-all" label="All my athletes" checked={*all} onchange={on_all} />
                    { for list.iter().map(|athlete| {
                        let id = athlete.user_id.clone();
                        let picked_now = picked.contains(&id);
                        let onchange = {
                            let (picked, id) = (picked.clone(), id.clone());
                            Callback::from(move |checked: bool| {
                                let mut next = (*picked).clone();
                                if checked { next.insert(id.clone()); } else { next.remove(&id); }
                                picked.set(next);
                            })
                        };
                        html! {
                            <Checkbox
                                id={format!("share-athlete-{id}")}
                                label={athlete.display_name.clone()}
                                checked={*all || picked_now}
                                disabled={*all}
                                {onchange}
                            />
                        }
                    }) }
                </>
            };
            let problem = missing.then(|| AttrValue::from("Choose at least one athlete."));
            checkbox_group("Athletes", problem, boxes)
        }
    };
    html! {
        <Card title={title}>
            <p class="lead">{ props.workouts.iter().map(|(_, name)| name.as_str()).collect::<Vec<_>>().join(", ") }</p>
            <form class="form" id="share-form" {onsubmit}>
                { athlete_choice }
                <TextField id="share-note" label="Note for the athletes (optional)" value={(*note).clone()}
                    oninput={forms::bind(&note)} error={forms::server_error(error, "note")} />
                <TextField id="share-date" label="Day to do it (optional)" input_type="date"
                    value={(*date).clone()} oninput={forms::bind(&date)}
                    hint="In each athlete's own time zone. Leave empty to let them choose."
                    error={forms::server_error(error, "scheduled_date")} />
                { form_error(error.as_ref().map(|err| AttrValue::from(err.to_string()))) }
                <div class="actions">
                    <Button submit=true busy={busy}>{ if busy { "Sharing…" } else { "Share" } }</Button>
                    <Button kind={ButtonKind::Secondary} onclick={on_close}>{ "Cancel" }</Button>
                </div>
            </form>
        </Card>
    }
}
