//! One try of an import job: copy the share's snapshot into the athlete's
//! Garmin account, then put it on the calendar. Neither POST is
//! idempotent, so the job notes each write before sending it; a later try
//! that finds such a note, or a copy it cannot account for, looks in
//! Garmin first (the copy by the marker in its description, the calendar
//! entry on its day) and writes only what is not there. Hence at most one
//! workout and one calendar entry per share, whatever was lost.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{SharingService, notices, worker::backoff};
use crate::{
    domain::{Share, ShareFailure, ShareStatus},
    error::{Error, Reason, Result},
    garmin::workout::{GarminWorkout, append_to_description},
    service::GarminWriter,
    store::{
        jobs::{self, Job, Sending},
        shares, users,
    },
};

/// How a try ended.
enum Tried {
    /// The copy is in Garmin (and on the calendar, if asked).
    Imported,
    /// Another worker took the job over; it goes on from what is noted.
    LostLease,
}

/// Why a try did not import.
enum Stopped {
    /// The share cannot be imported as it stands: it fails now.
    Refused(ShareFailure),
    /// Garmin was not called (the account is cooling down, or the link
    /// is gone): not a try.
    Before(Error),
    /// A Garmin call or Baton itself failed.
    During(Error),
}

impl From<Error> for Stopped {
    fn from(error: Error) -> Self {
        Self::During(error)
    }
}

/// What to do after a try that did not import.
enum Next {
    /// Try again at `at`; `counts` when Garmin was called.
    RetryAt { failure: ShareFailure, at: DateTime<Utc>, counts: bool },
    /// Give up: the share fails.
    Fail(ShareFailure),
}

impl SharingService {
    /// Runs one try of `job`, claimed by `owner`.
    pub(super) async fn run_job(&self, job: &Job, owner: Uuid) -> Result<()> {
        let now = self.context.clock.now();
        let share = match shares::find(self.context.db.reader(), job.share_id).await? {
            Some(share) if share.status == ShareStatus::Importing => share,
            // Revoked meanwhile, or ended by an earlier run.
            _ => return self.finish(job, owner, None).await,
        };
        let next = match self.try_import(job, owner, &share).await {
            Ok(Tried::Imported) => {
                let now = self.context.clock.now();
                let txn = self.context.db.begin().await?;
                let imported = shares::record_imported(&txn, share.id, now).await?;
                jobs::finish(&txn, job.id, owner, now).await?;
                let made = match shares::find(&txn, share.id).await? {
                    Some(done) if imported => {
                        let athlete = self.name(&txn, done.athlete_id).await?;
                        let notice = notices::imported(&done, &athlete);
                        Some(self.context.notifications.record(&txn, &[notice], now).await?)
                    }
                    _ => None,
                };
                txn.commit().await?;
                if let Some(made) = made {
                    self.context.notifications.announce(made);
                }
                tracing::info!(share_id = %share.id, "share imported");
                self.announce(&share);
                return Ok(());
            }
            Ok(Tried::LostLease) => return Ok(()),
            Err(stopped) => self.next(stopped, &share, now)?,
        };
        match next {
            Next::Fail(failure) => self.finish(job, owner, Some(&failure)).await,
            Next::RetryAt { mut failure, at, counts: true }
                if share.attempt_count + 1 >= self.settings.max_attempts =>
            {
                if failure.reason == Reason::GarminRateLimited {
                    failure.message = format!(
                        "Garmin is rate-limiting this account: import again after {} UTC",
                        at.format("%Y-%m-%d %H:%M")
                    );
                }
                self.finish(job, owner, Some(&failure)).await
            }
            Next::RetryAt { failure, at, .. } => {
                let now = self.context.clock.now();
                let txn = self.context.db.begin().await?;
                shares::record_failure(&txn, share.id, &failure, false, now).await?;
                jobs::retry_at(&txn, job.id, owner, at, now).await?;
                txn.commit().await?;
                self.announce(&share);
                Ok(())
            }
        }
    }

