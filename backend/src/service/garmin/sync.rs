//! Syncing the caller's workout cache with Garmin (GARMIN.md §4.2): list
//! every page until a short one (no 100 cap), fetch the details of new and
//! changed workouts a few at a time (the account's read slots), drop the
//! ones Garmin no longer lists, and report each workout as it is handled.
//! A lease on the account's row keeps two syncs of one account (on any
//! replica) from running at once.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Duration, Utc};
use futures::{StreamExt, stream};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::{
    GarminService, failures,
    library::cached,
    locks::READ_SLOTS,
    session::{Account, CallKind},
};
use crate::{
    domain::CachedWorkout,
    error::{Error, Reason, Result},
    garmin::{GarminError, workout::GarminWorkout},
    service::Caller,
    store::{garmin_accounts, workouts},
};

/// How long a sync may hold the account before another may take it over
/// (a replica that died mid-sync releases nothing).
const SYNC_LEASE: Duration = Duration::minutes(10);
/// No coach has this many workouts: a Garmin that keeps answering full
/// pages past it is answering nonsense.
pub(super) const MAX_LISTED: usize = 100_000;
/// Events buffered for a slow reader.
const EVENT_BUFFER: usize = 64;

/// What a sync did with one workout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    Added,
    Updated,
    Unchanged,
    Removed,
    Failed,
}

/// One event of a sync.
#[derive(Debug, Clone)]
pub enum SyncEvent {
    Workout {
        /// The workout after the action (as cached, for REMOVED; for a new
        /// workout that failed, only what the list said).
        workout: CachedWorkout,
        outcome: SyncOutcome,
        /// Plain words for a failure.
        error: Option<String>,
        done: u32,
        total: u32,
    },
    Summary(SyncSummary),
}

/// The last event of a sync that ran to the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncSummary {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub removed: u32,
    pub failed: u32,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What the list says of a workout.
struct Listed {
    garmin_workout_id: i64,
    updated_at: Option<DateTime<Utc>>,
    summary: GarminWorkout,
}

impl GarminService {
    /// Starts a sync of the caller's account and returns its events; the
    /// stream ends with the summary, or with the error that stopped it.
    /// Refused at once (before any event) without a usable link, or while
    /// another sync of the account runs.
    pub async fn sync(
        &self,
        caller: &Caller,
        force: bool,
    ) -> Result<mpsc::Receiver<Result<SyncEvent>>> {
        let account = Arc::new(self.account(caller.user_id).await?);
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let claimed =
            garmin_accounts::claim_sync(&txn, caller.user_id, now, now + SYNC_LEASE).await?;
        txn.commit().await?;
        if !claimed {
            return Err(Error::refused(Reason::GarminSyncRunning));
        }
        let (events, receiver) = mpsc::channel(EVENT_BUFFER);
        let service = self.clone();
        tokio::spawn(async move {
            let outcome = service.run_sync(&account, force, &events).await;
            let finished = match &outcome {
                Ok(summary) => summary.finished_at,
                Err(_) => None,
            };
            if let Err(error) = service.release(account.user_id(), finished).await {
                tracing::warn!(%error, "could not release a Garmin sync lease");
            }
            match outcome {
                Ok(summary) => {
                    let _ = events.send(Ok(SyncEvent::Summary(summary))).await;
                }
                Err(error) => {
                    let _ = events.send(Err(error)).await;
                }
            }
        });
        Ok(receiver)
    }

    async fn release(&self, user_id: Uuid, finished: Option<DateTime<Utc>>) -> Result<()> {
        let txn = self.context.db.begin().await?;
        garmin_accounts::release_sync(&txn, user_id, finished).await?;
        txn.commit().await?;
        Ok(())
    }

