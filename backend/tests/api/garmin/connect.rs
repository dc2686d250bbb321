//! Three ways in, one stored link: a ticket from the user's browser (or
//! pasted), the password on the server with MFA, a token file; and every
//! failure in words (reasons) a person can act on.

use std::time::Duration;

use baton_proto::{
    garmin::v1::{
        self as pb, ConnectMethod, ConnectRequest, ConnectWithTicketRequest, ConnectionStatus,
        ImportTokensRequest, ListWorkoutsRequest, SubmitMfaCodeRequest, TicketSource,
        connect_response,
    },
    user::v1::Role,
};
use baton_sandbox::garmin::{Fault, GarminAccount, Route, seed};
use tonic::Code;
use tonic_types::StatusExt;

use super::GarminApp;
use crate::helpers::{TestUser, bearer, reason};

fn ticket_request(ticket: &str, source: TicketSource) -> ConnectWithTicketRequest {
    ConnectWithTicketRequest { ticket: ticket.to_owned(), source: source as i32 }
}

async fn connect(
    garmin: &GarminApp,
    user: &TestUser,
    email: &str,
    password: &str,
) -> Result<connect_response::Result, tonic::Status> {
    let request = ConnectRequest { email: email.to_owned(), password: password.to_owned() };
    let reply = garmin.client().await.connect(bearer(request, &user.access_token)).await?;
    Ok(reply.into_inner().result.expect("a result"))
}

fn field(status: &tonic::Status) -> String {
    status
        .get_details_bad_request()
        .and_then(|details| details.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default()
}

#[tokio::test]
async fn a_ticket_from_the_browser_links_the_account_once() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    let ticket = garmin.garmin.issue_widget_ticket(seed::COACH.email).unwrap();

    let linked = garmin
        .client()
        .await
        .connect_with_ticket(bearer(
            ticket_request(&ticket, TicketSource::Browser),
            &coach.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .connection
        .unwrap();
    assert_eq!(linked.status, ConnectionStatus::Connected as i32);
    assert_eq!(linked.method, ConnectMethod::Browser as i32);
    assert_eq!(linked.garmin_full_name, seed::COACH.full_name);
    assert!(linked.last_verify_time.is_some());

    let again = garmin
        .client()
        .await
        .connect_with_ticket(bearer(
            ticket_request(&ticket, TicketSource::Browser),
            &coach.access_token,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (again.code(), reason(&again).as_str()),
        (Code::FailedPrecondition, "GARMIN_TICKET_REJECTED"),
        "a ticket is single-use"
    );
    assert_eq!(garmin.garmin.requests(Route::Token), 2, "each ticket is exchanged once");
}

#[tokio::test]
async fn a_pasted_url_or_ticket_links_and_anything_else_is_a_field_error() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    let ticket = garmin.garmin.issue_widget_ticket(seed::ATHLETE.email).unwrap();
    let url = format!("{}?ticket={ticket}", garmin.garmin.embed_service_url());
    let linked = garmin
        .client()
        .await
        .connect_with_ticket(bearer(
            ticket_request(&url, TicketSource::Pasted),
            &athlete.access_token,
        ))
        .await
        .unwrap()
        .into_inner()
        .connection
        .unwrap();
    assert_eq!(linked.method, ConnectMethod::Ticket as i32);

    for junk in ["", "hello", "https://evil.example/?ticket=ST-1-abc", "ST-<script>"] {
        let refused = garmin
            .client()
            .await
            .connect_with_ticket(bearer(
                ticket_request(junk, TicketSource::Pasted),
                &athlete.access_token,
            ))
            .await
            .unwrap_err();
        assert_eq!(
            (refused.code(), field(&refused).as_str()),
            (Code::InvalidArgument, "ticket"),
            "{junk:?}"
        );
    }
}

#[tokio::test]
async fn a_password_signs_in_and_a_wrong_one_is_a_field_error() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    let wrong =
        connect(&garmin, &athlete, seed::ATHLETE.email, "not the password").await.unwrap_err();
    assert_eq!(
        (wrong.code(), reason(&wrong).as_str(), field(&wrong).as_str()),
        (Code::InvalidArgument, "GARMIN_WRONG_PASSWORD", "password")
    );
    let linked =
        connect(&garmin, &athlete, seed::ATHLETE.email, seed::ATHLETE.password).await.unwrap();
    let connect_response::Result::Connection(connection) = linked else {
        panic!("no MFA expected")
    };
    assert_eq!(connection.method, ConnectMethod::Password as i32);
    assert_eq!(connection.status, ConnectionStatus::Connected as i32);
}

#[tokio::test]
async fn mfa_takes_a_wrong_code_then_the_right_one_on_the_same_pending_sign_in() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("mia@baton.test", "Mia", &[Role::Athlete]).await;
    let other = garmin.app.create_user("otto@baton.test", "Otto", &[Role::Athlete]).await;
    let started = connect(&garmin, &athlete, seed::MFA_ATHLETE.email, seed::MFA_ATHLETE.password)
        .await
        .unwrap();
    let connect_response::Result::MfaRequired(mfa) = started else { panic!("MFA expected") };
    assert_eq!(mfa.delivery_method, "email");
    assert_eq!(garmin.connection(&athlete).await.status, ConnectionStatus::MfaPending as i32);

    let submit = |user: &TestUser, code: &str| {
        bearer(
            SubmitMfaCodeRequest {
                pending_login_id: mfa.pending_login_id.clone(),
                code: code.to_owned(),
            },
            &user.access_token,
        )
    };
    let wrong =
        garmin.client().await.submit_mfa_code(submit(&athlete, "000000")).await.unwrap_err();
    assert_eq!(
        (wrong.code(), reason(&wrong).as_str(), field(&wrong).as_str()),
        (Code::InvalidArgument, "GARMIN_WRONG_MFA_CODE", "code")
    );
    let code = seed::MFA_ATHLETE.mfa_code.unwrap();
    let stolen = garmin.client().await.submit_mfa_code(submit(&other, code)).await.unwrap_err();
    assert_eq!(reason(&stolen), "GARMIN_PENDING_LOGIN_UNUSABLE", "not someone else's sign-in");

    let linked = garmin.client().await.submit_mfa_code(submit(&athlete, code)).await.unwrap();
    let connection = linked.into_inner().connection.unwrap();
    assert_eq!(connection.status, ConnectionStatus::Connected as i32);
    let used = garmin.client().await.submit_mfa_code(submit(&athlete, code)).await.unwrap_err();
    assert_eq!(reason(&used), "GARMIN_PENDING_LOGIN_UNUSABLE", "used up");
}

