//! Injected faults look like Cloudflare and a failing Garmin (GARMIN.md §6,
//! §10), apply to their route only, and are counted.

use std::time::{Duration, Instant};

use baton_sandbox::garmin::seed::{ATHLETE, COACH};
use baton_sandbox::garmin::{Fault, Route};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::garmin_harness::{Garmin, intervals_request};

#[tokio::test]
async fn a_rate_limit_is_cloudflares_1015_page_with_retry_after() {
    let g = Garmin::start();
    let retry_after = Some(Duration::from_secs(120));
    g.sandbox.inject(Route::MobileLogin, Fault::RateLimited { retry_after });
    let response = g.mobile_login(COACH.email, COACH.password).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["server"], "cloudflare");
    assert_eq!(response.headers()["retry-after"], "120");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = response.text().await.unwrap();
    assert!(page.contains(
        "<title>Access denied | sso.garmin.com used Cloudflare to restrict access</title>"
    ));
    assert!(page.contains("1015"));
    // Once only, and only that route.
    assert_eq!(g.mobile_login(COACH.email, COACH.password).await.status(), StatusCode::OK);
    assert_eq!(g.sandbox.requests(Route::MobileLogin), 2);
}

#[tokio::test]
async fn a_challenge_is_a_403_marked_cf_mitigated() {
    let g = Garmin::start();
    g.sandbox.inject_always(Route::PortalLogin, Fault::Challenge);
    for _ in 0..2 {
        let response = g
            .login(
                "portal",
                "GarminConnect",
                "https://connect.garmin.com/app",
                COACH.email,
                COACH.password,
                None,
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(response.headers()["cf-mitigated"], "challenge");
        assert!(response.text().await.unwrap().contains("/cdn-cgi/challenge-platform/"));
    }
    assert_eq!(g.mobile_login(COACH.email, COACH.password).await.status(), StatusCode::OK);
    g.sandbox.clear_faults();
    let portal = g.login(
        "portal",
        "GarminConnect",
        "https://connect.garmin.com/app",
        COACH.email,
        COACH.password,
        None,
    );
    assert_eq!(portal.await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_rate_limited_token_call_does_not_burn_the_ticket() {
    let g = Garmin::start();
    let ticket = g.sandbox.issue_widget_ticket(COACH.email).unwrap();
    let service = g.sandbox.embed_service_url();
    g.sandbox.inject(Route::Token, Fault::RateLimited { retry_after: None });
    let limited = g.exchange(&ticket, &service, crate::garmin_harness::CLIENT_ID).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().get("retry-after").is_none());
    assert!(limited.text().await.unwrap().contains("diauth.garmin.com"));
    let redeemed = g.exchange(&ticket, &service, crate::garmin_harness::CLIENT_ID).await;
    assert_eq!(redeemed.status(), StatusCode::OK);
}

#[tokio::test]
async fn server_errors_fail_n_times_and_commit_nothing() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    g.sandbox.inject_times(Route::CreateWorkout, Fault::ServerError(503), 2);
    for _ in 0..2 {
        let response =
            g.post_json(&athlete, "/workout-service/workout", &intervals_request()).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    assert_eq!(g.sandbox.workouts(ATHLETE.email).len(), 3);
    let response = g.post_json(&athlete, "/workout-service/workout", &intervals_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(g.sandbox.requests(Route::CreateWorkout), 3);
}

#[tokio::test]
async fn a_dropped_create_is_committed_but_never_answered() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    g.sandbox.inject(Route::CreateWorkout, Fault::DropAfterCommit);
    let lost = g
        .http
        .post(g.url("/workout-service/workout"))
        .bearer_auth(&athlete)
        .json(&intervals_request())
        .send()
        .await;
    assert!(lost.is_err(), "the connection closes without an answer");
    let names: Vec<Value> =
        g.sandbox.workouts(ATHLETE.email).iter().map(|w| w["workoutName"].clone()).collect();
    assert!(names.contains(&json!("6x800m @ 3:50-4:00")), "the create happened: {names:?}");
    // The server goes on serving.
    assert_eq!(g.get(&athlete, "/workout-service/workouts").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_dropped_schedule_is_committed_too() {
    let g = Garmin::start();
    let athlete = g.athlete().await;
    let id = g.sandbox.workouts(ATHLETE.email)[0]["workoutId"].as_i64().unwrap();
    let before = g.sandbox.schedules(ATHLETE.email).len();
    g.sandbox.inject(Route::Schedule, Fault::DropAfterCommit);
    let path = format!("/workout-service/schedule/{id}");
    assert!(
        g.http
            .post(g.url(&path))
            .bearer_auth(&athlete)
            .json(&json!({"date": "2031-03-03"}))
            .send()
            .await
            .is_err()
    );
    assert_eq!(g.sandbox.schedules(ATHLETE.email).len(), before + 1);
}

#[tokio::test]
async fn latency_applies_per_route_and_globally() {
    let g = Garmin::start();
    let coach = g.coach().await;
    g.sandbox.inject(Route::SocialProfile, Fault::Latency(Duration::from_millis(250)));
    let started = Instant::now();
    assert_eq!(g.get(&coach, "/userprofile-service/socialProfile").await.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(250));

    g.sandbox.set_latency(Duration::from_millis(50));
    let started = Instant::now();
    for path in [
        "/workout-service/workouts",
        "/workout-service/workout/types",
        "/userprofile-service/socialProfile",
    ] {
        assert_eq!(g.get(&coach, path).await.status(), StatusCode::OK);
    }
    assert!(started.elapsed() >= Duration::from_millis(150));
    g.sandbox.clear_faults();
}

#[tokio::test]
async fn requests_are_counted_per_route() {
    let g = Garmin::start();
    let coach = g.coach().await;
    for _ in 0..3 {
        g.get(&coach, "/workout-service/workouts").await;
    }
    g.get("not-a-token", "/workout-service/workouts").await;
    assert_eq!(g.sandbox.requests(Route::ListWorkouts), 4);
    assert_eq!(g.sandbox.requests(Route::Token), 1);
    assert_eq!(g.sandbox.requests(Route::GetWorkout), 0);
    assert_eq!(g.sandbox.request_counts().values().sum::<usize>(), 5);
}
