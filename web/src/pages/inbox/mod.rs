//! Inbox (`/inbox`): the workouts coaches shared with the signed-in
//! athlete, newest first, with how many wait. Tick some, choose or change
//! the day of each, and import them into Garmin: each shows its own
//! progress as the import goes ([`progress`]), then a link to it in Garmin
//! Connect. A failed one says why and can be tried again; one not wanted
//! can be dismissed. Opening one shows all its steps ([`preview`]). The
//! list reads itself again when a notification about a share arrives.

mod preview;
mod progress;

use std::{
    collections::{BTreeSet, HashMap},
    rc::Rc,
};

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

pub use preview::SharePage;
use progress::{ImportState, import_cell};

use crate::{
    api::{ApiError, ImportItem, ImportSummary, Inbox as InboxData, Me, Role, Share, ShareStatus},
    app::Route,
    app::guard::RequireSignIn,
    components::{
        button::{Button, ButtonKind},
        card::Card,
        garmin_status::error_words,
        notice::{NoticeKind, form_error},
        progress::progress_bar,
        share_status::{day_words, status_cell},
        table::Table,
    },
    hooks::fetch::{Load, use_fetch},
    live::{use_live, use_mark_read_when_shown},
    session::{Session, use_session},
};

#[component]
pub fn Inbox() -> Html {
    html! {
        <RequireSignIn role={Role::Athlete} render={Callback::from(|_: Rc<Me>| html! { <InboxFor /> })} />
    }
}

/// An import under way or just finished.
#[derive(Clone, Debug, Default, PartialEq)]
struct Run {
    /// The shares of this run, as the stream last reported each.
    items: HashMap<String, ImportState>,
    running: bool,
    summary: Option<ImportSummary>,
    error: Option<ApiError>,
}

#[component]
fn InboxFor() -> Html {
    let session = use_session();
    let live = use_live();
    let api = session.as_ref().map(|s| s.api().clone());
    let fetch = use_fetch(live.share_changes, move |_| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.inbox().await,
                None => Err(ApiError::SessionExpired),
            }
        }
    });
    let picked = use_state(BTreeSet::<String>::new);
    // Days the athlete chose instead of the coach's (empty: no day).
    let days = use_state(HashMap::<String, String>::new);
    let run = use_state(Run::default);
    use_mark_read_when_shown(matches!(*fetch.load, Load::Ready(_)));
    let Some(session) = session else { return html! {} };

    let start = {
        let (session, run, days, picked, reload) =
            (session.clone(), run.clone(), days.clone(), picked.clone(), fetch.reload.clone());
        Callback::from(move |ids: Vec<String>| {
            if run.running || ids.is_empty() {
                return;
            }
            let items: Vec<ImportItem> = ids
                .iter()
                .map(|id| ImportItem { share_id: id.clone(), date: days.get(id).cloned() })
                .collect();
            begin(session.clone(), run.clone(), items, reload.clone());
            picked.set(BTreeSet::new());
        })
    };

    let body = match &*fetch.load {
        Load::Loading => progress_bar("Loading your inbox…"),
        Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
        Load::Ready(inbox) => listing(
            inbox,
            &Listing {
                session: &session,
                picked: &picked,
                days: &days,
                run: &run,
                start: &start,
                reload: &fetch.reload,
            },
        ),
    };
    let waiting = match &*fetch.load {
        Load::Ready(inbox) => Some(inbox.actionable),
        _ => None,
    };
    html! {
        <>
            <h1 class="page-title">{ "Inbox" }</h1>
            if let Some(count) = waiting {
                <p class="lead" id="inbox-count">{ match count {
                    0 => "Nothing is waiting for you.".to_owned(),
                    1 => "1 workout is waiting for you.".to_owned(),
                    n => format!("{n} workouts are waiting for you."),
                } }</p>
            }
            <Card title="Workouts from your coaches">{ body }</Card>
        </>
    }
}