    async fn run_sync(
        &self,
        account: &Arc<Account>,
        force: bool,
        events: &mpsc::Sender<Result<SyncEvent>>,
    ) -> Result<SyncSummary> {
        let listed = list_all(account).await?;
        let owner = account.user_id();
        let cache = workouts::versions(self.context.db.reader(), owner).await?;
        let known: HashMap<i64, (Uuid, Option<DateTime<Utc>>)> =
            cache.iter().map(|(garmin_id, id, updated)| (*garmin_id, (*id, *updated))).collect();
        let listed_ids: std::collections::HashSet<i64> =
            listed.iter().map(|item| item.garmin_workout_id).collect();
        let gone: Vec<Uuid> = cache
            .iter()
            .filter(|(garmin_id, _, _)| !listed_ids.contains(garmin_id))
            .map(|(_, id, _)| *id)
            .collect();
        let total = u32::try_from(listed.len() + gone.len()).unwrap_or(u32::MAX);
        let mut summary = SyncSummary::default();
        let mut done = 0u32;
        let mut report = |outcome: SyncOutcome| {
            done += 1;
            match outcome {
                SyncOutcome::Added => summary.added += 1,
                SyncOutcome::Updated => summary.updated += 1,
                SyncOutcome::Unchanged => summary.unchanged += 1,
                SyncOutcome::Removed => summary.removed += 1,
                SyncOutcome::Failed => summary.failed += 1,
            }
            done
        };

        let mut to_fetch = Vec::new();
        for item in listed {
            match known.get(&item.garmin_workout_id) {
                Some((id, updated))
                    if !force && *updated == item.updated_at && item.updated_at.is_some() =>
                {
                    let workout = cached_summary(owner, *id, &item, self.context.clock.now());
                    let done = report(SyncOutcome::Unchanged);
                    let event = SyncEvent::Workout {
                        workout,
                        outcome: SyncOutcome::Unchanged,
                        error: None,
                        done,
                        total,
                    };
                    send(events, event).await?;
                }
                Some((id, _)) => to_fetch.push((Some(*id), item)),
                None => to_fetch.push((None, item)),
            }
        }

        // Each fetch is its own task, so a fetch (and the token refresh it
        // may run, which writes) moves on while this loop waits on the
        // database or a slow reader: an unpolled future holding SQLite's
        // single writer would stall every write.
        let mut fetched = stream::iter(to_fetch)
            .map(|(id, item)| {
                let account = Arc::clone(account);
                tokio::spawn(async move {
                    let garmin_id = item.garmin_workout_id;
                    let detail = account
                        .call(CallKind::Read, |token| {
                            let client = account.client().clone();
                            async move { client.workout(&token, garmin_id).await }
                        })
                        .await;
                    (id, item, detail)
                })
            })
            .buffer_unordered(READ_SLOTS as usize);
        while let Some(fetch) = fetched.next().await {
            let (id, item, detail) = fetch
                .map_err(|error| Error::Internal(format!("a workout fetch stopped: {error}")))?;
            let now = self.context.clock.now();
            let event = match detail {
                Ok(raw) => {
                    let before = match id {
                        Some(id) => workouts::find(self.context.db.reader(), owner, id).await?,
                        None => None,
                    };
                    match cached(owner, id.unwrap_or_else(Uuid::new_v4), &raw, now) {
                        Ok((workout, _)) => {
                            // A forced sync refetches everything; what Garmin
                            // sends back byte for byte the same is unchanged.
                            let outcome = match before {
                                None => SyncOutcome::Added,
                                Some(before) if before.raw_json == workout.raw_json => {
                                    SyncOutcome::Unchanged
                                }
                                Some(_) => SyncOutcome::Updated,
                            };
                            let txn = self.context.db.begin().await?;
                            workouts::upsert(&txn, &workout).await?;
                            txn.commit().await?;
                            let done = report(outcome);
                            SyncEvent::Workout { workout, outcome, error: None, done, total }
                        }
                        Err(why) => {
                            failed(owner, id, &item, &why, now, report(SyncOutcome::Failed), total)
                        }
                    }
                }
                // Deleted between the list and the fetch.
                Err(Error::NotFound(_)) => failed(
                    owner,
                    id,
                    &item,
                    "Garmin no longer has it",
                    now,
                    report(SyncOutcome::Failed),
                    total,
                ),
                // Garmin asks to sign in again, rate-limits or is down:
                // the whole sync stops; what is synced stays.
                Err(error) => return Err(error),
            };
            send(events, event).await?;
        }
        drop(fetched);

        if !gone.is_empty() {
            let db = self.context.db.reader();
            let mut removed = Vec::new();
            for id in &gone {
                if let Some(workout) = workouts::find(db, owner, *id).await? {
                    removed.push(workout);
                }
            }
            let txn = self.context.db.begin().await?;
            workouts::remove(&txn, owner, &gone).await?;
            txn.commit().await?;
            for workout in removed {
                let done = report(SyncOutcome::Removed);
                let event = SyncEvent::Workout {
                    workout,
                    outcome: SyncOutcome::Removed,
                    error: None,
                    done,
                    total,
                };
                send(events, event).await?;
            }
        }
        account.succeeded().await?;
        summary.finished_at = Some(self.context.clock.now());
        tracing::info!(user_id = %owner, ?summary, "Garmin workouts synced");
        Ok(summary)
    }
}

