//! Sharing and notifications: a share as the coach and the athlete see it,
//! what sharing did, an import's progress, and the notifications that say
//! something changed.

use baton_proto::{error::v1::ErrorReason, sharing::v1 as pb};

use super::{Millis, Workout, WorkoutSummary, millis};

/// Where a share stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareStatus {
    Pending,
    Importing,
    Imported,
    Failed,
    Dismissed,
    Revoked,
}

impl ShareStatus {
    /// The status in plain words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting",
            Self::Importing => "Importing",
            Self::Imported => "Imported",
            Self::Failed => "Failed",
            Self::Dismissed => "Dismissed",
            Self::Revoked => "Withdrawn",
        }
    }

    /// Whether the athlete may still import it (or try again).
    pub fn importable(self) -> bool {
        matches!(self, Self::Pending | Self::Failed | Self::Dismissed)
    }

    fn from_pb(raw: i32) -> Self {
        match pb::ShareStatus::try_from(raw) {
            Ok(pb::ShareStatus::Importing) => Self::Importing,
            Ok(pb::ShareStatus::Imported) => Self::Imported,
            Ok(pb::ShareStatus::Failed) => Self::Failed,
            Ok(pb::ShareStatus::Dismissed) => Self::Dismissed,
            Ok(pb::ShareStatus::Revoked) => Self::Revoked,
            _ => Self::Pending,
        }
    }
}

/// The other side of a share.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShareParty {
    pub user_id: String,
    pub display_name: String,
}

impl From<Option<pb::ShareParty>> for ShareParty {
    fn from(party: Option<pb::ShareParty>) -> Self {
        party.map(|p| Self { user_id: p.user_id, display_name: p.display_name }).unwrap_or_default()
    }
}

/// One workout offered to one athlete.
#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    pub id: String,
    pub coach: ShareParty,
    pub athlete: ShareParty,
    /// The workout as it was shared.
    pub workout: Option<WorkoutSummary>,
    pub note: String,
    /// The coach's day, `YYYY-MM-DD`; empty for none.
    pub scheduled_date: String,
    pub status: ShareStatus,
    /// The day it is on in the athlete's Garmin calendar; empty for none.
    pub athlete_scheduled_date: String,
    /// Why the last import failed, for a person; empty otherwise.
    pub last_error: String,
    /// The last failure asks the athlete to connect Garmin again.
    pub needs_garmin_sign_in: bool,
    /// The athlete's copy in Garmin Connect, once imported.
    pub garmin_url: String,
    pub created: Millis,
    pub imported: Millis,
    /// Coach's view: the workout changed since it was shared.
    pub snapshot_outdated: bool,
}

impl Share {
    /// The workout's name, or a stand-in when the server sent none.
    pub fn workout_name(&self) -> String {
        self.workout.as_ref().map_or_else(|| "Workout".to_owned(), |w| w.name.clone())
    }
}

impl From<pb::Share> for Share {
    fn from(s: pb::Share) -> Self {
        let needs_garmin_sign_in = matches!(
            ErrorReason::try_from(s.last_error_reason),
            Ok(ErrorReason::GarminNeedsRelogin | ErrorReason::GarminNotConnected)
        );
        Self {
            id: s.id,
            coach: s.coach.into(),
            athlete: s.athlete.into(),
            workout: s.workout.map(WorkoutSummary::from),
            note: s.note,
            scheduled_date: s.scheduled_date,
            status: ShareStatus::from_pb(s.status),
            athlete_scheduled_date: s.athlete_scheduled_date,
            last_error: s.last_error,
            needs_garmin_sign_in,
            garmin_url: s.athlete_garmin_workout_url,
            created: millis(s.create_time),
            imported: millis(s.import_time),
            snapshot_outdated: s.snapshot_outdated,
        }
    }
}

/// Who a coach shares with.
#[derive(Clone, Debug, PartialEq)]
pub enum Recipients {
    AllMyAthletes,
    These(Vec<String>),
}

