//! The sign-in widget (GARMIN.md §0.1 "Sign in in the user's browser", the
//! legacy HTML flow of §2.2): it can be framed, it signs in (MFA included)
//! and hands the ticket only to the `source` origin.

use baton_sandbox::garmin::seed::{COACH, MFA_ATHLETE};
use reqwest::StatusCode;
use serde_json::Value;

use crate::garmin_harness::{CLIENT_ID, Garmin};

const APP: &str = "http://127.0.0.1:8080";

fn csrf_of(page: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

fn action_of(page: &str, form: &str) -> String {
    let marker = format!("id=\"{form}\" method=\"post\" action=\"");
    let start = page.find(&marker).unwrap() + marker.len();
    page[start..].split('"').next().unwrap().replace("&amp;", "&")
}

/// The JSON object the success page posts.
fn posted_message(page: &str) -> Value {
    let start = page.find("var message = ").unwrap() + "var message = ".len();
    let end = start + page[start..].find(";\n").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

fn target_origin(page: &str) -> String {
    let start = page.find("var targetOrigin = ").unwrap() + "var targetOrigin = ".len();
    let end = start + page[start..].find(";\n").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

impl Garmin {
    async fn widget_page(&self, url: &str) -> String {
        let response = self.http.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }

    async fn submit(&self, action: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http.post(self.url(action)).form(form).send().await.unwrap()
    }
}

#[tokio::test]
async fn the_widget_page_can_be_framed_and_has_stable_ids() {
    let g = Garmin::start();
    let response = g.http.get(g.sandbox.widget_url(APP)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("x-frame-options").is_none());
    assert!(response.headers().get("content-security-policy").is_none());
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no cookies: framed pages may not get them"
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("<title>GARMIN Authentication Application</title>"));
    for id in ["username", "password", "login-btn"] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(!page.contains("id=\"error\""));
    assert!(!page.contains("src=\"http") && !page.contains("href=\"http"), "no external resources");
}

#[tokio::test]
async fn signing_in_posts_the_ticket_to_exactly_the_source_origin() {
    let g = Garmin::start();
    let page = g.widget_page(&g.sandbox.widget_url(&format!("{APP}/settings/garmin?x=1"))).await;
    let action = action_of(&page, "login-form");
    let csrf = csrf_of(&page);
    let response = g
        .submit(
            &action,
            &[
                ("username", COACH.email),
                ("password", COACH.password),
                ("embed", "true"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("<title>Success</title>"));
    assert!(page.contains("window.parent.postMessage(message, targetOrigin)"));
    assert!(page.contains("window.opener.postMessage(message, targetOrigin)"));
    assert_eq!(target_origin(&page), APP);

    let message = posted_message(&page);
    assert_eq!(message["type"], "garmin-sso");
    assert_eq!(message["serviceUrl"], g.sandbox.embed_service_url());
    let ticket = message["serviceTicket"].as_str().unwrap();
    assert_eq!(message["ticket"], ticket);
    assert!(page.contains(&format!("embed?ticket={ticket}\"")), "the legacy response_url marker");

    let redeemed = g.exchange(ticket, &g.sandbox.embed_service_url(), CLIENT_ID).await;
    assert_eq!(redeemed.status(), StatusCode::OK);
    // The form is used up.
    let again = g
        .submit(
            &action,
            &[("username", COACH.email), ("password", COACH.password), ("_csrf", &csrf)],
        )
        .await;
    assert!(again.text().await.unwrap().contains("id=\"error\""));
}

#[tokio::test]
async fn a_wrong_password_shows_a_visible_error_on_the_same_form() {
    let g = Garmin::start();
    let page = g.widget_page(&g.sandbox.widget_url(APP)).await;
    let csrf = csrf_of(&page);
    let action = action_of(&page, "login-form");
    let wrong = g
        .submit(&action, &[("username", COACH.email), ("password", "nope"), ("_csrf", &csrf)])
        .await;
    let wrong = wrong.text().await.unwrap();
    assert!(wrong.contains("id=\"error\""));
    assert!(!wrong.contains("postMessage"));
    let right = g
        .submit(
            &action,
            &[("username", COACH.email), ("password", COACH.password), ("_csrf", &csrf_of(&wrong))],
        )
        .await;
    assert!(right.text().await.unwrap().contains("<title>Success</title>"));
}

#[tokio::test]
async fn an_mfa_account_gets_the_code_step_and_may_retry_a_wrong_code() {
    let g = Garmin::start();
    let page = g.widget_page(&g.sandbox.widget_url(APP)).await;
    let signed = g
        .submit(
            &action_of(&page, "login-form"),
            &[
                ("username", MFA_ATHLETE.email),
                ("password", MFA_ATHLETE.password),
                ("_csrf", &csrf_of(&page)),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(signed.contains("<title>Enter MFA code for login</title>"));
    assert!(signed.contains("var mfaMethod = \"email\";"));
    assert!(signed.contains("id=\"mfa-code\"") && signed.contains("id=\"mfa-btn\""));
    let action = action_of(&signed, "mfa-form");
    assert!(action.starts_with("/sso/verifyMFA/loginEnterMfaCode?"));

    let wrong = g.submit(&action, &[("mfa-code", "999999"), ("_csrf", &csrf_of(&signed))]).await;
    let wrong = wrong.text().await.unwrap();
    assert!(wrong.contains("id=\"error\"") && wrong.contains("id=\"mfa-code\""));
    let right = g
        .submit(
            &action,
            &[("mfa-code", MFA_ATHLETE.mfa_code.unwrap()), ("_csrf", &csrf_of(&wrong))],
        )
        .await;
    let right = right.text().await.unwrap();
    let ticket = posted_message(&right)["serviceTicket"].as_str().unwrap().to_owned();
    let redeemed = g.exchange(&ticket, &g.sandbox.embed_service_url(), CLIENT_ID).await;
    assert_eq!(redeemed.status(), StatusCode::OK);
}

#[tokio::test]
async fn without_embed_the_browser_is_sent_to_the_service_with_the_ticket() {
    let g = Garmin::start();
    let service = g.sandbox.embed_service_url();
    let url = format!("{}/sso/signin?service={}", g.sandbox.base_url(), urlencode(&service));
    let page = g.widget_page(&url).await;
    let response = g
        .submit(
            &action_of(&page, "login-form"),
            &[("username", COACH.email), ("password", COACH.password), ("_csrf", &csrf_of(&page))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let prefix = format!("{service}?ticket=ST-");
    assert!(location.starts_with(&prefix), "{location}");
    let landing = g.http.get(&location).send().await.unwrap().text().await.unwrap();
    let ticket = location.split("ticket=").nth(1).unwrap();
    assert!(landing.contains(&format!("<code id=\"ticket\">{ticket}</code>")));
    assert_eq!(g.exchange(ticket, &service, CLIENT_ID).await.status(), StatusCode::OK);
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn the_widget_refuses_foreign_services_and_a_missing_source() {
    let g = Garmin::start();
    let base = g.sandbox.base_url();
    let service = urlencode(&g.sandbox.embed_service_url());
    let cases = [
        format!(
            "{base}/sso/signin?id=gauth-widget&embedWidget=true&service={}&source={APP}",
            urlencode("https://evil.example/sso/embed")
        ),
        format!("{base}/sso/signin?id=gauth-widget&embedWidget=true&service={service}"),
        format!(
            "{base}/sso/signin?id=gauth-widget&embedWidget=true&service={service}&source=javascript:alert(1)"
        ),
    ];
    for url in cases {
        assert_eq!(
            g.http.get(&url).send().await.unwrap().status(),
            StatusCode::BAD_REQUEST,
            "{url}"
        );
    }
}
