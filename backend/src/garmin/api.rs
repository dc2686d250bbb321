//! The data API (GARMIN.md §3, §4): profile, workouts, schedules, with a
//! bearer token. Reads are retried on 5xx and timeouts with a growing wait;
//! writes never are (a create or schedule that got no answer may have
//! happened: the caller resolves that by looking, GARMIN.md §2.8). A 401 is
//! [`GarminError::TokenNotActive`]: the caller refreshes once and retries.

use serde::Deserialize;
use serde_json::Value;

use super::{
    client::GarminClient,
    error::{GarminError, GarminResult},
    http::{Answer, transport},
};

/// Garmin's maximum useful list page.
pub const LIST_PAGE: usize = 100;
/// Attempts of a read before its failure is reported.
const READ_ATTEMPTS: u32 = 3;

/// Who a token belongs to (`/userprofile-service/socialProfile`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Profile {
    /// Equals the `ownerId` of the account's workouts.
    pub profile_id: Option<i64>,
    pub display_name: Option<String>,
    pub full_name: Option<String>,
}

impl GarminClient {
    pub async fn profile(&self, access_token: &str) -> GarminResult<Profile> {
        let answer = self.read(access_token, "/userprofile-service/socialProfile", &[]).await?;
        answer.json("profile")
    }

    /// One page of the account's own workouts (summaries, no steps),
    /// starting at offset `start`.
    pub async fn workouts_page(
        &self,
        access_token: &str,
        start: usize,
    ) -> GarminResult<Vec<Value>> {
        let (start, limit) = (start.to_string(), LIST_PAGE.to_string());
        let query = [
            ("start", start.as_str()),
            ("limit", limit.as_str()),
            ("myWorkoutsOnly", "true"),
            ("sharedWorkoutsOnly", "false"),
            ("orderBy", "UPDATE_DATE"),
            ("orderSeq", "DESC"),
            ("includeAtp", "false"),
        ];
        let answer = self.read(access_token, "/workout-service/workouts", &query).await?;
        answer.json("workout list")
    }

    /// A workout with all its steps, as Garmin's JSON bytes.
    pub async fn workout(&self, access_token: &str, workout_id: i64) -> GarminResult<Vec<u8>> {
        let path = format!("/workout-service/workout/{workout_id}");
        let answer = self.read(access_token, &path, &[]).await?;
        // It must at least be a JSON object to be a workout.
        answer.json::<serde_json::Map<String, Value>>("workout")?;
        Ok(answer.body)
    }

    /// Creates a workout; Garmin's answer is the created workout.
    pub async fn create_workout(&self, access_token: &str, workout: &Value) -> GarminResult<Value> {
        let url = Self::url(&self.config.api_url, "/workout-service/workout")?;
        let request = self.bearer(self.http.post(url), access_token).json(workout);
        self.write(request).await?.json("created workout")
    }

    /// Replaces a workout in place (its calendar entries stay, §0.1).
    pub async fn update_workout(
        &self,
        access_token: &str,
        workout_id: i64,
        workout: &Value,
    ) -> GarminResult<()> {
        let url =
            Self::url(&self.config.api_url, &format!("/workout-service/workout/{workout_id}"))?;
        let request = self.bearer(self.http.put(url), access_token).json(workout);
        self.write(request).await.map(drop)
    }

    /// Deletes a workout; one already gone is [`GarminError::NotFound`].
    pub async fn delete_workout(&self, access_token: &str, workout_id: i64) -> GarminResult<()> {
        let url =
            Self::url(&self.config.api_url, &format!("/workout-service/workout/{workout_id}"))?;
        self.write(self.bearer(self.http.delete(url), access_token)).await.map(drop)
    }

    /// Puts a workout on the calendar on `date` (YYYY-MM-DD); returns the
    /// schedule id. Not idempotent: check the calendar before a retry.
    pub async fn schedule(
        &self,
        access_token: &str,
        workout_id: i64,
        date: &str,
    ) -> GarminResult<i64> {
        let url =
            Self::url(&self.config.api_url, &format!("/workout-service/schedule/{workout_id}"))?;
        let body = serde_json::json!({ "date": date });
        let answer = self.write(self.bearer(self.http.post(url), access_token).json(&body)).await?;
        let created: Value = answer.json("schedule")?;
        created["workoutScheduleId"]
            .as_i64()
            .ok_or_else(|| GarminError::Unavailable("Garmin's schedule answer has no id".into()))
    }

    /// Takes a calendar entry off; one already gone is [`GarminError::NotFound`].
    pub async fn unschedule(&self, access_token: &str, schedule_id: i64) -> GarminResult<()> {
        let url =
            Self::url(&self.config.api_url, &format!("/workout-service/schedule/{schedule_id}"))?;
        self.write(self.bearer(self.http.delete(url), access_token)).await.map(drop)
    }

    /// The workout calendar items of a month (`month0`: January is 0).
    pub async fn calendar_month(
        &self,
        access_token: &str,
        year: i32,
        month0: u32,
    ) -> GarminResult<Vec<Value>> {
        let path = format!("/calendar-service/year/{year}/month/{month0}");
        let answer: Value = self.read(access_token, &path, &[]).await?.json("calendar")?;
        Ok(answer["calendarItems"].as_array().cloned().unwrap_or_default())
    }

    fn bearer(
        &self,
        request: reqwest::RequestBuilder,
        access_token: &str,
    ) -> reqwest::RequestBuilder {
        self.native(request)
            .timeout(self.config.api_timeout)
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/json")
    }

    /// A GET, retried on transient failures with a doubling wait.
    async fn read(
        &self,
        access_token: &str,
        path: &str,
        query: &[(&str, &str)],
    ) -> GarminResult<Answer> {
        let mut url = Self::url(&self.config.api_url, path)?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut wait = self.config.retry_delay;
        let mut attempt = 1;
        loop {
            let request = self.bearer(self.http.get(url.clone()), access_token);
            let outcome = match request.send().await {
                Ok(response) => Answer::read(response).await.and_then(success),
                Err(error) => Err(transport(error)),
            };
            match outcome {
                Err(error) if error.is_transient() && attempt < READ_ATTEMPTS => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// A write, sent once.
    async fn write(&self, request: reqwest::RequestBuilder) -> GarminResult<Answer> {
        let response = request.send().await.map_err(transport)?;
        success(Answer::read(response).await?)
    }
}

fn success(answer: Answer) -> GarminResult<Answer> {
    if answer.status.is_success() { Ok(answer) } else { Err(answer.api_failure()) }
}
