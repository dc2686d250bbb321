//! Sharing's domain types → `baton.sharing.v1` messages.

use baton_proto::{error::v1::ErrorReason, garmin::v1 as garmin_pb, sharing::v1 as pb};

use super::{count, optional_timestamp, timestamp};
use crate::{
    domain::{ShareStatus, SharedWorkout},
    service::{
        CopyOutcome, CopyUpdate, ImportEvent, ImportSummary, Party, ShareView, SharedOutcome,
        SkipReason,
    },
};

pub fn status(status: ShareStatus) -> pb::ShareStatus {
    match status {
        ShareStatus::Pending => pb::ShareStatus::Pending,
        ShareStatus::Importing => pb::ShareStatus::Importing,
        ShareStatus::Imported => pb::ShareStatus::Imported,
        ShareStatus::Failed => pb::ShareStatus::Failed,
        ShareStatus::Dismissed => pb::ShareStatus::Dismissed,
        ShareStatus::Revoked => pb::ShareStatus::Revoked,
    }
}

pub fn share(view: ShareView) -> pb::Share {
    let share = view.share;
    let (last_error, last_error_reason) = match share.last_error {
        Some(failure) => (
            failure.message,
            ErrorReason::from_str_name(failure.reason.name()).unwrap_or(ErrorReason::Unspecified),
        ),
        None => (String::new(), ErrorReason::Unspecified),
    };
    let day =
        |day: Option<crate::domain::CalendarDate>| day.map(|d| d.to_string()).unwrap_or_default();
    pb::Share {
        id: share.id.to_string(),
        coach: Some(party(view.coach)),
        athlete: Some(party(view.athlete)),
        workout: Some(snapshot(share.workout)),
        note: share.note,
        scheduled_date: day(share.scheduled_date),
        status: status(share.status) as i32,
        athlete_garmin_workout_id: share
            .athlete_garmin_workout_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        athlete_scheduled_date: day(share.athlete_scheduled_date),
        attempt_count: i32::try_from(share.attempt_count).unwrap_or(i32::MAX),
        last_error,
        last_error_reason: last_error_reason as i32,
        athlete_garmin_workout_url: view.athlete_copy_url.unwrap_or_default(),
        create_time: Some(timestamp(share.created_at)),
        update_time: Some(timestamp(share.updated_at)),
        import_time: optional_timestamp(share.imported_at),
        snapshot_outdated: view.snapshot_outdated,
    }
}

fn party(party: Party) -> pb::ShareParty {
    pb::ShareParty {
        user_id: party.user_id.to_string(),
        display_name: party.display_name,
        avatar_url: party.avatar_url.unwrap_or_default(),
    }
}

/// The workout as it was shared.
fn snapshot(workout: SharedWorkout) -> garmin_pb::WorkoutSummary {
    garmin_pb::WorkoutSummary {
        id: workout.workout_id.to_string(),
        garmin_workout_id: workout.garmin_workout_id.to_string(),
        name: workout.name,
        description: String::new(),
        sport: workout.sport_id,
        sport_key: workout.sport_key,
        estimated_duration_seconds: workout.estimated_duration_seconds,
        estimated_distance_meters: workout.estimated_distance_meters,
        step_count: workout.step_count,
        update_time: optional_timestamp(workout.garmin_updated_at),
        create_time: None,
        sync_time: None,
    }
}

pub fn shared(outcome: SharedOutcome) -> pb::ShareWorkoutsResponse {
    pb::ShareWorkoutsResponse {
        shares: outcome.shares.into_iter().map(share).collect(),
        skipped: outcome
            .skipped
            .into_iter()
            .map(|skipped| pb::SkippedShare {
                workout_id: skipped.workout_id.to_string(),
                athlete_id: skipped.athlete_id.to_string(),
                reason: match skipped.reason {
                    SkipReason::AlreadyShared => pb::SkipReason::AlreadyShared,
                    SkipReason::AthleteInactive => pb::SkipReason::AthleteInactive,
                } as i32,
                existing_share_id: skipped
                    .existing_share_id
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

pub fn import_event(event: ImportEvent) -> pb::ImportSharesResponse {
    use pb::import_shares_response::Event;
    let event = match event {
        ImportEvent::Progress { share: view, already_imported } => {
            Event::Progress(pb::ShareImportProgress { share: Some(share(*view)), already_imported })
        }
        ImportEvent::Summary(summary) => Event::Summary(import_summary(summary)),
    };
    pb::ImportSharesResponse { event: Some(event) }
}

fn import_summary(summary: ImportSummary) -> pb::ImportSummary {
    let n = |n: u32| count(u64::from(n));
    pb::ImportSummary {
        imported: n(summary.imported),
        already_imported: n(summary.already_imported),
        failed: n(summary.failed),
        skipped: n(summary.skipped),
    }
}

pub fn copy_updates(updates: Vec<CopyUpdate>) -> pb::UpdateSharedCopiesResponse {
    let results = updates
        .into_iter()
        .map(|update| {
            let outcome = match update.outcome {
                CopyOutcome::Updated => pb::CopyUpdateOutcome::Updated,
                CopyOutcome::SnapshotUpdated => pb::CopyUpdateOutcome::SnapshotUpdated,
                CopyOutcome::Unchanged => pb::CopyUpdateOutcome::Unchanged,
                CopyOutcome::Failed => pb::CopyUpdateOutcome::Failed,
            };
            pb::SharedCopyUpdate {
                share: Some(share(update.view)),
                outcome: outcome as i32,
                error: update.error.unwrap_or_default(),
            }
        })
        .collect();
    pb::UpdateSharedCopiesResponse { results }
}
