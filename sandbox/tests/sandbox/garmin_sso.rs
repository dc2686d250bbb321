//! The SSO's JSON sign-in behaves as GARMIN.md §2.3, §2.4.1 and §0.1 say.

use std::time::Duration;

use baton_sandbox::GarminAccount;
use baton_sandbox::garmin::seed::{ATHLETE, COACH, MFA_ATHLETE};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::garmin_harness::{
    CLIENT_ID, Garmin, IOS_SERVICE, PORTAL_SERVICE, session_cookie, set_cookies,
};

fn kind(body: &Value) -> &str {
    body["responseStatus"]["type"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_sign_in_page_sets_the_session_and_edge_cookies() {
    let g = Garmin::start();
    let response = g
        .http
        .get(g.url("/mobile/sso/en/sign-in"))
        .query(&[("clientId", "GCM_ANDROID_DARK")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(&response);
    for name in ["SESSION", "__VCAP_ID__", "__cf_bm", "__cflb", "_cfuvid"] {
        assert!(cookies.contains_key(name), "{name}");
    }
    assert!(response.text().await.unwrap().contains("<title>Garmin SSO Portal</title>"));
}

#[tokio::test]
async fn a_mobile_login_answers_successful_with_a_ticket_for_its_service() {
    let g = Garmin::start();
    let response = g.mobile_login(COACH.email, COACH.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(&response);
    for name in ["SESSION", "CASTGC", "GARMIN-SSO", "GARMIN-SSO-CUST-GUID", "GMN_TRACKABLE"] {
        assert!(cookies.contains_key(name), "{name}");
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!(kind(&body), "SUCCESSFUL");
    assert_eq!(body["responseStatus"]["httpStatus"], "OK");
    assert_eq!(body["serviceURL"], IOS_SERVICE);
    assert_eq!(body["authType"], "CAS");
    assert!(body["customerMfaInfo"].is_null());
    let ticket = body["serviceTicketId"].as_str().unwrap();
    assert!(ticket.starts_with("ST-") && ticket.ends_with("-sso"), "{ticket}");
    assert_eq!(g.exchange(ticket, IOS_SERVICE, CLIENT_ID).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_email_is_matched_without_regard_to_case_and_the_password_exactly() {
    let g = Garmin::start();
    let upper = g.mobile_login(&ATHLETE.email.to_uppercase(), ATHLETE.password).await;
    assert_eq!(upper.status(), StatusCode::OK);
    let wrong = g.mobile_login(ATHLETE.email, &ATHLETE.password.to_uppercase()).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(kind(&body), "INVALID_USERNAME_PASSWORD");
    assert_eq!(body["responseStatus"]["message"], "generalLoginInvalidUsernameOrPassword");
    assert_eq!(body["responseStatus"]["httpStatus"], "UNAUTHORIZED");
    assert!(body["serviceTicketId"].is_null());
    let unknown = g.mobile_login("nobody@example.com", "x").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn client_ids_must_log_in_to_their_own_service() {
    let g = Garmin::start();
    let cases = [
        ("mobile", "GCM_ANDROID_DARK", IOS_SERVICE),
        ("mobile", "GarminConnect", PORTAL_SERVICE),
        ("portal", "GCM_IOS_DARK", IOS_SERVICE),
        ("mobile", "GCM_IOS_DARK", "https://evil.example/gcm/ios"),
    ];
    for (flavour, client_id, service) in cases {
        let response =
            g.login(flavour, client_id, service, COACH.email, COACH.password, None).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{flavour} {client_id} {service}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["status-code"], "400");
    }
    let android = "https://mobile.integration.garmin.com/gcm/android";
    let ok =
        g.login("mobile", "GCM_ANDROID_DARK", android, COACH.email, COACH.password, None).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let portal =
        g.login("portal", "GarminConnect", PORTAL_SERVICE, COACH.email, COACH.password, None);
    assert_eq!(portal.await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_login_body_without_every_field_or_not_json_is_refused() {
    let g = Garmin::start();
    let url = g.url("/mobile/api/login");
    let query = [("clientId", "GCM_IOS_DARK"), ("locale", "en-US"), ("service", IOS_SERVICE)];
    let partial = json!({"username": COACH.email, "password": COACH.password});
    let response = g.http.post(&url).query(&query).json(&partial).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let form = [("username", COACH.email), ("password", COACH.password)];
    let response = g.http.post(&url).query(&query).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let no_query = g.http.post(&url).json(&json!({})).send().await.unwrap();
    assert_eq!(no_query.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_captcha_account_is_asked_for_a_captcha_whatever_the_password() {
    let g = Garmin::start();
    g.sandbox.add_account(
        GarminAccount::new("bot@example.com", "test-pw", "Bot Checked").with_captcha(),
    );
    for password in ["test-pw", "wrong"] {
        let response = g.mobile_login("bot@example.com", password).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(kind(&body), "CAPTCHA_REQUIRED");
        assert!(body["serviceTicketId"].is_null());
    }
}

#[tokio::test]
async fn mfa_with_a_wrong_code_first_then_the_right_one_yields_a_ticket() {
    let g = Garmin::start();
    let login = g.mobile_login(MFA_ATHLETE.email, MFA_ATHLETE.password).await;
    assert_eq!(login.status(), StatusCode::OK);
    let cookie = session_cookie(&login);
    let body: Value = login.json().await.unwrap();
    assert_eq!(kind(&body), "MFA_REQUIRED");
    assert_eq!(body["customerMfaInfo"]["mfaLastMethodUsed"], "email");
    assert_eq!(body["customerMfaInfo"]["email"], "mi*****@example.com");
    assert!(body["serviceTicketId"].is_null());
    assert_eq!(g.sandbox.pending_mfa_logins(), 1);

    let wrong = g.verify_code(Some(&cookie), "000000").await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let wrong: Value = wrong.json().await.unwrap();
    assert_ne!(kind(&wrong), "SUCCESSFUL");
    assert!(wrong["serviceTicketId"].is_null());
    assert_eq!(g.sandbox.pending_mfa_logins(), 1, "a wrong code leaves the login pending");

    let right = g.verify_code(Some(&cookie), MFA_ATHLETE.mfa_code.unwrap()).await;
    assert_eq!(right.status(), StatusCode::OK);
    assert!(set_cookies(&right).contains_key("CASTGC"));
    let right: Value = right.json().await.unwrap();
    assert_eq!(kind(&right), "SUCCESSFUL");
    assert_eq!(right["serviceURL"], IOS_SERVICE);
    let ticket = right["serviceTicketId"].as_str().unwrap();
    assert_eq!(g.exchange(ticket, IOS_SERVICE, CLIENT_ID).await.status(), StatusCode::OK);

    let again = g.verify_code(Some(&cookie), MFA_ATHLETE.mfa_code.unwrap()).await;
    assert_eq!(
        again.status(),
        StatusCode::UNAUTHORIZED,
        "a finished login is not pending any more"
    );
}

#[tokio::test]
async fn the_verify_needs_the_logins_session_cookie() {
    let g = Garmin::start();
    let login = g.mobile_login(MFA_ATHLETE.email, MFA_ATHLETE.password).await;
    let cookie = session_cookie(&login);
    let code = MFA_ATHLETE.mfa_code.unwrap();
    for other in [None, Some("SESSION=forged")] {
        let response = g.verify_code(other, code).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(kind(&body), "SESSION_EXPIRED");
    }
    let other_login = g.mobile_login(COACH.email, COACH.password).await;
    let foreign = g.verify_code(Some(&session_cookie(&other_login)), code).await;
    assert_eq!(
        foreign.status(),
        StatusCode::UNAUTHORIZED,
        "another login's session has no MFA pending"
    );
    assert_eq!(g.verify_code(Some(&cookie), code).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_session_from_the_sign_in_page_is_kept_by_the_login() {
    let g = Garmin::start();
    let page = g.http.get(g.url("/mobile/sso/en/sign-in")).send().await.unwrap();
    let cookie = session_cookie(&page);
    let login = g
        .login(
            "mobile",
            "GCM_IOS_DARK",
            IOS_SERVICE,
            MFA_ATHLETE.email,
            MFA_ATHLETE.password,
            Some(&cookie),
        )
        .await;
    assert!(!set_cookies(&login).contains_key("SESSION"), "the known session is reused");
    let right = g.verify_code(Some(&cookie), MFA_ATHLETE.mfa_code.unwrap()).await;
    assert_eq!(right.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_pending_mfa_login_expires() {
    let g = Garmin::start();
    let login = g.mobile_login(MFA_ATHLETE.email, MFA_ATHLETE.password).await;
    let cookie = session_cookie(&login);
    g.sandbox.advance_clock(Duration::from_secs(601));
    assert_eq!(g.sandbox.pending_mfa_logins(), 0);
    let late = g.verify_code(Some(&cookie), MFA_ATHLETE.mfa_code.unwrap()).await;
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_portal_login_answers_427_for_an_mfa_account_and_the_mobile_one_asks_for_the_code() {
    let g = Garmin::start();
    let portal = g
        .login(
            "portal",
            "GarminConnect",
            PORTAL_SERVICE,
            MFA_ATHLETE.email,
            MFA_ATHLETE.password,
            None,
        )
        .await;
    let body: Value = portal.json().await.unwrap();
    assert_eq!(body["error"]["status-code"], "427");
    assert!(body.get("serviceTicketId").is_none());
    let mobile: Value =
        g.mobile_login(MFA_ATHLETE.email, MFA_ATHLETE.password).await.json().await.unwrap();
    assert_eq!(kind(&mobile), "MFA_REQUIRED");
}

#[tokio::test]
async fn the_other_paths_verify_may_finish_a_mobile_login_with_the_logins_service() {
    let g = Garmin::start();
    let login = g.mobile_login(MFA_ATHLETE.email, MFA_ATHLETE.password).await;
    let cookie = session_cookie(&login);
    let response = g
        .http
        .post(g.url("/portal/api/mfa/verifyCode"))
        .query(&[("clientId", "GarminConnect"), ("locale", "en-US"), ("service", PORTAL_SERVICE)])
        .header("Cookie", &cookie)
        .json(&json!({"mfaMethod": "email", "mfaVerificationCode": MFA_ATHLETE.mfa_code.unwrap(),
                      "rememberMyBrowser": true, "reconsentList": [], "mfaSetup": false}))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["serviceURL"], IOS_SERVICE);
}

#[tokio::test]
async fn the_portal_embed_answers_200_with_an_empty_body() {
    let g = Garmin::start();
    let response = g.http.get(g.url("/portal/sso/embed")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().is_empty());
}
