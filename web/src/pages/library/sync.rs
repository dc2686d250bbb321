//! The library's Sync button: runs SyncWorkouts and shows its progress as
//! the events arrive ("12 of 130"), then what it did ("added 3, updated
//! 1, …"). Failures say what to do: wait for a sync already running,
//! connect Garmin again (with a link), or wait out Garmin's rate limit
//! (until when). What was synced before a failure stays synced.

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::*;

use crate::{
    api::{ApiError, SyncAction, SyncEvent, SyncSummary},
    app::Route,
    components::{
        button::Button,
        garmin_status::error_words,
        notice::{NoticeKind, form_error},
        progress::progress_meter,
    },
    session::use_session,
};

/// Where a sync stands.
#[derive(Clone, Debug, PartialEq)]
enum Progress {
    Idle,
    /// Started; `total` is known from the first event on.
    Running {
        done: i32,
        total: i32,
        last: String,
    },
    Finished(SyncSummary),
    Failed {
        error: ApiError,
        done: i32,
    },
}

#[derive(Properties, PartialEq)]
pub(super) struct SyncButtonProps {
    /// The library changed (the sync ran, fully or partly).
    pub on_synced: Callback<()>,
}

#[component]
pub(super) fn SyncButton(props: &SyncButtonProps) -> Html {
    let session = use_session();
    let progress = use_state(|| Progress::Idle);
    let Some(session) = session else { return html! {} };
    let running = matches!(*progress, Progress::Running { .. });

    let onclick = {
        let (session, progress, on_synced) =
            (session.clone(), progress.clone(), props.on_synced.clone());
        Callback::from(move |_| {
            if matches!(*progress, Progress::Running { .. }) {
                return;
            }
            progress.set(Progress::Running { done: 0, total: 0, last: String::new() });
            let (session, progress, on_synced) =
                (session.clone(), progress.clone(), on_synced.clone());
            spawn_local(async move {
                let mut done_so_far = 0;
                let mut on_event = |event: SyncEvent| {
                    if let SyncEvent::Workout { name, action, done, total, .. } = event {
                        done_so_far = done;
                        let last = if action == SyncAction::Failed {
                            format!("could not read {name}")
                        } else {
                            name
                        };
                        progress.set(Progress::Running { done, total, last });
                    }
                };
                let outcome = session.api().sync_workouts(&mut on_event).await;
                match outcome {
                    Ok(summary) => {
                        session.notify(NoticeKind::Success, finished_words(&summary));
                        progress.set(Progress::Finished(summary));
                    }
                    Err(error) => progress.set(Progress::Failed { error, done: done_so_far }),
                }
                on_synced.emit(());
            });
        })
    };

    let status = match &*progress {
        Progress::Idle => html! {},
        Progress::Running { done, total, last } => {
            let words = if *total == 0 {
                "Asking Garmin for your workouts…".to_owned()
            } else if last.is_empty() {
                format!("Synced {done} of {total} workouts")
            } else {
                format!("Synced {done} of {total} workouts ({last})")
            };
            progress_meter("sync-progress", words, *done, *total)
        }
        Progress::Finished(summary) => html! {
            <p class="sync-status" id="sync-summary" role="status">{ finished_words(summary) }</p>
        },
        Progress::Failed { error, done } => failure(error, *done),
    };
    html! {
        <div class="sync">
            <Button busy={running} {onclick}>{ if running { "Syncing…" } else { "Sync with Garmin" } }</Button>
            { status }
        </div>
    }
}

/// "Sync finished: added 3, updated 1, removed 0, unchanged 126."
fn finished_words(summary: &SyncSummary) -> String {
    let mut words = format!(
        "Sync finished: added {}, updated {}, removed {}, unchanged {}",
        summary.added, summary.updated, summary.removed, summary.unchanged
    );
    if summary.failed > 0 {
        words.push_str(&format!(
            ", {} could not be read (Baton keeps their last copy)",
            summary.failed
        ));
    }
    words.push('.');
    words
}

fn failure(error: &ApiError, done: i32) -> Html {
    let kept = if done > 0 {
        format!(" The {done} workouts synced before that are kept.")
    } else {
        String::new()
    };
    let words = format!("{}{kept}", error_words(error));
    let relink = matches!(error, ApiError::GarminNeedsRelogin | ApiError::GarminNotConnected);
    html! {
        <div class="sync-status" id="sync-error">
            { form_error(AttrValue::from(words)) }
            if relink {
                <p><Link<Route> to={Route::Garmin}>{ "Go to the Garmin page to connect again" }</Link<Route>></p>
            }
        </div>
    }
}