/// Runs one import, updating `run` as each share's events arrive.
fn begin(session: Session, run: UseStateHandle<Run>, items: Vec<ImportItem>, reload: Callback<()>) {
    let mut state = Run {
        items: items.iter().map(|i| (i.share_id.clone(), ImportState::Queued)).collect(),
        running: true,
        summary: None,
        error: None,
    };
    run.set(state.clone());
    spawn_local(async move {
        let outcome = {
            let mut on_share = |share: Share| {
                state.items.insert(share.id.clone(), ImportState::from_share(share));
                run.set(state.clone());
            };
            session.api().import_shares(&items, &mut on_share).await
        };
        state.running = false;
        match outcome {
            Ok(summary) => {
                session.notify(NoticeKind::Success, summary_words(&summary));
                state.summary = Some(summary);
            }
            Err(error) => state.error = Some(error),
        }
        run.set(state);
        reload.emit(());
    });
}

fn summary_words(summary: &ImportSummary) -> String {
    let mut words = format!("Import finished: {} imported", summary.imported);
    if summary.already_imported > 0 {
        words.push_str(&format!(", {} were imported already", summary.already_imported));
    }
    if summary.failed > 0 {
        words.push_str(&format!(", {} failed", summary.failed));
    }
    if summary.skipped > 0 {
        words.push_str(&format!(", {} withdrawn by the coach", summary.skipped));
    }
    words.push('.');
    words
}

/// What the list's rows need.
struct Listing<'a> {
    session: &'a Session,
    picked: &'a UseStateHandle<BTreeSet<String>>,
    days: &'a UseStateHandle<HashMap<String, String>>,
    run: &'a UseStateHandle<Run>,
    start: &'a Callback<Vec<String>>,
    reload: &'a Callback<()>,
}

fn listing(inbox: &InboxData, at: &Listing<'_>) -> Html {
    let run = &**at.run;
    let rows = inbox.shares.iter().map(|share| row(share, at)).collect::<Vec<_>>();
    let count = at.picked.len();
    let on_import = {
        let (start, picked) = (at.start.clone(), at.picked.clone());
        Callback::from(move |_| start.emit(picked.iter().cloned().collect()))
    };
    let relink =
        matches!(run.error, Some(ApiError::GarminNeedsRelogin | ApiError::GarminNotConnected));
    html! {
        <>
            <div class="selection-bar" role="group" aria-label="Selected workouts">
                <span id="import-count">{ match count {
                    0 => "Tick workouts to import them into Garmin.".to_owned(),
                    1 => "1 workout selected".to_owned(),
                    n => format!("{n} workouts selected"),
                } }</span>
                <Button disabled={count == 0} busy={run.running} onclick={on_import}>
                    { if run.running { "Importing…" } else { "Import into Garmin" } }
                </Button>
            </div>
            if let Some(summary) = &run.summary {
                <p class="sync-status" id="import-summary" role="status">{ summary_words(summary) }</p>
            }
            { form_error(run.error.as_ref().map(|err| AttrValue::from(error_words(err)))) }
            if relink {
                <p><Link<Route> to={Route::Garmin}>{ "Go to the Garmin page to connect again" }</Link<Route>></p>
            }
            <Table
                caption={format!("{} shared workout{}", inbox.shares.len(), if inbox.shares.len() == 1 { "" } else { "s" })}
                headings={["Select", "Workout", "Coach", "Day", "Status", "Actions"].map(AttrValue::from).to_vec()}
                {rows}
                empty="No workouts shared with you yet. When your coach shares one, it appears here."
            />
        </>
    }
}

