//! ShareWorkouts: every listed workout with every listed athlete, in one
//! transaction that also checks, inside it, that each workout is the
//! coach's and each athlete is linked to them — so an unlink racing the
//! share cannot slip a share through.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ShareView, SharingService, Viewer, changes::ShareChanged, notices};
use crate::{
    domain::{AuditEvent, CalendarDate, ClientInfo, IdempotencyKey, Share},
    error::{Error, Reason, Result},
    garmin::workout::GarminWorkout,
    service::{
        Coach,
        access::require_coach,
        idempotency::{Claim, Once},
    },
    store::{
        audit, roster,
        shares::{self, NewShare},
        users, workouts,
    },
};

/// Who to share with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AthleteSelection {
    Listed(Vec<Uuid>),
    /// Every athlete linked to the coach now.
    AllMine,
}

/// A parsed ShareWorkouts request (ids de-duplicated, sizes checked).
#[derive(Debug, Clone)]
pub struct ShareRequest {
    pub workout_ids: Vec<Uuid>,
    pub athletes: AthleteSelection,
    pub note: String,
    pub scheduled_date: Option<CalendarDate>,
}

/// Why a pair was not shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkipReason {
    AlreadyShared,
    AthleteInactive,
}

/// A pair that was not shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub workout_id: Uuid,
    pub athlete_id: Uuid,
    pub reason: SkipReason,
    pub existing_share_id: Option<Uuid>,
}

/// What ShareWorkouts did.
#[derive(Debug, Clone)]
pub struct SharedOutcome {
    pub shares: Vec<ShareView>,
    pub skipped: Vec<Skipped>,
}

/// The reply stored for a retry with the same idempotency key.
#[derive(Debug, Serialize, Deserialize)]
struct StoredOutcome {
    share_ids: Vec<Uuid>,
    skipped: Vec<Skipped>,
}

impl SharingService {
    /// Proof that the caller may use the coach's sharing RPCs.
    pub fn coach(&self, caller: &crate::service::Caller) -> Result<Coach> {
        require_coach(caller)
    }

