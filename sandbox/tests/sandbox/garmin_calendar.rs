//! Scheduling and the calendar behave as GARMIN.md §4.3 and §0.1 say.

use baton_sandbox::garmin::seed::{ATHLETE, COACH};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::garmin_harness::Garmin;

fn own_workout(g: &Garmin, email: &str) -> i64 {
    g.sandbox.workouts(email)[0]["workoutId"].as_i64().unwrap()
}

#[tokio::test]
async fn scheduling_twice_makes_two_entries() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let id = own_workout(&g, ATHLETE.email);
    let path = format!("/workout-service/schedule/{id}");
    let before = g.sandbox.schedules(ATHLETE.email).len();
    let first: Value =
        g.post_json(&athlete, &path, &json!({"date": "2031-01-05"})).await.json().await.unwrap();
    let second: Value =
        g.post_json(&athlete, &path, &json!({"date": "2031-01-05"})).await.json().await.unwrap();
    assert_ne!(first["workoutScheduleId"], second["workoutScheduleId"]);
    assert!(first["workoutScheduleId"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(first["calendarDate"], "2031-01-05");
    assert_eq!(first["ownerId"], ATHLETE.profile_id);
    assert_eq!(first["workout"]["workoutId"], id);
    assert_eq!(g.sandbox.schedules(ATHLETE.email).len(), before + 2);
}

#[tokio::test]
async fn a_schedule_can_be_read_and_removed_once() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let id = own_workout(&g, ATHLETE.email);
    let created: Value = g
        .post_json(
            &athlete,
            &format!("/workout-service/schedule/{id}"),
            &json!({"date": "2031-02-01"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/workout-service/schedule/{}", created["workoutScheduleId"]);
    let read = g.get_json(&athlete, &path).await;
    assert_eq!(read["calendarDate"], "2031-02-01");
    let of_workout =
        g.get_json(&athlete, &format!("/workout-service/workouts/{id}/scheduled")).await;
    assert!(
        of_workout
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["workoutScheduleId"] == created["workoutScheduleId"])
    );
    assert_eq!(g.delete(&athlete, &path).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(g.get(&athlete, &path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(g.delete(&athlete, &path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        g.get(&athlete, &format!("/workout-service/workout/{id}")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn scheduling_needs_an_own_workout_and_a_plain_date() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let id = own_workout(&g, ATHLETE.email);
    let path = format!("/workout-service/schedule/{id}");
    for date in [json!("27-01-2031"), json!("2031-02-30"), json!(20_270_101), Value::Null] {
        let response = g.post_json(&athlete, &path, &json!({"date": date})).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{date}");
    }
    let date = json!({"date": "2031-01-01"});
    let coach_workout = own_workout(&g, COACH.email);
    let foreign_path = format!("/workout-service/schedule/{coach_workout}");
    let foreign = g.post_json(&athlete, &foreign_path, &date).await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    let missing = g.post_json(&athlete, "/workout-service/schedule/1", &date).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_calendar_month_is_zero_based() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let id = own_workout(&g, ATHLETE.email);
    let path = format!("/workout-service/schedule/{id}");
    for date in ["2031-01-31", "2031-02-01", "2031-02-14"] {
        g.post_json(&athlete, &path, &json!({"date": date})).await;
    }
    let february = g.get_json(&athlete, "/calendar-service/year/2031/month/1").await;
    let items = february["calendarItems"].as_array().unwrap();
    let dates: Vec<&str> = items.iter().map(|item| item["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2031-02-01", "2031-02-14"]);
    let item = &items[0];
    assert_eq!(item["itemType"], "workout");
    assert_eq!(item["workoutId"], id);
    assert_eq!(item["title"], g.sandbox.workouts(ATHLETE.email)[0]["workoutName"]);
    assert!(item["id"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(february["numOfDaysInMonth"], 28);
    let january = g.get_json(&athlete, "/calendar-service/year/2031/month/0").await;
    assert_eq!(january["calendarItems"].as_array().unwrap().len(), 1);
    assert_eq!(
        g.get(&athlete, "/calendar-service/year/2031/month/12").await.status(),
        StatusCode::BAD_REQUEST
    );
    let coach = g.get_json(&g.coach().await, "/calendar-service/year/2031/month/1").await;
    assert!(coach["calendarItems"].as_array().unwrap().is_empty(), "only the caller's entries");
}
