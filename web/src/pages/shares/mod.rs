//! Shared (`/shares`): what the signed-in coach shared, newest first, by
//! athlete and workout: where each share stands (waiting, importing,
//! imported with the day, failed with why), whether the workout changed
//! since, and withdrawing one (for an imported one, together with deleting
//! it from the athlete's Garmin). The list reads itself again when a
//! notification about a share arrives. Workouts changed since they were
//! shared are listed above the table with the update action (see
//! `changed.rs`).

mod changed;

use std::{collections::BTreeMap, rc::Rc};

use yew::{platform::spawn_local, prelude::*};

use crate::{
    api::{ApiError, Me, OutgoingFilter, Role, Share, ShareStatus},
    app::guard::RequireSignIn,
    components::{
        button::ButtonKind,
        card::Card,
        checkbox::Checkbox,
        confirm::ConfirmButton,
        format::date,
        notice::{NoticeKind, form_error},
        progress::progress_bar,
        select::SelectField,
        share_status::{day_words, status_cell},
        table::Table,
    },
    hooks::fetch::{Load, use_fetch},
    live::{use_live, use_mark_read_when_shown},
    session::use_session,
};

use changed::ChangedSinceShared;

#[component]
pub fn Shares() -> Html {
    html! {
        <RequireSignIn role={Role::Coach} render={Callback::from(|_: Rc<Me>| html! { <SharesFor /> })} />
    }
}

#[component]
fn SharesFor() -> Html {
    let session = use_session();
    let live = use_live();
    let filter = use_state(OutgoingFilter::default);
    // Every athlete and workout seen unfiltered, for the filters' choices.
    let known =
        use_state(|| (BTreeMap::<String, String>::new(), BTreeMap::<String, String>::new()));
    let api = session.as_ref().map(|s| s.api().clone());
    let fetch = use_fetch(((*filter).clone(), live.share_changes), move |(filter, _)| {
        let api = api.clone();
        async move {
            match api {
                Some(api) => api.outgoing_shares(&filter).await,
                None => Err(ApiError::SessionExpired),
            }
        }
    });
    {
        let known = known.clone();
        use_effect_with((*fetch.load).clone(), move |load| {
            if let Load::Ready(shares) = load {
                let (mut athletes, mut workouts) = (*known).clone();
                for share in shares {
                    athletes
                        .insert(share.athlete.user_id.clone(), share.athlete.display_name.clone());
                    if let Some(w) = &share.workout {
                        workouts.insert(w.id.clone(), w.name.clone());
                    }
                }
                if (athletes.clone(), workouts.clone()) != *known {
                    known.set((athletes, workouts));
                }
            }
        });
    }
    use_mark_read_when_shown(matches!(*fetch.load, Load::Ready(_)));
    let Some(session) = session else { return html! {} };

    let choices = |all: &'static str, items: &BTreeMap<String, String>| {
        std::iter::once((AttrValue::from(""), AttrValue::from(all)))
            .chain(
                items
                    .iter()
                    .map(|(id, name)| (AttrValue::from(id.clone()), AttrValue::from(name.clone()))),
            )
            .collect::<Vec<_>>()
    };
    let on_athlete = {
        let filter = filter.clone();
        Callback::from(move |athlete_id: String| {
            filter.set(OutgoingFilter { athlete_id, ..(*filter).clone() });
        })
    };
    let on_workout = {
        let filter = filter.clone();
        Callback::from(move |workout_id: String| {
            filter.set(OutgoingFilter { workout_id, ..(*filter).clone() });
        })
    };
    let changed = match &*fetch.load {
        Load::Ready(shares) => html! {
            <ChangedSinceShared shares={shares.clone()} athlete_id={filter.athlete_id.clone()}
                session={session.clone()} reload={fetch.reload.clone()} />
        },
        _ => html! {},
    };
    let listing = match &*fetch.load {
        Load::Loading => progress_bar("Loading what you shared…"),
        Load::Failed(err) => form_error(AttrValue::from(err.to_string())),
        Load::Ready(shares) => {
            let rows =
                shares.iter().map(|share| row(share, &session, &fetch.reload)).collect::<Vec<_>>();
            let count = shares.len();
            html! {
                <Table
                    caption={format!("{count} share{}", if count == 1 { "" } else { "s" })}
                    headings={vec![
                        AttrValue::from("Workout"), AttrValue::from("Athlete"), AttrValue::from("Day"),
                        AttrValue::from("Status"), AttrValue::from("Shared"), AttrValue::from("Withdraw"),
                    ]}
                    {rows}
                    empty="Nothing shared yet. Tick workouts in the library and choose Share."
                />
            }
        }
    };
    html! {
        <>
            <h1 class="page-title">{ "Shared" }</h1>
            <Card title="Workouts you shared">
                <form class="filters filters--library" role="search" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    <SelectField id="shares-athlete" label="Athlete" value={filter.athlete_id.clone()}
                        options={choices("All athletes", &known.0)} onchange={on_athlete} />
                    <SelectField id="shares-workout" label="Workout" value={filter.workout_id.clone()}
                        options={choices("All workouts", &known.1)} onchange={on_workout} />
                </form>
                { changed }
                { listing }
            </Card>
        </>
    }
}

