//! UpdateSharedCopies: after the coach changed a workout in Garmin (and a
//! sync brought the change into the cache), push the new version onto the
//! shares made from it. An imported copy is replaced in place with a PUT
//! (GARMIN.md §0.1), which keeps its Garmin id and so the athlete's
//! calendar entries; a share not imported yet just points at a new
//! snapshot. A PUT of the same body twice is harmless, so a retry after a
//! lost answer needs no marker, unlike an import's POST.

use std::collections::HashSet;

use futures::{StreamExt, TryStreamExt, stream};
use uuid::Uuid;

use super::{
    ShareView, SharingService, Viewer,
    import_job::{rate_limited_until, refusal_in_garmins_words},
    notices,
};
use crate::{
    domain::{AuditEvent, CachedWorkout, ClientInfo, Share, ShareStatus},
    error::{Error, Reason, Result},
    garmin::workout::replacement,
    service::Coach,
    store::{roster, shares, workouts},
};

use ShareStatus::{Dismissed, Failed, Imported, Importing, Pending, Revoked};

/// Athletes' Garmin accounts written to at once (each account still takes
/// one request at a time).
const CONCURRENT_ACCOUNTS: usize = 4;

/// What happened to one share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyOutcome {
    /// The athlete's copy in Garmin now holds the new version.
    Updated,
    /// Not imported yet: the share's snapshot is the new version.
    SnapshotUpdated,
    /// Already the current version.
    Unchanged,
    /// Not updated; the words say why.
    Failed,
}

/// One share after UpdateSharedCopies.
#[derive(Debug, Clone)]
pub struct CopyUpdate {
    pub view: ShareView,
    pub outcome: CopyOutcome,
    /// Plain words for [`CopyOutcome::Failed`].
    pub error: Option<String>,
}

impl SharingService {
    /// Pushes the cached version of `workout_id` onto its shares to
    /// `athlete_ids` (every athlete when empty).
    pub async fn update_copies(
        &self,
        coach: &Coach,
        client: &ClientInfo,
        workout_id: Uuid,
        athlete_ids: &[Uuid],
    ) -> Result<Vec<CopyUpdate>> {
        let db = self.context.db.reader();
        let workout =
            workouts::find(db, coach.id(), workout_id).await?.ok_or(Error::PermissionDenied)?;
        if !athlete_ids.is_empty() {
            let linked: HashSet<Uuid> =
                roster::athletes_of(db, coach.id()).await?.into_iter().map(|(id, _)| id).collect();
            if athlete_ids.iter().any(|id| !linked.contains(id)) {
                return Err(Error::PermissionDenied);
            }
        }
        let found = shares::of_workout(db, coach.id(), workout_id, athlete_ids).await?;
        let outdated = found.iter().any(|share| is_outdated(share, &workout));
        let snapshot_id = if outdated {
            let txn = self.context.db.begin().await?;
            let id = shares::insert_snapshot(&txn, &workout, self.context.clock.now()).await?;
            txn.commit().await?;
            Some(id)
        } else {
            None
        };
        let current = &workout;
        let results: Vec<(Share, CopyOutcome, Option<String>)> = stream::iter(found)
            .map(|share| async move {
                match snapshot_id.filter(|_| is_outdated(&share, current)) {
                    Some(snapshot_id) => self.update_one(share, snapshot_id).await,
                    None => Ok((share, CopyOutcome::Unchanged, None)),
                }
            })
            .buffered(CONCURRENT_ACCOUNTS)
            .try_collect()
            .await?;
        self.record_update(coach, client, &workout, &results).await?;

        let shares: Vec<Share> = results.iter().map(|(share, ..)| share.clone()).collect();
        let views = self.views(shares, Viewer::Coach).await?;
        Ok(views
            .into_iter()
            .zip(results)
            .map(|(view, (_, outcome, error))| CopyUpdate { view, outcome, error })
            .collect())
    }

