//! Sharing use cases: a coach shares workouts with athletes (from a
//! snapshot taken then), both sides list and read shares, and an athlete
//! imports them into their Garmin account through durable jobs that a pool
//! of workers runs (see `worker.rs`), at most one copy per share whatever
//! fails (see `import_job.rs`).

mod changes;
mod import;
mod import_job;
mod lists;
mod notices;
mod share;
mod status;
mod update;
mod worker;

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use changes::ShareChanges;
pub use import::{ImportEvent, ImportItem, ImportSummary};
pub use lists::{Inbox, ShareDetail};
pub use share::{AthleteSelection, ShareRequest, SharedOutcome, SkipReason, Skipped};
pub use update::{CopyOutcome, CopyUpdate};
pub use worker::{ImportSettings, ImportWorkers};

pub use crate::domain::Party;

use super::{Context, GarminService};
use crate::{
    domain::Share,
    error::Result,
    store::{users, workouts},
};

/// How a party whose account was deleted is named.
const DELETED_USER: &str = "Deleted user";

/// Sharing and importing; cheap to clone.
#[derive(Clone)]
pub struct SharingService {
    context: Context,
    garmin: GarminService,
    changes: ShareChanges,
    settings: Arc<ImportSettings>,
}

/// A share as a caller sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareView {
    pub share: Share,
    pub coach: Party,
    pub athlete: Party,
    /// The coach's workout changed in Garmin since the snapshot (only ever
    /// true in the coach's view).
    pub snapshot_outdated: bool,
    /// Where the athlete's copy opens in Garmin Connect.
    pub athlete_copy_url: Option<String>,
}

/// Which side is looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Coach,
    Athlete,
}

impl SharingService {
    pub fn new(
        context: Context,
        garmin: GarminService,
        changes: ShareChanges,
        settings: ImportSettings,
    ) -> Self {
        Self { context, garmin, changes, settings: Arc::new(settings) }
    }

    /// Shares as `viewer` sees them: with both parties' names and, for the
    /// coach, whether the workout changed since.
    async fn views(&self, shares: Vec<Share>, viewer: Viewer) -> Result<Vec<ShareView>> {
        let db = self.context.db.reader();
        let mut ids: Vec<Uuid> =
            shares.iter().flat_map(|share| [share.coach_id, share.athlete_id]).collect();
        ids.sort_unstable();
        ids.dedup();
        let parties: HashMap<Uuid, Party> = users::parties(db, &ids)
            .await?
            .into_iter()
            .map(|party| (party.user_id, party))
            .collect();
        let current = if viewer == Viewer::Coach {
            let workout_ids: Vec<Uuid> =
                shares.iter().map(|share| share.workout.workout_id).collect();
            workouts::garmin_updated_at(db, &workout_ids).await?
        } else {
            HashMap::new()
        };
        let web = self.settings.garmin_web_url.trim_end_matches('/');
        Ok(shares
            .into_iter()
            .map(|share| {
                let known = |id: Uuid| {
                    parties.get(&id).cloned().unwrap_or_else(|| Party {
                        user_id: id,
                        display_name: DELETED_USER.to_owned(),
                        avatar_url: None,
                    })
                };
                let snapshot_outdated = current
                    .get(&share.workout.workout_id)
                    .is_some_and(|now| changed_since(&share, *now));
                ShareView {
                    coach: known(share.coach_id),
                    athlete: known(share.athlete_id),
                    snapshot_outdated,
                    athlete_copy_url: share
                        .athlete_garmin_workout_id
                        .map(|id| format!("{web}/modern/workout/{id}")),
                    share,
                }
            })
            .collect())
    }

    async fn view(&self, share: Share, viewer: Viewer) -> Result<ShareView> {
        let mut views = self.views(vec![share], viewer).await?;
        views.pop().ok_or_else(|| crate::error::Error::Internal("a view went missing".into()))
    }
}

/// Whether the coach's workout, last changed in Garmin at `current`,
/// changed after the share's snapshot was taken.
fn changed_since(share: &Share, current: Option<DateTime<Utc>>) -> bool {
    match current {
        Some(now) => share.workout.garmin_updated_at.is_none_or(|then| now > then),
        None => false,
    }
}