#[tokio::test]
async fn a_pending_mfa_sign_in_expires() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("mia@baton.test", "Mia", &[Role::Athlete]).await;
    let started = connect(&garmin, &athlete, seed::MFA_ATHLETE.email, seed::MFA_ATHLETE.password)
        .await
        .unwrap();
    let connect_response::Result::MfaRequired(mfa) = started else { panic!("MFA expected") };
    garmin.app.clock.advance(chrono::Duration::minutes(11));
    let athlete = garmin.app.login(&athlete.email, crate::helpers::PASSWORD).await.unwrap();
    let request = SubmitMfaCodeRequest {
        pending_login_id: mfa.pending_login_id,
        code: seed::MFA_ATHLETE.mfa_code.unwrap().to_owned(),
    };
    let late = garmin.client().await.submit_mfa_code(bearer(request, &athlete.access_token)).await;
    assert_eq!(reason(&late.unwrap_err()), "GARMIN_PENDING_LOGIN_UNUSABLE");
}

#[tokio::test]
async fn a_blocked_or_rate_limited_sign_in_points_to_another_way_in() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    garmin.garmin.add_account(
        GarminAccount::new("captcha@example.com", "test-password-1", "Cap Tcha").with_captcha(),
    );
    let captcha =
        connect(&garmin, &athlete, "captcha@example.com", "test-password-1").await.unwrap_err();
    assert_eq!(
        (captcha.code(), reason(&captcha).as_str()),
        (Code::FailedPrecondition, "GARMIN_SIGN_IN_BLOCKED")
    );

    garmin.garmin.inject(Route::MobileLogin, Fault::Challenge);
    let challenged =
        connect(&garmin, &athlete, seed::ATHLETE.email, seed::ATHLETE.password).await.unwrap_err();
    assert_eq!(reason(&challenged), "GARMIN_SIGN_IN_BLOCKED");

    garmin.garmin.inject(
        Route::MobileLogin,
        Fault::RateLimited { retry_after: Some(Duration::from_secs(7200)) },
    );
    let limited =
        connect(&garmin, &athlete, seed::ATHLETE.email, seed::ATHLETE.password).await.unwrap_err();
    assert_eq!(
        (limited.code(), reason(&limited).as_str()),
        (Code::Unavailable, "GARMIN_RATE_LIMITED")
    );
    let retry = limited.get_details_retry_info().and_then(|info| info.retry_delay);
    assert_eq!(retry, Some(Duration::from_secs(7200)), "Garmin's Retry-After is passed on");
}