    /// Moves one share to `snapshot_id`: through Garmin when imported.
    async fn update_one(
        &self,
        share: Share,
        snapshot_id: Uuid,
    ) -> Result<(Share, CopyOutcome, Option<String>)> {
        let (from, outcome): (&[ShareStatus], _) =
            match (share.status, share.athlete_garmin_workout_id) {
                (Pending | Failed | Dismissed, _) => {
                    (&[Pending, Failed, Dismissed], CopyOutcome::SnapshotUpdated)
                }
                (Imported, Some(garmin_id)) => {
                    if let Some(words) = self.replace_copy(&share, snapshot_id, garmin_id).await? {
                        return Ok((share, CopyOutcome::Failed, Some(words)));
                    }
                    (&[Imported], CopyOutcome::Updated)
                }
                (Importing, _) => return Ok((share, CopyOutcome::Failed, Some(busy()))),
                // Imported without a copy on record, or revoked meanwhile.
                (Imported | Revoked, _) => return Ok((share, CopyOutcome::Unchanged, None)),
            };
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        if !shares::replace_snapshot(&txn, share.id, snapshot_id, from, now).await? {
            // An import or a revocation got there first.
            txn.rollback().await?;
            let share = self.reread(share.id).await?;
            return Ok((share, CopyOutcome::Failed, Some(busy())));
        }
        if outcome == CopyOutcome::Updated {
            let coach = self.name(&txn, share.coach_id).await?;
            let notice = notices::updated(&share, &coach);
            let made = self.context.notifications.record(&txn, &[notice], now).await?;
            txn.commit().await?;
            self.context.notifications.announce(made);
        } else {
            txn.commit().await?;
        }
        self.announce(&share);
        Ok((self.reread(share.id).await?, outcome, None))
    }

    /// PUTs the new version over the athlete's copy `garmin_id`; the words
    /// for the coach when it could not.
    async fn replace_copy(
        &self,
        share: &Share,
        snapshot_id: Uuid,
        garmin_id: i64,
    ) -> Result<Option<String>> {
        let copy = match self.copy_of(share, snapshot_id).await? {
            Ok(copy) => copy,
            Err(failure) => return Ok(Some(failure.message)),
        };
        let outcome = async {
            let writer = self.garmin.writer(share.athlete_id).await?;
            let Some(current) = writer.read(garmin_id).await? else {
                return Ok(Some(
                    "the athlete deleted their copy in Garmin Connect: withdraw this share and \
                     share the workout again"
                        .to_owned(),
                ));
            };
            let refused =
                writer.replace(garmin_id, &replacement(&current, &copy, garmin_id)).await?;
            writer.succeeded().await?;
            Ok(refused.err().map(|words| refusal_in_garmins_words(&words)))
        }
        .await;
        match outcome {
            Err(Error::Refused { reason, retry_after }) => {
                Ok(Some(refusal_words(reason, retry_after, self.context.clock.now())))
            }
            other => other,
        }
    }

    async fn record_update(
        &self,
        coach: &Coach,
        client: &ClientInfo,
        workout: &CachedWorkout,
        results: &[(Share, CopyOutcome, Option<String>)],
    ) -> Result<()> {
        let count = |wanted| results.iter().filter(|(_, outcome, _)| *outcome == wanted).count();
        let (updated, snapshots, failed) = (
            count(CopyOutcome::Updated),
            count(CopyOutcome::SnapshotUpdated),
            count(CopyOutcome::Failed),
        );
        if updated + snapshots + failed == 0 {
            return Ok(());
        }
        let now = self.context.clock.now();
        let event = AuditEvent::new("sharing.copies_updated", now)
            .by_self(coach.id())
            .resource("workout", workout.id)
            .summary(format!(
                "pushed the new version of {}: {updated} copy(ies) replaced in Garmin, \
                 {snapshots} pending share(s) updated, {failed} failed",
                workout.name
            ))
            .client(client);
        let txn = self.context.db.begin().await?;
        crate::store::audit::record(&txn, event).await?;
        txn.commit().await?;
        Ok(())
    }
}

fn is_outdated(share: &Share, workout: &CachedWorkout) -> bool {
    super::changed_since(share, workout.garmin_updated_at)
}

fn busy() -> String {
    "an import of this share is running: update again once it has finished".to_owned()
}

/// A Garmin refusal in words for the coach.
fn refusal_words(
    reason: Reason,
    retry_after: Option<std::time::Duration>,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let wait = retry_after.and_then(|wait| chrono::Duration::from_std(wait).ok());
    match (reason, wait) {
        (Reason::GarminRateLimited, Some(wait)) => {
            format!(
                "{}: update again then",
                rate_limited_until("the athlete's account", now + wait)
            )
        }
        (Reason::GarminNotConnected | Reason::GarminNeedsRelogin, _) => {
            format!("the athlete's Garmin link needs them: {}", reason.message())
        }
        _ => reason.message().to_owned(),
    }
}