    /// Ends the job; with a failure, the share fails with it.
    async fn finish(&self, job: &Job, owner: Uuid, failure: Option<&ShareFailure>) -> Result<()> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let mut made = None;
        if let Some(failure) = failure {
            shares::record_failure(&txn, job.share_id, failure, true, now).await?;
            if let Some(share) = shares::find(&txn, job.share_id).await? {
                let athlete = self.name(&txn, share.athlete_id).await?;
                let notices = notices::failed(&share, failure, &athlete);
                made = Some(self.context.notifications.record(&txn, &notices, now).await?);
            }
        }
        jobs::finish(&txn, job.id, owner, now).await?;
        txn.commit().await?;
        if let Some(made) = made {
            self.context.notifications.announce(made);
        }
        if let Some(failure) = failure {
            tracing::info!(share_id = %job.share_id, reason = failure.reason.name(), "share import failed");
            if let Some(share) = shares::find(self.context.db.reader(), job.share_id).await? {
                self.announce(&share);
            }
        }
        Ok(())
    }

    /// The writes of one try, each looked for first when it may have
    /// happened unseen.
    async fn try_import(
        &self,
        job: &Job,
        owner: Uuid,
        share: &Share,
    ) -> std::result::Result<Tried, Stopped> {
        let writer = self.garmin.writer(share.athlete_id).await.map_err(Stopped::Before)?;
        let copy =
            self.copy_of(share, share.workout.snapshot_id).await?.map_err(Stopped::Refused)?;
        let txn = self.context.db.begin().await.map_err(Error::from)?;
        shares::count_attempt(&txn, share.id, self.context.clock.now()).await?;
        txn.commit().await.map_err(Error::from)?;

        let (garmin_id, fresh) = match share.athlete_garmin_workout_id {
            Some(id) => (id, false),
            None => match self.create_copy(job, owner, share, &writer, &copy).await? {
                Some(created) => created,
                None => return Ok(Tried::LostLease),
            },
        };
        if let Some(day) = job.schedule_on
            && share.athlete_schedule_id.is_none()
        {
            // A workout made in this very try cannot be on the calendar yet.
            let found = if fresh { None } else { writer.find_schedule(garmin_id, day).await? };
            let schedule_id = match found {
                Some(id) => id,
                None => {
                    if !self.note_sending(job, owner, Sending::Schedule).await? {
                        return Ok(Tried::LostLease);
                    }
                    writer.schedule(garmin_id, day).await?.map_err(refused_by_garmin)?
                }
            };
            let txn = self.context.db.begin().await.map_err(Error::from)?;
            shares::record_schedule(&txn, share.id, schedule_id, day, self.context.clock.now())
                .await?;
            txn.commit().await.map_err(Error::from)?;
        }
        writer.succeeded().await?;
        Ok(Tried::Imported)
    }

    /// The athlete's copy: found again when an earlier try may have made
    /// it, else created. Returns its id and whether this try made it, or
    /// None when the lease was lost before sending.
    async fn create_copy(
        &self,
        job: &Job,
        owner: Uuid,
        share: &Share,
        writer: &GarminWriter,
        copy: &Value,
    ) -> std::result::Result<Option<(i64, bool)>, Stopped> {
        let marker = marker(share.id);
        let name = copy["workoutName"].as_str().unwrap_or_default();
        // Any earlier try of this share, this job's or an earlier import's,
        // may have made the copy and lost the answer.
        let maybe_made = job.create_sent || share.attempt_count > 0;
        if maybe_made && let Some(found) = writer.find_marked(&marker, name).await? {
            self.record_copy(share.id, found).await?;
            return Ok(Some((found, false)));
        }
        if !self.note_sending(job, owner, Sending::Create).await? {
            return Ok(None);
        }
        let created = writer.create(copy).await?.map_err(refused_by_garmin)?;
        self.record_copy(share.id, created).await?;
        Ok(Some((created, true)))
    }

    /// The JSON to write: the clean copy of snapshot `snapshot_id`, named
    /// for the coach, with the share's note and the marker in its
    /// description; or why it cannot be copied.
    pub(super) async fn copy_of(
        &self,
        share: &Share,
        snapshot_id: Uuid,
    ) -> Result<std::result::Result<Value, ShareFailure>> {
        let db = self.context.db.reader();
        let raw = shares::snapshot_json(db, snapshot_id).await?;
        let workout = match GarminWorkout::parse(raw.as_bytes()) {
            Ok(workout) => workout,
            Err(error) => {
                return Ok(Err(not_copyable(format!("the shared workout does not read: {error}"))));
            }
        };
        let coach = users::find_many(db, &[share.coach_id]).await?;
        let coach_name = coach.first().map(|coach| coach.display_name.as_str()).unwrap_or("");
        let mut copy = match workout.clean_copy(coach_name) {
            Ok(copy) => copy,
            Err(error) => return Ok(Err(not_copyable(error.to_string()))),
        };
        let from = if coach_name.is_empty() { "your coach" } else { coach_name };
        let note = share.note.trim();
        let paragraph = if note.is_empty() {
            format!("Shared by {from} via Baton {}", marker(share.id))
        } else {
            format!("{note}\n— {from}, via Baton {}", marker(share.id))
        };
        append_to_description(&mut copy, &paragraph);
        Ok(Ok(copy))
    }

    async fn record_copy(&self, share_id: Uuid, garmin_id: i64) -> Result<()> {
        let txn = self.context.db.begin().await?;
        shares::record_copy(&txn, share_id, garmin_id, self.context.clock.now()).await?;
        txn.commit().await?;
        Ok(())
    }

    async fn note_sending(&self, job: &Job, owner: Uuid, sending: Sending) -> Result<bool> {
        let txn = self.context.db.begin().await?;
        let ours = jobs::mark_sending(&txn, job, owner, sending, self.context.clock.now()).await?;
        txn.commit().await?;
        Ok(ours)
    }

    /// What a try that stopped means for the share. Trouble that is not
    /// Garmin's (the database) comes back as an error: the job stays
    /// leased and is taken over when the lease runs out.
    fn next(&self, stopped: Stopped, share: &Share, now: DateTime<Utc>) -> Result<Next> {
        let (error, counts) = match stopped {
            Stopped::Refused(failure) => return Ok(Next::Fail(failure)),
            Stopped::Before(error) => (error, false),
            Stopped::During(error) => (error, true),
        };
        let Error::Refused { reason, retry_after } = error else { return Err(error) };
        let mut failure = ShareFailure { reason, message: reason.message().to_owned() };
        if !matches!(reason, Reason::GarminRateLimited | Reason::GarminUnavailable) {
            // Not connected, or Garmin wants a new sign-in: only the
            // athlete can mend it.
            return Ok(Next::Fail(failure));
        }
        let wait = retry_after
            .and_then(|wait| chrono::Duration::from_std(wait).ok())
            .unwrap_or_else(|| backoff(self.settings.first_retry, share.attempt_count + 1));
        let at = now + wait;
        if reason == Reason::GarminRateLimited {
            failure.message =
                format!("{}; Baton tries again then", rate_limited_until("this account", at));
        }
        Ok(Next::RetryAt { failure, at, counts })
    }
}

fn not_copyable(words: String) -> ShareFailure {
    ShareFailure { reason: Reason::WorkoutNotCopyable, message: words }
}

/// Garmin's 400 on a write, in Garmin's words for the athlete.
fn refused_by_garmin(words: String) -> Stopped {
    let message = refusal_in_garmins_words(&words);
    Stopped::Refused(ShareFailure { reason: Reason::GarminRefusedWorkout, message })
}

/// Garmin's rate limit on `whose` account in words, with when it ends.
pub(super) fn rate_limited_until(whose: &str, at: DateTime<Utc>) -> String {
    format!("Garmin is rate-limiting {whose} until {} UTC", at.format("%Y-%m-%d %H:%M"))
}

/// What Garmin said when it refused a workout (400), for a person.
pub(super) fn refusal_in_garmins_words(words: &str) -> String {
    if words.trim().is_empty() {
        Reason::GarminRefusedWorkout.message().to_owned()
    } else {
        format!("{}: {}", Reason::GarminRefusedWorkout.message(), words.trim())
    }
}

/// The text in the copy's description that finds it again.
fn marker(share_id: Uuid) -> String {
    format!("[baton:{share_id}]")
}
