//! connectapi's workout routes behave as GARMIN.md §4.2, §5.4 and §0.1 say.

use std::collections::HashSet;

use baton_sandbox::garmin::seed::{ATHLETE, COACH, COACH_WORKOUTS};
use baton_sandbox::garmin::{ForeignAccess, ListDates, PagingBase, Quirks};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::garmin_harness::{Garmin, intervals_request, numbering};

async fn page(g: &Garmin, token: &str, query: &str) -> Vec<Value> {
    let body = g.get_json(token, &format!("/workout-service/workouts?{query}")).await;
    body.as_array().unwrap().clone()
}

#[tokio::test]
async fn the_list_pages_by_offset_past_100_until_a_short_page() {
    let g = Garmin::start();
    let coach = g.coach().await;
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let query =
            format!("start={start}&limit=50&myWorkoutsOnly=true&orderBy=UPDATE_DATE&orderSeq=DESC");
        let items = page(&g, &coach, &query).await;
        start += items.len();
        let short = items.len() < 50;
        seen.extend(items);
        if short {
            break;
        }
    }
    assert_eq!(seen.len(), COACH_WORKOUTS);
    let ids: HashSet<_> = seen.iter().map(|item| item["workoutId"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), COACH_WORKOUTS, "no item twice, none skipped");
    let updated: Vec<&str> =
        seen.iter().map(|item| item["updatedDate"].as_str().unwrap()).collect();
    assert!(updated.windows(2).all(|pair| pair[0] >= pair[1]), "newest first");
    assert!(page(&g, &coach, "start=130&limit=50").await.is_empty());
}

#[tokio::test]
async fn list_items_are_summaries_without_steps() {
    let g = Garmin::start();
    let coach = g.coach().await;
    let items = page(&g, &coach, "start=0&limit=100").await;
    assert_eq!(items.len(), 100);
    for item in &items {
        assert!(item["workoutSegments"].is_null() && item.get("workoutSegments").is_some());
        assert!(item["updatedDate"].is_string());
        assert_eq!(item["updateDate"], item["updatedDate"]);
        assert!(item["createdDate"].as_str().unwrap().ends_with(".0"));
        assert_eq!(item["ownerId"], COACH.profile_id);
        assert!(item["sportType"]["sportTypeKey"].is_string());
    }
    let id = items[0]["workoutId"].as_i64().unwrap();
    let detail = g.get_json(&coach, &format!("/workout-service/workout/{id}")).await;
    assert!(!detail["workoutSegments"].as_array().unwrap().is_empty());
    assert!(detail.get("updateDate").is_none());
    assert_eq!(detail["workoutName"], items[0]["workoutName"]);
}

#[tokio::test]
async fn list_switches_one_based_start_epoch_dates_and_a_page_cap() {
    let g = Garmin::start();
    let coach = g.coach().await;
    let zero_based = page(&g, &coach, "start=0&limit=3").await;
    g.sandbox.set_quirks(Quirks { paging: PagingBase::OneBased, ..Quirks::default() });
    let one_based = page(&g, &coach, "start=1&limit=3").await;
    assert_eq!(zero_based, one_based);

    g.sandbox.set_quirks(Quirks { list_dates: ListDates::EpochMillis, ..Quirks::default() });
    let item = &page(&g, &coach, "start=0&limit=1").await[0];
    assert!(
        item["updatedDate"].is_i64() && item["updateDate"].is_i64() && item["createdDate"].is_i64()
    );

    g.sandbox.set_quirks(Quirks { max_page_size: Some(25), ..Quirks::default() });
    assert_eq!(page(&g, &coach, "start=0&limit=100").await.len(), 25);
}

