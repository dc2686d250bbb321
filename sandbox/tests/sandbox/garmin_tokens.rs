//! The DI token endpoint and the bearer check behave as GARMIN.md §2.4.2,
//! §2.4.3, §0.1 and §6.1 say.

use std::time::Duration;

use baton_sandbox::garmin::seed::{ATHLETE, COACH};
use baton_sandbox::garmin::{GarminSandboxConfig, Lifetimes};
use reqwest::StatusCode;
use serde_json::Value;

use crate::garmin_harness::{
    CLIENT_ID, Garmin, IOS_SERVICE, OTHER_CLIENT_ID, TICKET_GRANT, basic, jwt_claims, tokens_of,
};

async fn error_of(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    let text = |key: &str| body[key].as_str().unwrap_or_default().to_owned();
    (status, text("error"), text("error_description"))
}

#[tokio::test]
async fn a_ticket_is_exchanged_for_a_jwt_access_token_and_a_refresh_token() {
    let g = Garmin::start();
    let ticket = g.sandbox.issue_widget_ticket(COACH.email).unwrap();
    let response = g.exchange(&ticket, &g.sandbox.embed_service_url(), CLIENT_ID).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let tokens = tokens_of(response.json().await.unwrap());
    assert_eq!(tokens.body["token_type"], "bearer");
    assert_eq!(tokens.body["expires_in"], 86_399);
    assert_eq!(tokens.body["refresh_token_expires_in"], 2_591_999);
    assert!(tokens.body["scope"].as_str().unwrap().contains("CONNECT_WRITE"));
    let (header, claims) = jwt_claims(&tokens.access);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(claims["client_id"], CLIENT_ID);
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 86_399);
    assert_eq!(claims["jti"], tokens.body["jti"]);
    assert_eq!(claims["garmin_guid"], g.sandbox.account(COACH.email).unwrap().garmin_guid);
    let profile = g.get_json(&tokens.access, "/userprofile-service/socialProfile").await;
    assert_eq!(profile["profileId"], COACH.profile_id);
    assert_eq!(profile["fullName"], COACH.full_name);
}

#[tokio::test]
async fn a_ticket_is_single_use() {
    let g = Garmin::start();
    let ticket = g.sandbox.issue_widget_ticket(COACH.email).unwrap();
    let service = g.sandbox.embed_service_url();
    assert_eq!(g.exchange(&ticket, &service, CLIENT_ID).await.status(), StatusCode::OK);
    let (status, error, _) = error_of(g.exchange(&ticket, &service, CLIENT_ID).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));
}

