//! The caller's workout library (from Baton's cache, never by calling
//! Garmin), their link's status, and disconnecting.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::GarminService;
use crate::{
    domain::{
        AuditEvent, CachedWorkout, ClientInfo, GarminLink, PageRequest, PageScope, WorkoutFilter,
    },
    error::{Error, Reason, Result},
    garmin::workout::{GarminWorkout, WorkoutView},
    service::{Caller, paging},
    store::{audit, garmin_accounts, garmin_sign_ins, workouts},
};

/// The caller's link as GetConnection shows it.
#[derive(Debug, Clone)]
pub enum ConnectionState {
    NotConnected,
    /// A password sign-in waits for its MFA code.
    MfaPending,
    Linked(GarminLink),
}

/// A cached workout with its typed view.
#[derive(Debug, Clone)]
pub struct WorkoutDetail {
    pub cached: CachedWorkout,
    pub view: WorkoutView,
}

impl GarminService {
    /// The caller's link, from Baton's record.
    pub async fn connection(&self, caller: &Caller) -> Result<ConnectionState> {
        let db = self.context.db.reader();
        if let Some(stored) = garmin_accounts::find(db, caller.user_id).await? {
            return Ok(ConnectionState::Linked(stored.link));
        }
        let now = self.context.clock.now();
        if garmin_sign_ins::has_pending(db, caller.user_id, now).await? {
            return Ok(ConnectionState::MfaPending);
        }
        Ok(ConnectionState::NotConnected)
    }

    /// Reads a ticket (or the Garmin URL carrying one) the user gave.
    pub fn read_ticket(
        &self,
        input: &str,
    ) -> std::result::Result<crate::garmin::Ticket, &'static str> {
        self.context.garmin.read_ticket(input)
    }

    /// Where to sign in at Garmin for a ticket: the widget and its origin,
    /// and the page for the paste path.
    pub fn sign_in_places(&self) -> (String, String, String) {
        let garmin = &self.context.garmin;
        (garmin.widget_url(), garmin.sso_origin(), garmin.sign_in_url())
    }

    /// Forgets the caller's tokens, pending sign-ins and cached workouts.
    pub async fn disconnect(&self, caller: &Caller, client: &ClientInfo) -> Result<()> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let had_link = garmin_accounts::delete(&txn, caller.user_id).await?;
        garmin_sign_ins::remove_for_user(&txn, caller.user_id).await?;
        workouts::remove_all(&txn, caller.user_id).await?;
        if had_link {
            let disconnected = AuditEvent::new("auth.garmin_disconnected", now)
                .by_self(caller.user_id)
                .summary("Garmin Connect unlinked; its tokens and cached workouts deleted")
                .client(client);
            audit::record(&txn, disconnected).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// One page of the caller's cached workouts, in the filter's order.
    pub async fn list_workouts(
        &self,
        caller: &Caller,
        filter: &WorkoutFilter,
        request: &PageRequest,
    ) -> Result<(Vec<CachedWorkout>, String)> {
        let scope = PageScope::new("ListWorkouts", caller.user_id)
            .field("query", filter.query.as_deref().unwrap_or_default())
            .field("sport", &filter.sport_id.map(|id| id.to_string()).unwrap_or_default())
            .field("sort", filter.sort.key());
        let cursor = paging::open(&self.context.pages, request, &scope)?;
        let db = self.context.db.reader();
        if garmin_accounts::find(db, caller.user_id).await?.is_none() {
            return Err(Error::refused(Reason::GarminNotConnected));
        }
        let rows = workouts::list(db, caller.user_id, filter, &cursor.page).await?;
        Ok(cursor.finish(rows))
    }

    /// One of the caller's cached workouts with its steps. Only the
    /// caller's own: anyone else's id is NOT_FOUND like an unknown one.
    pub async fn workout(&self, caller: &Caller, id: Uuid) -> Result<WorkoutDetail> {
        let cached = workouts::find(self.context.db.reader(), caller.user_id, id)
            .await?
            .ok_or(Error::NotFound("workout"))?;
        let view = GarminWorkout::parse(cached.raw_json.as_bytes())
            .map_err(|error| Error::Internal(format!("a cached workout does not read: {error}")))?
            .view();
        Ok(WorkoutDetail { cached, view })
    }
}

/// A workout's cache row from Garmin's detail JSON.
pub(super) fn cached(
    owner_id: Uuid,
    id: Uuid,
    raw: &[u8],
    synced_at: DateTime<Utc>,
) -> std::result::Result<(CachedWorkout, WorkoutView), String> {
    let workout = GarminWorkout::parse(raw).map_err(|error| error.to_string())?;
    let garmin_workout_id = workout.workout_id().ok_or("Garmin's workout has no workoutId")?;
    let view = workout.view();
    let raw_json = String::from_utf8(raw.to_vec()).map_err(|_| "Garmin's workout is not UTF-8")?;
    let cached = CachedWorkout {
        id,
        owner_id,
        garmin_workout_id,
        name: view.name.clone(),
        sport_key: view.sport.key.clone(),
        sport_id: view.sport.kind.id(),
        estimated_duration_seconds: view
            .estimated_duration
            .and_then(|estimate| estimate_seconds(estimate.value)),
        estimated_distance_meters: view.estimated_distance.map(|estimate| estimate.value),
        step_count: i32::try_from(view.step_count).unwrap_or(i32::MAX),
        garmin_updated_at: view.update_time,
        garmin_created_at: view.create_time,
        raw_json,
        synced_at,
    };
    Ok((cached, view))
}

fn estimate_seconds(value: f64) -> Option<i32> {
    if value.is_finite() && value >= 0.0 && value <= f64::from(i32::MAX) {
        // Whole seconds: the value is finite, non-negative and in range.
        #[allow(clippy::cast_possible_truncation)]
        Some(value.round() as i32)
    } else {
        None
    }
}