fn row(share: &Share, session: &crate::session::Session, reload: &Callback<()>) -> Vec<Html> {
    let workout = html! {
        <div class="share-state">
            <span class="share-workout">{ share.workout_name() }</span>
            if share.snapshot_outdated {
                { " " }<span class="badge badge--warning">{ "Changed since shared" }</span>
            }
        </div>
    };
    vec![
        workout,
        html! { share.athlete.display_name.clone() },
        html! { day_words(share) },
        status_cell(share),
        html! { date(share.created) },
        html! { <Withdraw share={share.clone()} session={session.clone()} reload={reload.clone()} /> },
    ]
}

#[derive(Properties, PartialEq)]
struct WithdrawProps {
    share: Share,
    session: crate::session::Session,
    reload: Callback<()>,
}

/// Withdraws a share after asking; an imported one offers deleting the
/// athlete's copy from Garmin, which it needs.
#[component]
fn Withdraw(props: &WithdrawProps) -> Html {
    let delete_copy = use_state(|| false);
    let busy = use_state(|| false);
    let share = &props.share;
    match share.status {
        ShareStatus::Revoked => return html! { { "Withdrawn" } },
        ShareStatus::Importing => return html! { { "Wait for the import" } },
        _ => {}
    }
    let imported = share.status == ShareStatus::Imported;
    let onconfirm = {
        let (session, reload, busy, delete_copy, id) = (
            props.session.clone(),
            props.reload.clone(),
            busy.clone(),
            delete_copy.clone(),
            share.id.clone(),
        );
        Callback::from(move |()| {
            let (session, reload, busy, id, delete) =
                (session.clone(), reload.clone(), busy.clone(), id.clone(), *delete_copy);
            busy.set(true);
            spawn_local(async move {
                match session.api().revoke_share(id, delete).await {
                    Ok(_) => session.notify(NoticeKind::Success, "The share is withdrawn."),
                    Err(err) => session.notify(NoticeKind::Error, err.to_string()),
                }
                busy.set(false);
                reload.emit(());
            });
        })
    };
    let on_delete = {
        let delete_copy = delete_copy.clone();
        Callback::from(move |checked: bool| delete_copy.set(checked))
    };
    let who = &share.athlete.display_name;
    let question = if imported && *delete_copy {
        format!("Withdraw {} and delete it from {who}'s Garmin?", share.workout_name())
    } else {
        format!("Withdraw {} from {who}?", share.workout_name())
    };
    html! {
        <div class="withdraw">
            if imported {
                <Checkbox id={format!("delete-copy-{}", share.id)}
                    label="Also delete it from the athlete's Garmin"
                    checked={*delete_copy} onchange={on_delete} />
            }
            if !imported || *delete_copy {
                <ConfirmButton label="Withdraw" {question} confirm_label="Withdraw"
                    kind={ButtonKind::Danger} busy={*busy} {onconfirm} />
            }
        </div>
    }
}