#[tokio::test]
async fn a_failed_exchange_burns_the_ticket_even_for_a_wrong_client_id() {
    let g = Garmin::start();
    let service = g.sandbox.embed_service_url();
    // Looping over client ids with one ticket must not work (GARMIN.md §0.1).
    let ticket = g.sandbox.issue_widget_ticket(COACH.email).unwrap();
    let unknown = g.exchange(&ticket, &service, "SOME_OTHER_APP").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let (status, error, _) = error_of(g.exchange(&ticket, &service, CLIENT_ID).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));
    // A wrong service URL burns it too.
    let ticket = g.sandbox.issue_widget_ticket(COACH.email).unwrap();
    let (status, error, _) = error_of(g.exchange(&ticket, IOS_SERVICE, CLIENT_ID).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));
    assert_eq!(g.exchange(&ticket, &service, CLIENT_ID).await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_ticket_is_bound_to_the_service_it_was_issued_for() {
    let g = Garmin::start();
    let ticket = g.sandbox.issue_ticket(COACH.email, IOS_SERVICE).unwrap();
    let service = g.sandbox.embed_service_url();
    assert_eq!(g.exchange(&ticket, &service, CLIENT_ID).await.status(), StatusCode::BAD_REQUEST);
    let ticket = g.sandbox.issue_ticket(COACH.email, IOS_SERVICE).unwrap();
    assert_eq!(g.exchange(&ticket, IOS_SERVICE, CLIENT_ID).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_ticket_expires_within_its_configured_seconds() {
    let lifetimes = Lifetimes { ticket: Duration::from_secs(5), ..Lifetimes::default() };
    let g = Garmin::start_with(GarminSandboxConfig { lifetimes, ..GarminSandboxConfig::default() });
    let service = g.sandbox.embed_service_url();
    let ticket = g.sandbox.issue_widget_ticket(COACH.email).unwrap();
    g.sandbox.advance_clock(Duration::from_secs(6));
    let (status, error, _) = error_of(g.exchange(&ticket, &service, CLIENT_ID).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));
    let fresh = g.sandbox.issue_widget_ticket(COACH.email).unwrap();
    g.sandbox.advance_clock(Duration::from_secs(4));
    assert_eq!(g.exchange(&fresh, &service, CLIENT_ID).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_client_must_authenticate_with_basic_client_id_and_an_empty_secret() {
    let g = Garmin::start();
    let service = g.sandbox.embed_service_url();
    let with_secret = format!("Basic {}", base64_of(&format!("{CLIENT_ID}:secret")));
    let mismatched = basic(OTHER_CLIENT_ID);
    for authorization in [with_secret, mismatched, String::new(), format!("Bearer {CLIENT_ID}")] {
        let ticket = g.sandbox.issue_widget_ticket(COACH.email).unwrap();
        let form = [
            ("client_id", CLIENT_ID),
            ("service_ticket", ticket.as_str()),
            ("grant_type", TICKET_GRANT),
            ("service_url", service.as_str()),
        ];
        let response = g.token_request(authorization.clone(), &form).await;
        assert!(response.headers().contains_key("www-authenticate"));
        let (status, error, _) = error_of(response).await;
        assert_eq!(
            (status, error.as_str()),
            (StatusCode::UNAUTHORIZED, "invalid_client"),
            "{authorization}"
        );
    }
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test]
async fn grant_types_are_matched_exactly() {
    let g = Garmin::start();
    let service = g.sandbox.embed_service_url();
    let ticket = g.sandbox.issue_widget_ticket(COACH.email).unwrap();
    for grant in [
        "service_ticket",
        "https://connectapi.garmin.com/di-oauth2-service/oauth/grant/service_ticket/",
        "authorization_code",
    ] {
        let form = [
            ("client_id", CLIENT_ID),
            ("service_ticket", &ticket),
            ("grant_type", grant),
            ("service_url", &service),
        ];
        let (status, error, _) = error_of(g.token_request(basic(CLIENT_ID), &form).await).await;
        assert_eq!(
            (status, error.as_str()),
            (StatusCode::BAD_REQUEST, "unsupported_grant_type"),
            "{grant}"
        );
    }
    // Those never named the ticket grant, so the ticket is still good.
    assert_eq!(g.exchange(&ticket, &service, CLIENT_ID).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_the_old_one_stops_working() {
    let g = Garmin::start();
    let first = g.tokens_for(ATHLETE.email).await;
    let response = g.refresh(&first.refresh, CLIENT_ID).await;
    assert_eq!(response.status(), StatusCode::OK);
    let second = tokens_of(response.json().await.unwrap());
    assert_ne!(second.refresh, first.refresh);
    assert_ne!(second.access, first.access);
    assert_eq!(jwt_claims(&second.access).1["client_id"], CLIENT_ID);
    assert!(!g.sandbox.is_refresh_token_live(&first.refresh));
    assert!(g.sandbox.is_refresh_token_live(&second.refresh));

    let (status, error, description) = error_of(g.refresh(&first.refresh, CLIENT_ID).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));
    assert!(description.starts_with("Invalid refresh token: "), "{description}");

    // Several rotations in a row, each with the newest token.
    let mut current = second;
    for _ in 0..3 {
        let response = g.refresh(&current.refresh, CLIENT_ID).await;
        assert_eq!(response.status(), StatusCode::OK);
        current = tokens_of(response.json().await.unwrap());
    }
    assert_eq!(
        g.get(&current.access, "/userprofile-service/socialProfile").await.status(),
        StatusCode::OK
    );
    assert_eq!(g.sandbox.live_tokens(ATHLETE.email).refresh, 1);
}

#[tokio::test]
async fn a_refresh_token_works_only_with_the_client_id_it_was_issued_to() {
    let g = Garmin::start();
    let tokens = g.tokens_for(ATHLETE.email).await;
    let (status, error, _) = error_of(g.refresh(&tokens.refresh, OTHER_CLIENT_ID).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));
    // Refused, not burnt: the right client id still refreshes.
    assert_eq!(g.refresh(&tokens.refresh, CLIENT_ID).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn revoked_or_expired_refresh_tokens_are_invalid_grants() {
    let g = Garmin::start();
    let tokens = g.tokens_for(ATHLETE.email).await;
    g.sandbox.revoke_refresh_tokens();
    let (status, error, _) = error_of(g.refresh(&tokens.refresh, CLIENT_ID).await).await;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "invalid_grant"));

    let tokens = g.tokens_for(ATHLETE.email).await;
    g.sandbox.advance_clock(Duration::from_secs(2_592_000));
    assert_eq!(g.refresh(&tokens.refresh, CLIENT_ID).await.status(), StatusCode::BAD_REQUEST);
}

async fn assert_not_active(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\", error_description=\"Token is not active\""
    );
    assert!(response.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn connectapi_answers_garmins_401_for_missing_unknown_and_expired_tokens() {
    let g = Garmin::start();
    let path = "/workout-service/workouts";
    assert_not_active(g.http.get(g.url(path)).send().await.unwrap()).await;
    assert_not_active(g.get("eyJhbGciOiJSUzI1NiJ9.e30.forged", path).await).await;

    let tokens = g.tokens_for(COACH.email).await;
    assert_eq!(g.get(&tokens.access, path).await.status(), StatusCode::OK);
    g.sandbox.expire_access_tokens();
    assert!(!g.sandbox.is_access_token_live(&tokens.access));
    assert_not_active(g.get(&tokens.access, path).await).await;
    // The refresh token still works, and its access token does.
    let fresh = tokens_of(g.refresh(&tokens.refresh, CLIENT_ID).await.json().await.unwrap());
    assert_eq!(g.get(&fresh.access, path).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn access_tokens_expire_at_their_exp() {
    let lifetimes = Lifetimes { access_token: Duration::from_secs(600), ..Lifetimes::default() };
    let g = Garmin::start_with(GarminSandboxConfig { lifetimes, ..GarminSandboxConfig::default() });
    let tokens = g.tokens_for(COACH.email).await;
    assert_eq!(tokens.body["expires_in"], 600);
    g.sandbox.advance_clock(Duration::from_secs(599));
    assert_eq!(
        g.get(&tokens.access, "/userprofile-service/socialProfile").await.status(),
        StatusCode::OK
    );
    g.sandbox.advance_clock(Duration::from_secs(2));
    assert_not_active(g.get(&tokens.access, "/userprofile-service/socialProfile").await).await;
}

#[tokio::test]
async fn user_settings_report_the_measurement_system() {
    let g = Garmin::start();
    let settings =
        g.get_json(&g.athlete().await, "/userprofile-service/userprofile/user-settings").await;
    assert_eq!(settings["userData"]["measurementSystem"], "metric");
    assert_eq!(settings["id"], ATHLETE.profile_id);
}
