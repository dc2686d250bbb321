//! Reading shares: the coach's outgoing list, the athlete's inbox, and one
//! share with its snapshot's steps for either side.

use uuid::Uuid;

use super::{ShareView, SharingService, Viewer};
use crate::{
    domain::{CachedWorkout, PageRequest, PageScope, Share, ShareFilter, ShareSide, ShareStatus},
    error::{Error, Result},
    garmin::workout::{GarminWorkout, WorkoutView},
    service::{Athlete, Caller, Coach, access::require_athlete, paging},
    store::shares,
};

/// A share with its snapshot, as GetShare shows it.
#[derive(Debug, Clone)]
pub struct ShareDetail {
    pub view: ShareView,
    /// The snapshot as a cached workout of the coach's (for its summary).
    pub workout: CachedWorkout,
    pub steps: WorkoutView,
}

/// The inbox: a page, the next page's token, and how many wait for action.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub shares: Vec<ShareView>,
    pub next_page_token: String,
    pub actionable: u64,
}

impl SharingService {
    /// Proof that the caller may use the athlete's sharing RPCs.
    pub fn athlete(&self, caller: &Caller) -> Result<Athlete> {
        require_athlete(caller)
    }

    pub async fn list_outgoing(
        &self,
        coach: &Coach,
        filter: &ShareFilter,
        request: &PageRequest,
    ) -> Result<(Vec<ShareView>, String)> {
        let scope = scope("ListOutgoingShares", coach.id(), filter);
        let cursor = paging::open(&self.context.pages, request, &scope)?;
        let side = ShareSide::Coach(coach.id());
        let rows = shares::list(self.context.db.reader(), side, filter, &cursor.page).await?;
        let (rows, next) = cursor.finish(rows);
        Ok((self.views(rows, Viewer::Coach).await?, next))
    }

    pub async fn list_incoming(
        &self,
        athlete: &Athlete,
        filter: &ShareFilter,
        request: &PageRequest,
    ) -> Result<Inbox> {
        let mut filter = filter.clone();
        if filter.statuses.is_empty() {
            filter.statuses = ShareStatus::in_inbox();
        }
        let scope = scope("ListIncomingShares", athlete.id(), &filter);
        let cursor = paging::open(&self.context.pages, request, &scope)?;
        let db = self.context.db.reader();
        let side = ShareSide::Athlete(athlete.id());
        let rows = shares::list(db, side, &filter, &cursor.page).await?;
        let actionable = shares::count_actionable(db, athlete.id()).await?;
        let (rows, next_page_token) = cursor.finish(rows);
        Ok(Inbox { shares: self.views(rows, Viewer::Athlete).await?, next_page_token, actionable })
    }

    /// One share, for its coach or its athlete; PERMISSION_DENIED for
    /// anyone else and for an id nobody has.
    pub async fn get(&self, caller: &Caller, id: Uuid) -> Result<ShareDetail> {
        let db = self.context.db.reader();
        let (share, viewer) = self.visible(caller, id).await?;
        let raw_json = shares::snapshot_json(db, share.workout.snapshot_id).await?;
        let steps = GarminWorkout::parse(raw_json.as_bytes())
            .map_err(|error| Error::Internal(format!("a snapshot does not read: {error}")))?
            .view();
        let workout = snapshot_as_cached(&share, raw_json);
        let view = self.view(share, viewer).await?;
        Ok(ShareDetail { view, workout, steps })
    }

    /// The share and which side the caller is on.
    async fn visible(&self, caller: &Caller, id: Uuid) -> Result<(Share, Viewer)> {
        let share =
            shares::find(self.context.db.reader(), id).await?.ok_or(Error::PermissionDenied)?;
        if share.coach_id == caller.user_id {
            Ok((share, Viewer::Coach))
        } else if share.athlete_id == caller.user_id {
            Ok((share, Viewer::Athlete))
        } else {
            Err(Error::PermissionDenied)
        }
    }
}

/// The page-token scope of a share list: the RPC, the caller, every filter.
fn scope(rpc: &str, caller: Uuid, filter: &ShareFilter) -> PageScope {
    let id = |id: Option<Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
    let statuses: Vec<&str> = filter.statuses.iter().map(|status| status.as_str()).collect();
    PageScope::new(rpc, caller)
        .field("athlete", &id(filter.athlete_id))
        .field("coach", &id(filter.coach_id))
        .field("workout", &id(filter.workout_id))
        .field("statuses", &statuses.join(","))
}

fn snapshot_as_cached(share: &Share, raw_json: String) -> CachedWorkout {
    let workout = &share.workout;
    CachedWorkout {
        id: workout.workout_id,
        owner_id: share.coach_id,
        garmin_workout_id: workout.garmin_workout_id,
        name: workout.name.clone(),
        sport_key: workout.sport_key.clone(),
        sport_id: workout.sport_id,
        estimated_duration_seconds: workout.estimated_duration_seconds,
        estimated_distance_meters: workout.estimated_distance_meters,
        step_count: workout.step_count,
        garmin_updated_at: workout.garmin_updated_at,
        garmin_created_at: None,
        raw_json,
        synced_at: share.created_at,
    }
}
