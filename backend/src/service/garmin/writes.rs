//! Writing to a linked Garmin account for imports (GARMIN.md §4.2, §4.3,
//! §8.3): create the copy, put it on the calendar, and find either again
//! after an answer was lost, since neither POST is idempotent. Each write
//! runs alone on its account (see `locks.rs`); every call goes through
//! [`Account::call`] (cool-downs, token refresh, recorded failures).

use serde_json::Value;
use uuid::Uuid;

use super::{
    GarminService,
    session::{Account, CallKind},
    sync::MAX_LISTED,
};
use crate::{
    domain::{CalendarDate, LinkStatus},
    error::{Error, Reason, Result},
    garmin::{GarminError, GarminResult, LIST_PAGE},
    store::garmin_accounts,
};

/// How Garmin answered a write it understood but would not do (400), in
/// Garmin's words, apart from failures worth trying again.
pub type Refusable<T> = std::result::Result<T, String>;

/// A Garmin account to write to.
pub struct GarminWriter {
    account: Account,
}

impl GarminService {
    /// FAILED_PRECONDITION unless the user has a link Garmin still accepts
    /// (a cool-down is fine: work queued for the account waits it out).
    pub async fn require_link(&self, user_id: Uuid) -> Result<()> {
        let stored = garmin_accounts::find(self.context.db.reader(), user_id)
            .await?
            .ok_or(Error::refused(Reason::GarminNotConnected))?;
        if stored.link.status == LinkStatus::NeedsRelogin {
            return Err(Error::refused(Reason::GarminNeedsRelogin));
        }
        Ok(())
    }

    /// The user's link, ready for writes (the same refusals as reads:
    /// not connected, needs a new sign-in, cooling down).
    pub async fn writer(&self, user_id: Uuid) -> Result<GarminWriter> {
        Ok(GarminWriter { account: self.account(user_id).await? })
    }
}

impl GarminWriter {
    /// Creates `workout`; returns Garmin's id of it.
    pub async fn create(&self, workout: &Value) -> Result<Refusable<i64>> {
        let client = self.account.client();
        let created = self
            .account
            .call(CallKind::Write, |token| async move {
                refusable(client.create_workout(&token, workout).await)
            })
            .await?;
        Ok(match created {
            Ok(answer) => Ok(answer["workoutId"].as_i64().ok_or_else(|| {
                Error::Internal("Garmin's created workout has no workoutId".into())
            })?),
            Err(why) => Err(why),
        })
    }

    /// Replaces the workout `garmin_id` in place (its calendar entries stay).
    pub async fn replace(&self, garmin_id: i64, workout: &Value) -> Result<Refusable<()>> {
        let client = self.account.client();
        self.account
            .call(CallKind::Write, |token| async move {
                refusable(client.update_workout(&token, garmin_id, workout).await)
            })
            .await
    }

    /// Deletes the workout `garmin_id`; one already gone counts as deleted.
    pub async fn delete(&self, garmin_id: i64) -> Result<()> {
        let client = self.account.client();
        self.account
            .call(CallKind::Write, |token| async move {
                match client.delete_workout(&token, garmin_id).await {
                    Err(GarminError::NotFound) => Ok(()),
                    other => other,
                }
            })
            .await
    }

    /// Puts `garmin_id` on the calendar on `date`; returns the schedule id.
    pub async fn schedule(&self, garmin_id: i64, date: CalendarDate) -> Result<Refusable<i64>> {
        let client = self.account.client();
        let day = date.to_string();
        let day = day.as_str();
        self.account
            .call(CallKind::Write, |token| async move {
                refusable(client.schedule(&token, garmin_id, day).await)
            })
            .await
    }

    /// The calendar entry of `garmin_id` on `date`, if there is one.
    pub async fn find_schedule(&self, garmin_id: i64, date: CalendarDate) -> Result<Option<i64>> {
        let client = self.account.client();
        let (year, month0) = (date.year(), date.month0());
        let items = self
            .account
            .call(CallKind::Read, |token| async move {
                client.calendar_month(&token, year, month0).await
            })
            .await?;
        let day = date.to_string();
        Ok(items.iter().find_map(|item| {
            let is_ours = item["workoutId"].as_i64() == Some(garmin_id)
                && item["date"].as_str().or_else(|| item["calendarDate"].as_str())
                    == Some(day.as_str());
            let schedule_id = item["id"].as_i64().or_else(|| item["workoutScheduleId"].as_i64());
            if is_ours { schedule_id } else { None }
        }))
    }

    /// Takes the calendar entry `schedule_id` off; one already gone counts
    /// as removed.
    pub async fn unschedule(&self, schedule_id: i64) -> Result<()> {
        let client = self.account.client();
        self.account
            .call(CallKind::Write, |token| async move {
                match client.unschedule(&token, schedule_id).await {
                    Err(GarminError::NotFound) => Ok(()),
                    other => other,
                }
            })
            .await
    }

    /// The account's workout carrying `marker` in its description (an
    /// earlier create whose answer was lost), looking at every page of the
    /// list. Summaries without a description but named `name` are read in
    /// full to check.
    pub async fn find_marked(&self, marker: &str, name: &str) -> Result<Option<i64>> {
        let client = self.account.client();
        let mut start = 0;
        loop {
            let page =
                self.account
                    .call(CallKind::Read, |token| async move {
                        client.workouts_page(&token, start).await
                    })
                    .await?;
            for summary in &page {
                let Some(id) = summary["workoutId"].as_i64() else { continue };
                let marked = match summary["description"].as_str() {
                    Some(description) => description.contains(marker),
                    // Lists may leave descriptions out: read the namesakes.
                    None => {
                        summary["workoutName"].as_str() == Some(name)
                            && self.is_marked(id, marker).await?
                    }
                };
                if marked {
                    return Ok(Some(id));
                }
            }
            if page.len() < LIST_PAGE || start > MAX_LISTED {
                return Ok(None);
            }
            start += page.len();
        }
    }

    async fn is_marked(&self, garmin_id: i64, marker: &str) -> Result<bool> {
        let detail = self.read(garmin_id).await?.unwrap_or(Value::Null);
        Ok(detail["description"].as_str().is_some_and(|text| text.contains(marker)))
    }

    /// The workout `garmin_id` as Garmin has it now; None once it is gone.
    pub async fn read(&self, garmin_id: i64) -> Result<Option<Value>> {
        let detail = self.account.workout(garmin_id).await?;
        // The client checked it is a JSON object.
        Ok(detail.map(|bytes| serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    /// Marks the link healthy after the writes went through.
    pub async fn succeeded(&self) -> Result<()> {
        self.account.succeeded().await
    }
}

/// Garmin's 400 as an answer, not a failure.
fn refusable<T>(result: GarminResult<T>) -> GarminResult<Refusable<T>> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(GarminError::Refused(why)) => Ok(Err(why)),
        Err(other) => Err(other),
    }
}