fn row(share: &Share, at: &Listing<'_>) -> Vec<Html> {
    let run = &**at.run;
    let state = run.items.get(&share.id);
    // While it is in this run, the run's word on it is the newest.
    let shown = match state {
        Some(ImportState::Reported(newer)) => newer,
        _ => share,
    };
    let in_run = state.is_some() && run.running;
    let importable = shown.status.importable() && !in_run;
    let name = shown.workout_name();
    let select = if importable {
        let onchange = {
            let (picked, id) = (at.picked.clone(), share.id.clone());
            Callback::from(move |event: Event| {
                let checked = event
                    .target_dyn_into::<web_sys::HtmlInputElement>()
                    .is_some_and(|input| input.checked());
                let mut next = (*picked).clone();
                if checked {
                    next.insert(id.clone());
                } else {
                    next.remove(&id);
                }
                picked.set(next);
            })
        };
        html! {
            <input type="checkbox" class="check__input share-select"
                aria-label={format!("Select {name}")}
                checked={at.picked.contains(&share.id)} {onchange} />
        }
    } else {
        html! {}
    };
    let day = if importable {
        let value = at.days.get(&share.id).cloned().unwrap_or_else(|| shown.scheduled_date.clone());
        let oninput = {
            let (days, id) = (at.days.clone(), share.id.clone());
            Callback::from(move |event: InputEvent| {
                let value = event
                    .target_dyn_into::<web_sys::HtmlInputElement>()
                    .map(|input| input.value())
                    .unwrap_or_default();
                let mut next = (*days).clone();
                next.insert(id.clone(), value);
                days.set(next);
            })
        };
        html! {
            <input type="date" class="field__input share-day" {value}
                aria-label={format!("Day for {name} (empty for none)")} {oninput} />
        }
    } else {
        html! { day_words(shown) }
    };
    let status = match state {
        Some(state) => import_cell(&share.id, state),
        None => status_cell(shown),
    };
    vec![
        select,
        html! {
            <div class="share-state">
                <Link<Route> classes="share-link" to={Route::InboxShare { id: share.id.clone() }}>{ name.clone() }</Link<Route>>
                if !shown.note.is_empty() {
                    <span class="step__notes share-note">{ shown.note.clone() }</span>
                }
            </div>
        },
        html! { shown.coach.display_name.clone() },
        day,
        status,
        actions(shown, at, in_run),
    ]
}

fn actions(share: &Share, at: &Listing<'_>, in_run: bool) -> Html {
    let garmin = (!share.garmin_url.is_empty()).then(|| html! {
        <a class="garmin-link" href={share.garmin_url.clone()} target="_blank" rel="noopener noreferrer">
            { "Open in Garmin Connect" }
        </a>
    });
    let retry = (share.status == ShareStatus::Failed && !in_run).then(|| {
        let (start, id) = (at.start.clone(), share.id.clone());
        html! {
            <Button kind={ButtonKind::Secondary} onclick={Callback::from(move |_| start.emit(vec![id.clone()]))}>
                { "Try again" }
            </Button>
        }
    });
    let dismiss = matches!(share.status, ShareStatus::Pending | ShareStatus::Failed)
        .then_some(!in_run)
        .filter(|ok| *ok)
        .map(|_| {
            let (session, reload, id) = (at.session.clone(), at.reload.clone(), share.id.clone());
            let onclick = Callback::from(move |_| {
                let (session, reload, id) = (session.clone(), reload.clone(), id.clone());
                spawn_local(async move {
                    match session.api().dismiss_share(id).await {
                        Ok(_) => session
                            .notify(NoticeKind::Info, "Dismissed. You can still import it later."),
                        Err(err) => session.notify(NoticeKind::Error, err.to_string()),
                    }
                    reload.emit(());
                });
            });
            html! { <Button kind={ButtonKind::Secondary} {onclick}>{ "Dismiss" }</Button> }
        });
    let relink = share.status == ShareStatus::Failed && share.needs_garmin_sign_in;
    html! {
        <div class="actions">
            { for garmin }
            { for retry }
            { for dismiss }
            if relink {
                <Link<Route> to={Route::Garmin}>{ "Connect Garmin again" }</Link<Route>>
            }
        </div>
    }
}