#[tokio::test]
async fn a_token_file_links_after_garmin_accepts_it_and_bad_files_are_field_errors() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    let file = super::token_file(&garmin.garmin, seed::ATHLETE.email).await;
    let import = |text: &str| {
        bearer(ImportTokensRequest { tokens_json: text.to_owned() }, &athlete.access_token)
    };

    for junk in ["", "{}", "not json", r#"{"di_token": "x.y", "di_refresh_token": "r"}"#] {
        let refused = garmin.client().await.import_tokens(import(junk)).await.unwrap_err();
        assert_eq!(
            (refused.code(), field(&refused).as_str()),
            (Code::InvalidArgument, "tokens_json"),
            "{junk:?}"
        );
    }
    let linked = garmin.client().await.import_tokens(import(&file)).await.unwrap().into_inner();
    let connection = linked.connection.unwrap();
    assert_eq!(connection.method, ConnectMethod::TokenFile as i32);
    assert_eq!(connection.garmin_full_name, seed::ATHLETE.full_name);

    // Tokens Garmin no longer honours are refused with a reason.
    let stale = super::token_file(&garmin.garmin, seed::COACH.email).await;
    garmin.garmin.expire_access_tokens();
    garmin.garmin.revoke_refresh_tokens();
    let refused = garmin.client().await.import_tokens(import(&stale)).await.unwrap_err();
    assert_eq!(
        (refused.code(), reason(&refused).as_str(), field(&refused).as_str()),
        (Code::InvalidArgument, "GARMIN_TOKENS_REJECTED", "tokens_json")
    );
}

#[tokio::test]
async fn disconnecting_forgets_the_link_and_the_library_says_so() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    garmin.link(&coach, seed::COACH).await;
    garmin.sync(&coach, false).await.unwrap();
    garmin
        .client()
        .await
        .disconnect(bearer(pb::DisconnectRequest {}, &coach.access_token))
        .await
        .unwrap();
    assert_eq!(garmin.connection(&coach).await.status, ConnectionStatus::NotConnected as i32);
    let list = garmin
        .client()
        .await
        .list_workouts(bearer(ListWorkoutsRequest::default(), &coach.access_token))
        .await
        .unwrap_err();
    assert_eq!(
        (list.code(), reason(&list).as_str()),
        (Code::FailedPrecondition, "GARMIN_NOT_CONNECTED")
    );
    assert_eq!(
        garmin.app.sql_count("SELECT COUNT(*) AS n FROM workouts").await,
        0,
        "the cache went too"
    );
}

#[tokio::test]
async fn get_connection_says_where_to_sign_in_at_garmin() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    let reply = garmin
        .client()
        .await
        .get_connection(bearer(pb::GetConnectionRequest {}, &athlete.access_token))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reply.connection.unwrap().status, ConnectionStatus::NotConnected as i32);
    let widget = url::Url::parse(&reply.widget_url).unwrap();
    let source = widget.query_pairs().find(|(name, _)| name == "source").unwrap().1.into_owned();
    assert_eq!(source, "http://baton.test", "the widget posts to Baton's own origin");
    assert_eq!(reply.widget_origin, garmin.garmin.base_url());
    assert!(reply.sign_in_url.starts_with(garmin.garmin.base_url()));
}
