//! Who is connected (GARMIN.md §4.1, §2.4.5): the social profile clients
//! use as "whoami" and token check, and the user settings they read the
//! measurement system from.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::{ApiError, Caller};
use crate::garmin::account::GarminAccount;
use crate::garmin::state::Sandbox;

/// The social profile's own id differs from the profile id (as captured).
fn social_id(account: &GarminAccount) -> i64 {
    account.profile_id() + 562_043
}

/// `GET /userprofile-service/socialProfile`.
pub(crate) async fn social_profile(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
) -> Result<Json<Value>, ApiError> {
    let state = sandbox.lock();
    let account = state.account(owner).ok_or(ApiError::NotFound)?;
    Ok(Json(json!({
        "id": social_id(account),
        "profileId": account.profile_id(),
        "garminGUID": account.garmin_guid,
        "displayName": account.display_name,
        "fullName": account.full_name,
        "userName": account.display_name,
        "profileImageType": null,
        "profileImageUrlLarge": null,
        "profileImageUrlMedium": null,
        "profileImageUrlSmall": null,
        "location": account.location,
        "bio": null,
        "primaryActivity": null,
        "favoriteActivityTypes": [],
        "profileVisibility": "private",
        "userRoles": ["SCOPE_CONNECT_READ", "SCOPE_CONNECT_WRITE", "ROLE_CONNECTUSER"],
        "nameApproved": true,
        "userProfileFullName": account.full_name,
        "userLevel": 3,
        "userPoint": 118,
        "levelUpdateDate": "2025-12-12T15:20:38.0",
        "userPro": false,
    })))
}

/// `GET /userprofile-service/userprofile/user-settings`.
pub(crate) async fn user_settings(
    State(sandbox): State<Arc<Sandbox>>,
    Caller(owner): Caller,
) -> Result<Json<Value>, ApiError> {
    let state = sandbox.lock();
    let account = state.account(owner).ok_or(ApiError::NotFound)?;
    Ok(Json(json!({
        "id": account.profile_id(),
        "userData": {
            "gender": null,
            "weight": null,
            "height": null,
            "timeFormat": "time_twenty_four_hr",
            "birthDate": null,
            "measurementSystem": account.measurement_system,
            "activityLevel": null,
            "handedness": "RIGHT",
            "powerFormat": {"formatId": 30, "formatKey": "watt", "minFraction": 0, "maxFraction": 0,
                            "groupingUsed": true, "displayFormat": null},
            "heartRateFormat": {"formatId": 21, "formatKey": "bpm", "minFraction": 0,
                                "maxFraction": 0, "groupingUsed": false, "displayFormat": null},
            "firstDayOfWeek": {"dayId": 2, "dayName": "monday", "sortOrder": 2, "isPossibleFirstDay": true},
            "thresholdHeartRateAutoDetected": true,
            "lactateThresholdHeartRate": null,
            "functionalThresholdPower": null,
        },
        "userSleep": {"sleepTime": 79_200, "defaultSleepTime": false, "wakeTime": 21_600,
                      "defaultWakeTime": false},
        "connectDate": null,
        "sourceType": null,
    })))
}