/// What the coach asks to share.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareRequest {
    pub workout_ids: Vec<String>,
    pub recipients: Recipients,
    pub note: String,
    /// `YYYY-MM-DD`; empty for no day.
    pub date: String,
}

impl ShareRequest {
    pub(in crate::api) fn to_pb(&self, idempotency_key: String) -> pb::ShareWorkoutsRequest {
        let (athlete_ids, all_my_athletes) = match &self.recipients {
            Recipients::AllMyAthletes => (Vec::new(), true),
            Recipients::These(ids) => (ids.clone(), false),
        };
        pb::ShareWorkoutsRequest {
            workout_ids: self.workout_ids.clone(),
            athlete_ids,
            note: self.note.trim().to_owned(),
            scheduled_date: self.date.clone(),
            idempotency_key,
            all_my_athletes,
        }
    }
}

/// Why a (workout, athlete) pair was not shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    AlreadyShared,
    AthleteInactive,
    Other,
}

impl SkipReason {
    pub fn label(self) -> &'static str {
        match self {
            Self::AlreadyShared => "already shared with this athlete",
            Self::AthleteInactive => "this athlete's account is deactivated",
            Self::Other => "not shared",
        }
    }
}

/// A pair that was not shared.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub workout_id: String,
    pub athlete_id: String,
    pub reason: SkipReason,
}

/// What sharing did.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareOutcome {
    pub shares: Vec<Share>,
    pub skipped: Vec<Skipped>,
}

impl From<pb::ShareWorkoutsResponse> for ShareOutcome {
    fn from(r: pb::ShareWorkoutsResponse) -> Self {
        let skipped = r
            .skipped
            .into_iter()
            .map(|s| Skipped {
                workout_id: s.workout_id,
                athlete_id: s.athlete_id,
                reason: match pb::SkipReason::try_from(s.reason) {
                    Ok(pb::SkipReason::AlreadyShared) => SkipReason::AlreadyShared,
                    Ok(pb::SkipReason::AthleteInactive) => SkipReason::AthleteInactive,
                    _ => SkipReason::Other,
                },
            })
            .collect();
        Self { shares: r.shares.into_iter().map(Share::from).collect(), skipped }
    }
}

/// What pushing a changed workout onto its shares did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CopiesUpdated {
    /// Imported copies replaced in the athletes' Garmin accounts.
    pub replaced: usize,
    /// Shares not imported yet that now hold the new version.
    pub refreshed: usize,
    /// Who could not be updated, and why.
    pub failed: Vec<(String, String)>,
}

impl CopiesUpdated {
    /// The result in a sentence or two.
    pub fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if self.replaced > 0 {
            parts.push(format!(
                "{} in Garmin Connect",
                plural(self.replaced, "copy replaced", "copies replaced")
            ));
        }
        if self.refreshed > 0 {
            parts.push(format!(
                "{} the new version",
                plural(self.refreshed, "waiting share now has", "waiting shares now have")
            ));
        }
        let mut text = if parts.is_empty() {
            "Every share already had this version.".to_owned()
        } else {
            format!("Updated: {}.", parts.join("; "))
        };
        for (athlete, why) in &self.failed {
            text.push_str(&format!(" Not updated for {athlete}: {why}."));
        }
        text
    }
}

impl From<pb::UpdateSharedCopiesResponse> for CopiesUpdated {
    fn from(r: pb::UpdateSharedCopiesResponse) -> Self {
        let mut updated = Self::default();
        for result in r.results {
            match result.outcome() {
                pb::CopyUpdateOutcome::Updated => updated.replaced += 1,
                pb::CopyUpdateOutcome::SnapshotUpdated => updated.refreshed += 1,
                pb::CopyUpdateOutcome::Failed => {
                    let athlete = result
                        .share
                        .and_then(|share| share.athlete)
                        .map_or_else(|| "an athlete".to_owned(), |a| a.display_name);
                    updated.failed.push((athlete, result.error));
                }
                pb::CopyUpdateOutcome::Unchanged | pb::CopyUpdateOutcome::Unspecified => {}
            }
        }
        updated
    }
}