#[tokio::test]
async fn list_filters_and_orders() {
    let g = Garmin::start();
    let coach = g.coach().await;
    let swims = page(&g, &coach, "start=0&limit=200&sportTypeKey=swimming").await;
    assert!(
        !swims.is_empty() && swims.iter().all(|w| w["sportType"]["sportTypeKey"] == "swimming")
    );
    let by_name = page(&g, &coach, "start=0&limit=200&orderBy=WORKOUT_NAME&orderSeq=ASC").await;
    let names: Vec<String> =
        by_name.iter().map(|w| w["workoutName"].as_str().unwrap().to_lowercase()).collect();
    assert!(names.windows(2).all(|pair| pair[0] <= pair[1]));
    assert!(page(&g, &coach, "start=0&limit=10&sharedWorkoutsOnly=true").await.is_empty());
    assert_eq!(
        g.get(&coach, "/workout-service/workouts?start=-1").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        g.get(&coach, "/workout-service/workouts?orderBy=COLOUR").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn create_assigns_ids_and_renumbers_steps_as_garmin_does() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let response = g.post_json(&athlete, "/workout-service/workout", &intervals_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let created: Value = response.json().await.unwrap();
    let id = created["workoutId"].as_i64().unwrap();
    assert!(id > 1_400_000_000);
    assert_eq!(created["ownerId"], ATHLETE.profile_id);
    assert_eq!(created["author"]["userProfilePk"], ATHLETE.profile_id);
    assert_eq!(created["author"]["fullName"], ATHLETE.full_name);
    assert_eq!(
        numbering(&created),
        [(1, None), (2, Some(1)), (3, Some(1)), (4, Some(1)), (5, None)]
    );

    let steps = &created["workoutSegments"][0]["workoutSteps"];
    let ids: Vec<i64> = [
        &steps[0],
        &steps[1],
        &steps[1]["workoutSteps"][0],
        &steps[1]["workoutSteps"][1],
        &steps[2],
    ]
    .iter()
    .map(|step| step["stepId"].as_i64().unwrap())
    .collect();
    assert!(ids.windows(2).all(|pair| pair[1] == pair[0] + 1), "consecutive: {ids:?}");
    assert!(ids[0] > 10_000_000_000, "11-digit step ids");
    let interval = &steps[1]["workoutSteps"][0];
    assert_eq!(
        interval["preferredEndConditionUnit"],
        json!({"unitId": 1, "unitKey": "meter", "factor": 100.0})
    );
    assert_eq!(interval["targetValueOne"], 4.1667);
    assert_eq!(
        interval["strokeType"],
        json!({"strokeTypeId": 0, "strokeTypeKey": null, "displayOrder": 0})
    );
    assert_eq!(steps[1]["endConditionValue"].to_string(), "6.0");
    assert_eq!(steps[1]["skipLastRestStep"], true);
    for key in ["createdDate", "updatedDate", "workoutThumbnailUrl", "atpPlanId", "consumer"] {
        assert!(created.get(key).is_some(), "{key} present");
    }
    assert_eq!(created["shared"], false);

    let detail = g.get_json(&athlete, &format!("/workout-service/workout/{id}")).await;
    assert_eq!(detail, created);
    assert_eq!(g.sandbox.workouts(ATHLETE.email).len(), 4);
}

#[tokio::test]
async fn the_minimal_form_of_the_bike_example_gets_keys_and_display_orders() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let bike: Value =
        serde_json::from_str(include_str!("fixtures/bike_minimal_request.json")).unwrap();
    let response = g.post_json(&athlete, "/workout-service/workout", &bike).await;
    assert_eq!(response.status(), StatusCode::OK);
    let created: Value = response.json().await.unwrap();
    let interval = &created["workoutSegments"][0]["workoutSteps"][1]["workoutSteps"][0];
    assert_eq!(interval["stepType"]["displayOrder"], 3);
    assert_eq!(interval["endCondition"]["displayable"], true);
    assert_eq!(interval["secondaryTargetType"]["displayOrder"], 3);
    assert_eq!(created["workoutSegments"][0]["workoutSteps"][1]["endCondition"]["displayOrder"], 7);
    assert_eq!(created["estimatedDurationInSecs"], 3240);
}

#[tokio::test]
async fn bad_bodies_and_unassigned_strength_categories_are_400s() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let strength = |category: Value| {
        json!({"workoutName": "Gym", "sportType": {"sportTypeId": 5},
               "workoutSegments": [{"segmentOrder": 1, "sportType": {"sportTypeId": 5}, "workoutSteps": [
                 {"type": "ExecutableStepDTO", "stepType": {"stepTypeId": 3},
                  "endCondition": {"conditionTypeId": 10}, "endConditionValue": 10,
                  "category": category, "exerciseName": ""}]}]})
    };
    let mut no_steps = intervals_request();
    no_steps["workoutSegments"][0]["workoutSteps"] = json!([]);
    let mut unknown_kind = intervals_request();
    unknown_kind["workoutSegments"][0]["workoutSteps"][0]["type"] = json!("WorkoutStep");
    for body in [
        strength(json!("UNASSIGNED")),
        strength(Value::Null),
        no_steps,
        unknown_kind,
        json!({"workoutName": "x"}),
    ] {
        let response = g.post_json(&athlete, "/workout-service/workout", &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "BadRequestException");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let not_json = g
        .http
        .post(g.url("/workout-service/workout"))
        .bearer_auth(&athlete)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_eq!(g.sandbox.workouts(ATHLETE.email).len(), 3, "nothing was stored");
    let ok = g.post_json(&athlete, "/workout-service/workout", &strength(json!("SQUAT"))).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn put_replaces_in_place_answers_204_and_keeps_the_schedules() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let created: Value = g
        .post_json(&athlete, "/workout-service/workout", &intervals_request())
        .await
        .json()
        .await
        .unwrap();
    let id = created["workoutId"].as_i64().unwrap();
    let scheduled = g
        .post_json(
            &athlete,
            &format!("/workout-service/schedule/{id}"),
            &json!({"date": "2026-12-24"}),
        )
        .await;
    assert_eq!(scheduled.status(), StatusCode::OK);

    let mut edited = created.clone();
    edited["workoutName"] = json!("6x800m, renamed");
    edited["workoutSegments"][0]["workoutSteps"][1]["numberOfIterations"] = json!(8);
    let response = g.put_json(&athlete, &format!("/workout-service/workout/{id}"), &edited).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.text().await.unwrap().is_empty());

    let detail = g.get_json(&athlete, &format!("/workout-service/workout/{id}")).await;
    assert_eq!(detail["workoutId"], id);
    assert_eq!(detail["workoutName"], "6x800m, renamed");
    assert_eq!(detail["workoutSegments"][0]["workoutSteps"][1]["numberOfIterations"], 8);
    assert_eq!(detail["createdDate"], created["createdDate"]);
    let schedules = g.sandbox.schedules(ATHLETE.email);
    assert!(schedules.iter().any(|s| s["workoutId"] == id && s["calendarDate"] == "2026-12-24"));

    let mut wrong_id = edited.clone();
    wrong_id["workoutId"] = json!(id + 1);
    let mismatch = g.put_json(&athlete, &format!("/workout-service/workout/{id}"), &wrong_id).await;
    assert_eq!(mismatch.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn delete_answers_204_then_404_and_takes_the_schedules_along() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let created: Value = g
        .post_json(&athlete, "/workout-service/workout", &intervals_request())
        .await
        .json()
        .await
        .unwrap();
    let id = created["workoutId"].as_i64().unwrap();
    g.post_json(
        &athlete,
        &format!("/workout-service/schedule/{id}"),
        &json!({"date": "2026-12-24"}),
    )
    .await;
    let path = format!("/workout-service/workout/{id}");
    assert_eq!(g.delete(&athlete, &path).await.status(), StatusCode::NO_CONTENT);
    let gone = g.get(&athlete, &path).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        gone.json::<Value>().await.unwrap(),
        json!({"message": "HTTP 404 Not Found", "error": "NotFoundException"})
    );
    assert_eq!(g.delete(&athlete, &path).await.status(), StatusCode::NOT_FOUND);
    assert!(!g.sandbox.schedules(ATHLETE.email).iter().any(|s| s["workoutId"] == id));
}

