//! Bringing a few cached workouts up to date before they are used: a
//! share snapshots what the coach has in Garmin now, not what the last
//! sync saw. Each named workout is fetched again (the account's read slots
//! at a time) and re-cached when Garmin's JSON changed. Unlike a sync,
//! nothing is removed: a workout Garmin no longer has keeps its cached
//! copy, which is all there is to share.

use futures::{StreamExt, stream};
use uuid::Uuid;

use super::{GarminService, library::cached, locks::READ_SLOTS};
use crate::{domain::CachedWorkout, error::Result, store::workouts};

impl GarminService {
    /// Refetches `owner_id`'s cached workouts `ids` (ids that are not the
    /// owner's are skipped) and caches each whose JSON Garmin changed;
    /// returns how many changed. Fails with Garmin's refusal (not
    /// connected, new sign-in needed, rate limited, down) when it could not
    /// ask, leaving the cache as it was.
    pub async fn refresh_cached(&self, owner_id: Uuid, ids: &[Uuid]) -> Result<usize> {
        let known = workouts::find_many(self.context.db.reader(), owner_id, ids).await?;
        if known.is_empty() {
            return Ok(0);
        }
        let account = &self.account(owner_id).await?;
        // Every answer is in before the first write, so no fetch (nor the
        // token refresh it may run) waits behind a transaction held here.
        let fetched: Vec<(CachedWorkout, Result<Option<Vec<u8>>>)> = stream::iter(known)
            .map(|workout| async move {
                let detail = account.workout(workout.garmin_workout_id).await;
                (workout, detail)
            })
            .buffer_unordered(READ_SLOTS as usize)
            .collect()
            .await;
        let mut changed = 0;
        for (before, detail) in fetched {
            let Some(raw) = detail? else { continue };
            let now = self.context.clock.now();
            let Ok((workout, _)) = cached(owner_id, before.id, &raw, now) else {
                // The next sync reports what does not read.
                continue;
            };
            if workout.raw_json != before.raw_json {
                let txn = self.context.db.begin().await?;
                workouts::upsert(&txn, &workout).await?;
                txn.commit().await?;
                changed += 1;
            }
        }
        account.succeeded().await?;
        Ok(changed)
    }
}