/// The coach's filters on the status page; empty for all.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutgoingFilter {
    pub athlete_id: String,
    pub workout_id: String,
}

/// The athlete's inbox.
#[derive(Clone, Debug, PartialEq)]
pub struct Inbox {
    pub shares: Vec<Share>,
    /// Waiting or failed shares.
    pub actionable: i32,
}

/// A share with its workout's steps.
#[derive(Clone, Debug, PartialEq)]
pub struct SharePreview {
    pub share: Share,
    pub workout: Workout,
}

/// One share to import, on its coach's day or another.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportItem {
    pub share_id: String,
    /// `None` keeps the coach's day; `Some("")` imports without a day.
    pub date: Option<String>,
}

/// How an import ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub imported: i32,
    pub already_imported: i32,
    pub failed: i32,
    pub skipped: i32,
}

impl From<pb::ImportSummary> for ImportSummary {
    fn from(s: pb::ImportSummary) -> Self {
        Self {
            imported: s.imported,
            already_imported: s.already_imported,
            failed: s.failed,
            skipped: s.skipped,
        }
    }
}

/// One event of an import: a share as it stands now, or the summary.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportEvent {
    Progress(Box<Share>),
    Summary(ImportSummary),
}

impl ImportEvent {
    pub(in crate::api) fn from_pb(reply: pb::ImportSharesResponse) -> Option<Self> {
        use pb::import_shares_response::Event;
        match reply.event? {
            Event::Progress(progress) => progress.share.map(|s| Self::Progress(Box::new(s.into()))),
            Event::Summary(summary) => Some(Self::Summary(summary.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_asking_for_a_new_garmin_sign_in_is_told_by_its_reason() {
        let share = pb::Share {
            status: pb::ShareStatus::Failed as i32,
            last_error: "Connect your Garmin account again".into(),
            last_error_reason: ErrorReason::GarminNeedsRelogin as i32,
            ..pb::Share::default()
        };
        let share = Share::from(share);
        assert_eq!(share.status, ShareStatus::Failed);
        assert!(share.needs_garmin_sign_in);
        let refused = pb::Share {
            last_error_reason: ErrorReason::GarminRefusedWorkout as i32,
            ..pb::Share::default()
        };
        assert!(!Share::from(refused).needs_garmin_sign_in);
    }

    #[test]
    fn copy_updates_are_counted_and_failures_named_with_their_athlete() {
        let result =
            |outcome: pb::CopyUpdateOutcome, athlete: &str, error: &str| pb::SharedCopyUpdate {
                share: Some(pb::Share {
                    athlete: Some(pb::ShareParty {
                        display_name: athlete.into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                outcome: outcome as i32,
                error: error.into(),
            };
        let response = pb::UpdateSharedCopiesResponse {
            results: vec![
                result(pb::CopyUpdateOutcome::Updated, "Ada", ""),
                result(pb::CopyUpdateOutcome::Updated, "Bo", ""),
                result(pb::CopyUpdateOutcome::SnapshotUpdated, "Mia", ""),
                result(pb::CopyUpdateOutcome::Unchanged, "Cy", ""),
                result(pb::CopyUpdateOutcome::Failed, "Dee", "the athlete deleted their copy"),
            ],
        };
        let updated = CopiesUpdated::from(response);
        assert_eq!((updated.replaced, updated.refreshed), (2, 1));
        assert_eq!(
            updated.summary(),
            "Updated: 2 copies replaced in Garmin Connect; 1 waiting share now has the new \
             version. Not updated for Dee: the athlete deleted their copy."
        );
        assert_eq!(CopiesUpdated::default().summary(), "Every share already had this version.");
    }

    #[test]
    fn sharing_with_all_athletes_sends_no_ids() {
        let request = ShareRequest {
            workout_ids: vec!["w1".into()],
            recipients: Recipients::AllMyAthletes,
            note: "  easy  ".into(),
            date: String::new(),
        };
        let pb = request.to_pb("key".into());
        assert!(pb.all_my_athletes && pb.athlete_ids.is_empty());
        assert_eq!(pb.note, "easy");
    }
}