/// Every workout Garmin lists, paging by `start += page length` (GARMIN.md
/// §4.2). The list ends at an empty page or one shorter than the longest
/// so far: a Garmin that caps pages below `LIST_PAGE` still gets read to
/// the end. Workouts are kept once each, since a 1-based `start` repeats
/// one per page.
async fn list_all(account: &Account) -> Result<Vec<Listed>> {
    let mut listed = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let (mut start, mut longest) = (0, 0);
    loop {
        let client = account.client().clone();
        let page = account
            .call(CallKind::Read, |token| {
                let client = client.clone();
                async move { client.workouts_page(&token, start).await }
            })
            .await?;
        let count = page.len();
        let mut new = 0;
        for item in page {
            let Ok(summary) = GarminWorkout::from_value(item) else { continue };
            let Some(garmin_workout_id) = summary.workout_id() else { continue };
            if seen.insert(garmin_workout_id) {
                new += 1;
                listed.push(Listed {
                    garmin_workout_id,
                    updated_at: summary.updated_at(),
                    summary,
                });
            }
        }
        // A page with nothing new: Garmin is not moving through the list.
        if count == 0 || count < longest || new == 0 {
            return Ok(listed);
        }
        longest = longest.max(count);
        start += count;
        if start > MAX_LISTED {
            return Err(failures::refusal(
                GarminError::Unavailable("Garmin's workout list does not end".into()),
                None,
            ));
        }
    }
}

/// A cache-shaped record of what the list said (for events about a
/// workout that is not, or not yet, cached from its detail).
fn cached_summary(owner_id: Uuid, id: Uuid, item: &Listed, now: DateTime<Utc>) -> CachedWorkout {
    let view = item.summary.view();
    CachedWorkout {
        id,
        owner_id,
        garmin_workout_id: item.garmin_workout_id,
        name: view.name,
        sport_key: view.sport.key,
        sport_id: view.sport.kind.id(),
        estimated_duration_seconds: None,
        estimated_distance_meters: view.estimated_distance.map(|estimate| estimate.value),
        step_count: 0,
        garmin_updated_at: item.updated_at,
        garmin_created_at: view.create_time,
        raw_json: String::new(),
        synced_at: now,
    }
}

fn failed(
    owner_id: Uuid,
    id: Option<Uuid>,
    item: &Listed,
    why: &str,
    now: DateTime<Utc>,
    done: u32,
    total: u32,
) -> SyncEvent {
    let workout = cached_summary(owner_id, id.unwrap_or_else(Uuid::new_v4), item, now);
    SyncEvent::Workout {
        workout,
        outcome: SyncOutcome::Failed,
        error: Some(why.to_owned()),
        done,
        total,
    }
}

/// Sends an event; a reader that went away stops the sync.
async fn send(events: &mpsc::Sender<Result<SyncEvent>>, event: SyncEvent) -> Result<()> {
    events.send(Ok(event)).await.map_err(|_| Error::Internal("the sync's reader went away".into()))
}