#[tokio::test]
async fn a_post_with_the_delete_override_deletes() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let created: Value = g
        .post_json(&athlete, "/workout-service/workout", &intervals_request())
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/workout-service/workout/{}", created["workoutId"]);
    let plain = g.http.post(g.url(&path)).bearer_auth(&athlete).send().await.unwrap();
    assert_eq!(plain.status(), StatusCode::METHOD_NOT_ALLOWED);
    let overridden = g
        .http
        .post(g.url(&path))
        .bearer_auth(&athlete)
        .header("X-Http-Method-Override", "DELETE")
        .send()
        .await
        .unwrap();
    assert_eq!(overridden.status(), StatusCode::NO_CONTENT);
    assert_eq!(g.get(&athlete, &path).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_users_workouts_are_404_or_403_by_choice() {
    let g = Garmin::start();
    let (coach, athlete) = (g.coach().await, g.athlete().await);
    let coach_workout = g.sandbox.workouts(COACH.email)[0]["workoutId"].as_i64().unwrap();
    let path = format!("/workout-service/workout/{coach_workout}");
    assert_eq!(g.get(&athlete, &path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(g.delete(&athlete, &path).await.status(), StatusCode::NOT_FOUND);
    g.sandbox.set_quirks(Quirks { foreign: ForeignAccess::Forbidden, ..Quirks::default() });
    let forbidden = g.get(&athlete, &path).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(forbidden.json::<Value>().await.unwrap()["error"], "ForbiddenException");
    assert_eq!(g.get(&coach, &path).await.status(), StatusCode::OK);
    let athletes_list = page(&g, &athlete, "start=0&limit=200").await;
    assert!(athletes_list.iter().all(|w| w["ownerId"] == ATHLETE.profile_id));
}

#[tokio::test]
async fn a_coach_workout_copied_as_garmin_md_says_creates_in_the_athletes_account() {
    let g = Garmin::start();
    let (coach, athlete) = (g.coach().await, g.athlete().await);
    for workout in g.sandbox.workouts(COACH.email).iter().step_by(13) {
        let id = workout["workoutId"].as_i64().unwrap();
        let mut copy = g.get_json(&coach, &format!("/workout-service/workout/{id}")).await;
        for key in ["workoutId", "ownerId", "author", "createdDate", "updatedDate"] {
            copy.as_object_mut().unwrap().remove(key);
        }
        let response = g.post_json(&athlete, "/workout-service/workout", &copy).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", workout["workoutName"]);
        let created: Value = response.json().await.unwrap();
        assert_eq!(created["workoutName"], workout["workoutName"]);
        assert_eq!(numbering(&created), numbering(workout));
    }
}

#[tokio::test]
async fn the_types_catalogue_lists_garmins_ids() {
    let g = Garmin::start();
    let types = g.get_json(&g.coach().await, "/workout-service/workout/types").await;
    let find = |list: &str, id_field: &str, id: i64| -> Value {
        types[list].as_array().unwrap().iter().find(|e| e[id_field] == id).cloned().unwrap()
    };
    assert_eq!(find("workoutSportTypes", "sportTypeId", 4)["sportTypeKey"], "swimming");
    assert_eq!(find("workoutConditionTypes", "conditionTypeId", 3)["conditionTypeKey"], "distance");
    assert_eq!(find("workoutConditionTypes", "conditionTypeId", 7)["displayable"], false);
    assert_eq!(
        find("workoutTargetTypes", "workoutTargetTypeId", 6)["workoutTargetTypeKey"],
        "pace.zone"
    );
    assert_eq!(find("workoutStrokeTypes", "strokeTypeId", 1)["strokeTypeKey"], "any_stroke");
    assert_eq!(
        find("workoutEquipmentTypes", "equipmentTypeId", 4)["equipmentTypeKey"],
        "pull_buoy"
    );
    assert_eq!(find("workoutStepTypes", "stepTypeId", 6)["stepTypeKey"], "repeat");
}
