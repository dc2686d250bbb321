//! The workouts that changed in Garmin Connect after the coach shared them
//! (as the last library sync saw), each with the action that pushes the
//! new version onto its shares: to the athlete the page is filtered on, or
//! to everyone it went to.

use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{Share, ShareStatus},
    components::{
        button::{Button, ButtonKind},
        notice::NoticeKind,
    },
    session::Session,
};

#[derive(Properties, PartialEq)]
pub struct ChangedProps {
    pub shares: Vec<Share>,
    /// The athlete the page is filtered on; empty for all.
    pub athlete_id: String,
    pub session: Session,
    pub reload: Callback<()>,
}

/// One changed workout: its id, name, and how many shares still hold the
/// older version.
#[derive(Clone, Debug, PartialEq)]
struct ChangedWorkout {
    id: String,
    name: String,
    shares: usize,
}

fn changed_workouts(shares: &[Share]) -> Vec<ChangedWorkout> {
    let mut changed: Vec<ChangedWorkout> = Vec::new();
    let outdated =
        shares.iter().filter(|s| s.snapshot_outdated && s.status != ShareStatus::Revoked);
    for workout in outdated.filter_map(|share| share.workout.as_ref()) {
        match changed.iter_mut().find(|known| known.id == workout.id) {
            Some(known) => known.shares += 1,
            None => changed.push(ChangedWorkout {
                id: workout.id.clone(),
                name: workout.name.clone(),
                shares: 1,
            }),
        }
    }
    changed
}

#[component]
pub fn ChangedSinceShared(props: &ChangedProps) -> Html {
    // The workout whose copies are being updated.
    let busy = use_state(|| None::<String>);
    let changed = changed_workouts(&props.shares);
    if changed.is_empty() {
        return html! {};
    }
    let items = changed.into_iter().map(|workout| {
        let onclick = {
            let (session, reload, busy) =
                (props.session.clone(), props.reload.clone(), busy.clone());
            let athletes: Vec<String> =
                (!props.athlete_id.is_empty()).then(|| props.athlete_id.clone()).into_iter().collect();
            let id = workout.id.clone();
            Callback::from(move |_: MouseEvent| {
                let (session, reload, busy, athletes, id) =
                    (session.clone(), reload.clone(), busy.clone(), athletes.clone(), id.clone());
                busy.set(Some(id.clone()));
                spawn_local(async move {
                    match session.api().update_shared_copies(id, athletes).await {
                        Ok(updated) if updated.failed.is_empty() => {
                            session.notify(NoticeKind::Success, updated.summary());
                        }
                        Ok(updated) => session.notify(NoticeKind::Error, updated.summary()),
                        Err(err) => session.notify(NoticeKind::Error, err.to_string()),
                    }
                    busy.set(None);
                    reload.emit(());
                });
            })
        };
        let count = workout.shares;
        html! {
            <li class="changed-workout">
                <span>
                    <strong>{ workout.name.clone() }</strong>
                    { format!(" — {count} share{} still hold{} the version you shared",
                        if count == 1 { "" } else { "s" }, if count == 1 { "s" } else { "" }) }
                </span>
                <Button kind={ButtonKind::Primary} busy={busy.as_deref() == Some(workout.id.as_str())}
                    {onclick}>
                    { format!("Update copies of {}", workout.name) }
                </Button>
            </li>
        }
    });
    html! {
        <section id="changed-since-shared" class="changed" aria-labelledby="changed-title">
            <h2 id="changed-title" class="section-title">{ "Changed since you shared" }</h2>
            <p class="field__hint">
                { "Updating replaces each imported copy in the athlete's Garmin Connect in place, \
                   so it stays on their calendar; shares not imported yet get the new version." }
            </p>
            <ul class="changed-list">{ for items }</ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use baton_proto::{garmin::v1 as garmin_pb, sharing::v1 as pb};

    use super::*;

    fn share(workout: &str, outdated: bool, status: pb::ShareStatus) -> Share {
        Share::from(pb::Share {
            workout: Some(garmin_pb::WorkoutSummary {
                id: workout.to_owned(),
                name: format!("Workout {workout}"),
                ..Default::default()
            }),
            snapshot_outdated: outdated,
            status: status as i32,
            ..Default::default()
        })
    }

    #[test]
    fn each_changed_workout_is_listed_once_with_its_outdated_shares() {
        use pb::ShareStatus::{Imported, Pending, Revoked};
        let shares = [
            share("a", true, Imported),
            share("b", false, Pending),
            share("a", true, Pending),
            share("c", true, Revoked),
            share("a", false, Pending),
        ];
        assert_eq!(
            changed_workouts(&shares),
            vec![ChangedWorkout { id: "a".into(), name: "Workout a".into(), shares: 2 }]
        );
    }
}