    pub async fn share_workouts(
        &self,
        coach: &Coach,
        client: &ClientInfo,
        request: ShareRequest,
        key: Option<&IdempotencyKey>,
    ) -> Result<SharedOutcome> {
        // The snapshot is to be what the coach has in Garmin now; when
        // Garmin cannot be asked, the cache (as of the last sync) serves.
        if let Err(error) = self.garmin.refresh_cached(coach.id(), &request.workout_ids).await {
            tracing::info!(%error, "sharing from the cache: Garmin's latest could not be read");
        }
        let now = self.context.clock.now();
        let once = Once::new(&self.context, coach.id(), "ShareWorkouts", key);
        let txn = self.context.db.begin().await?;
        if let Claim::Replay(first) = once.claim::<StoredOutcome>(&txn).await? {
            txn.rollback().await?;
            let shares = shares::find_many(self.context.db.reader(), &first.share_ids).await?;
            return Ok(SharedOutcome {
                shares: self.views(newest_first(shares), Viewer::Coach).await?,
                skipped: first.skipped,
            });
        }
        let cached = workouts::find_many(&txn, coach.id(), &request.workout_ids).await?;
        if cached.len() != request.workout_ids.len() {
            return Err(Error::PermissionDenied);
        }
        for workout in &cached {
            let parsed = GarminWorkout::parse(workout.raw_json.as_bytes()).map_err(|error| {
                Error::Internal(format!("a cached workout does not read: {error}"))
            })?;
            if parsed.clean_copy("").is_err() {
                return Err(Error::refused(Reason::WorkoutNotCopyable));
            }
        }
        let linked: HashSet<Uuid> =
            roster::athletes_of(&txn, coach.id()).await?.into_iter().map(|(id, _)| id).collect();
        let athlete_ids = match request.athletes {
            AthleteSelection::AllMine => {
                let mut all: Vec<Uuid> = linked.iter().copied().collect();
                all.sort_unstable();
                all
            }
            AthleteSelection::Listed(ids) => {
                if ids.iter().any(|id| !linked.contains(id)) {
                    return Err(Error::PermissionDenied);
                }
                ids
            }
        };
        let active: HashSet<Uuid> = users::find_many(&txn, &athlete_ids)
            .await?
            .into_iter()
            .filter(|user| user.active)
            .map(|user| user.id)
            .collect();
        let existing = shares::active_pairs(&txn, &athlete_ids, &request.workout_ids).await?;

        let mut skipped = Vec::new();
        let mut new = Vec::new();
        let mut snapshots: HashMap<Uuid, Uuid> = HashMap::new();
        for workout in &cached {
            for &athlete_id in &athlete_ids {
                let skip = |reason, existing_share_id| Skipped {
                    workout_id: workout.id,
                    athlete_id,
                    reason,
                    existing_share_id,
                };
                if !active.contains(&athlete_id) {
                    skipped.push(skip(SkipReason::AthleteInactive, None));
                    continue;
                }
                if let Some(share_id) = existing.get(&(athlete_id, workout.id)) {
                    skipped.push(skip(SkipReason::AlreadyShared, Some(*share_id)));
                    continue;
                }
                let snapshot_id = match snapshots.get(&workout.id) {
                    Some(id) => *id,
                    None => {
                        let id = shares::insert_snapshot(&txn, workout, now).await?;
                        snapshots.insert(workout.id, id);
                        id
                    }
                };
                new.push(NewShare {
                    id: Uuid::new_v4(),
                    coach_id: coach.id(),
                    athlete_id,
                    workout_id: workout.id,
                    snapshot_id,
                    note: request.note.clone(),
                    scheduled_date: request.scheduled_date,
                    now,
                });
            }
        }
        shares::insert_many(&txn, &new).await?;
        if !new.is_empty() {
            let athletes: HashSet<Uuid> = new.iter().map(|share| share.athlete_id).collect();
            let shared = AuditEvent::new("sharing.shared", now)
                .by_self(coach.id())
                .summary(format!(
                    "shared {} workout(s) with {} athlete(s): {} share(s)",
                    snapshots.len(),
                    athletes.len(),
                    new.len()
                ))
                .client(client);
            audit::record(&txn, shared).await?;
        }
        let names: HashMap<Uuid, &str> =
            cached.iter().map(|workout| (workout.id, workout.name.as_str())).collect();
        let coach_name = self.name(&txn, coach.id()).await?;
        let told: Vec<notices::NewShareNotice> = new
            .iter()
            .map(|share| notices::NewShareNotice {
                share_id: share.id,
                athlete_id: share.athlete_id,
                workout_name: names.get(&share.workout_id).copied().unwrap_or_default().to_owned(),
            })
            .collect();
        let notices = notices::shared(coach.id(), &coach_name, &told);
        let made = self.context.notifications.record(&txn, &notices, now).await?;
        let share_ids: Vec<Uuid> = new.iter().map(|share| share.id).collect();
        once.record(
            &txn,
            &StoredOutcome { share_ids: share_ids.clone(), skipped: skipped.clone() },
        )
        .await?;
        txn.commit().await?;
        self.context.notifications.announce(made);

        for share in &new {
            self.changes.announce(ShareChanged {
                share_id: share.id,
                coach_id: share.coach_id,
                athlete_id: share.athlete_id,
            });
        }
        let created = shares::find_many(self.context.db.reader(), &share_ids).await?;
        Ok(SharedOutcome {
            shares: self.views(newest_first(created), Viewer::Coach).await?,
            skipped,
        })
    }
}

/// The order lists use: newest first, then by id.
fn newest_first(mut shares: Vec<Share>) -> Vec<Share> {
    shares.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    shares
}
