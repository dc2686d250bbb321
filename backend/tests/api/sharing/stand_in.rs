//! Reading and changing the Garmin stand-in's accounts: the athletes'
//! copies and calendar entries, the shape of a workout's steps, a coach's
//! own Garmin account, an edit made in Garmin Connect.

use baton_sandbox::garmin::GarminAccount;
use serde_json::Value;

use super::COACH_NAME;
use crate::{
    garmin::{GarminApp, token_file},
    helpers::{TestUser, bearer},
};

/// `email`'s workouts in the stand-in that came from the coach.
pub fn copies(garmin: &GarminApp, email: &str) -> Vec<Value> {
    let suffix = format!(" (from {COACH_NAME})");
    garmin
        .garmin
        .workouts(email)
        .into_iter()
        .filter(|w| w["workoutName"].as_str().is_some_and(|name| name.ends_with(&suffix)))
        .collect()
}

/// The stand-in workout with Garmin id `id` in `email`'s account, if any.
pub fn garmin_workout(garmin: &GarminApp, email: &str, id: &str) -> Option<Value> {
    let id: i64 = id.parse().ok()?;
    let mut found: Vec<Value> = garmin
        .garmin
        .workouts(email)
        .into_iter()
        .filter(|w| w["workoutId"].as_i64() == Some(id))
        .collect();
    assert!(found.len() <= 1, "two workouts with one id");
    found.pop()
}

/// The calendar days `email` has workout `id` on.
pub fn scheduled_days(garmin: &GarminApp, email: &str, id: &str) -> Vec<String> {
    let id: i64 = id.parse().expect("a Garmin id");
    garmin
        .garmin
        .schedules(email)
        .into_iter()
        .filter(|s| s["workoutId"].as_i64() == Some(id))
        .map(|s| s["calendarDate"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Gives `user` a Garmin account of their own at `email` holding
/// `workouts`, linked through a browser ticket and synced.
pub async fn link_own_garmin(garmin: &GarminApp, user: &TestUser, email: &str, workouts: &[Value]) {
    garmin.garmin.add_account(GarminAccount::new(email, "a garmin password", "Own Garmin"));
    for workout in workouts {
        garmin.garmin.add_workout(email, workout).expect("a workout Garmin takes");
    }
    let ticket = garmin.garmin.issue_widget_ticket(email).expect("the account");
    let request = baton_proto::garmin::v1::ConnectWithTicketRequest {
        ticket,
        source: baton_proto::garmin::v1::TicketSource::Browser as i32,
    };
    garmin
        .client()
        .await
        .connect_with_ticket(bearer(request, &user.access_token))
        .await
        .expect("ConnectWithTicket");
    garmin.sync(user, false).await.expect("a sync");
}

/// The shape of a workout's steps, ids left out: what a copy must keep.
pub fn step_shape(workout: &Value) -> Vec<Value> {
    fn walk(steps: &Value, out: &mut Vec<Value>) {
        for step in steps.as_array().into_iter().flatten() {
            out.push(serde_json::json!({
                "type": step["type"],
                "stepType": step["stepType"]["stepTypeId"],
                "endCondition": step["endCondition"]["conditionTypeId"],
                "endConditionValue": step["endConditionValue"],
                "targetType": step["targetType"]["workoutTargetTypeId"],
                "targetValueOne": step["targetValueOne"],
                "targetValueTwo": step["targetValueTwo"],
                "zoneNumber": step["zoneNumber"],
                "iterations": step["numberOfIterations"],
                "category": step["category"],
                "exerciseName": step["exerciseName"],
            }));
            walk(&step["workoutSteps"], out);
        }
    }
    let mut out = Vec::new();
    for segment in workout["workoutSegments"].as_array().into_iter().flatten() {
        out.push(serde_json::json!({"sport": segment["sportType"]["sportTypeId"]}));
        walk(&segment["workoutSteps"], &mut out);
    }
    out
}

/// Every `stepId` in a workout.
pub fn step_ids(workout: &Value) -> Vec<i64> {
    fn walk(steps: &Value, out: &mut Vec<i64>) {
        for step in steps.as_array().into_iter().flatten() {
            out.extend(step["stepId"].as_i64());
            walk(&step["workoutSteps"], out);
        }
    }
    let mut out = Vec::new();
    for segment in workout["workoutSegments"].as_array().into_iter().flatten() {
        walk(&segment["workoutSteps"], &mut out);
    }
    out
}

/// Edits `email`'s workout in Garmin, as Garmin Connect would, with the
/// account's own token.
pub async fn edit_in_garmin(
    garmin: &GarminApp,
    email: &str,
    workout: &Value,
    edit: impl FnOnce(&mut Value),
) {
    let mut edited = workout.clone();
    edit(&mut edited);
    let id = workout["workoutId"].as_i64().unwrap();
    let response = as_account(garmin, email, reqwest::Method::PUT, id).await.json(&edited);
    let status = response.send().await.unwrap().status();
    assert!(status.is_success(), "PUT: {status}");
}

/// Deletes `email`'s workout `id` in Garmin, as Garmin Connect would.
pub async fn delete_in_garmin(garmin: &GarminApp, email: &str, id: i64) {
    let response = as_account(garmin, email, reqwest::Method::DELETE, id).await;
    let status = response.send().await.unwrap().status();
    assert!(status.is_success(), "DELETE: {status}");
}

async fn as_account(
    garmin: &GarminApp,
    email: &str,
    method: reqwest::Method,
    id: i64,
) -> reqwest::RequestBuilder {
    let file: Value = serde_json::from_str(&token_file(&garmin.garmin, email).await).unwrap();
    reqwest::Client::new()
        .request(method, format!("{}/workout-service/workout/{id}", garmin.garmin.base_url()))
        .bearer_auth(file["di_token"].as_str().unwrap())
}
