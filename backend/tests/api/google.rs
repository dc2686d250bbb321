//! Google sign-in end to end against the sandbox OpenID provider: the flow
//! is bound to the browser that started it, works once, and never attaches
//! a Google identity to an account by email.

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use baton::clock::ManualClock;
use baton_proto::{
    auth::v1::{
        AcceptInviteRequest, FinishGoogleSignInRequest, GoogleAuthorization, GoogleSignInPurpose,
        LinkGoogleRequest, StartGoogleSignInRequest, accept_invite_request::Method,
    },
    user::v1::{CreateUserRequest, GetMeRequest, Role},
};
use baton_sandbox::{Fault, GoogleSandbox, GoogleSandboxConfig, Identity};
use sha2::{Digest, Sha256};
use tonic::Code;

use crate::helpers::{TestApp, TestStorage, TestUser, bearer, link_token, reason};

const REDIRECT: &str = "http://baton.test/auth/google/callback";

pub struct GoogleApp {
    pub app: TestApp,
    pub google: GoogleSandbox,
}

/// A server with Google sign-in configured against a fresh sandbox provider.
pub async fn spawn(self_signup: bool) -> GoogleApp {
    baton::startup::install_crypto_provider();
    let google = GoogleSandbox::start(GoogleSandboxConfig {
        redirect_uris: vec![REDIRECT.to_owned()],
        ..GoogleSandboxConfig::default()
    })
    .unwrap();
    let storage = Arc::new(TestStorage::new().await);
    let clock = ManualClock::new(chrono::Utc::now());
    let (issuer, client_id, secret) = (
        google.issuer().to_owned(),
        google.client_id().to_owned(),
        google.client_secret().to_owned(),
    );
    let app = TestApp::start_with(storage, clock, move |config| {
        config.google_issuer = Some(issuer);
        config.google_client_id = Some(client_id);
        config.google_client_secret = Some(secret.into());
        config.self_signup = self_signup;
    })
    .await;
    GoogleApp { app, google }
}

/// What a browser does: keep a secret, start the flow, follow the provider
/// to the redirect, and read `code` and `state` from it.
pub async fn authorize(
    app: &TestApp,
    purpose: GoogleSignInPurpose,
    invite_token: &str,
    access_token: Option<&str>,
) -> GoogleAuthorization {
    try_authorize(app, purpose, invite_token, access_token).await.unwrap()
}

/// [`authorize`], when starting the flow may be refused.
pub async fn try_authorize(
    app: &TestApp,
    purpose: GoogleSignInPurpose,
    invite_token: &str,
    access_token: Option<&str>,
) -> Result<GoogleAuthorization, tonic::Status> {
    let secret = URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes().repeat(2));
    let request = StartGoogleSignInRequest {
        purpose: purpose as i32,
        browser_binding_hash: URL_SAFE_NO_PAD.encode(Sha256::digest(secret.as_bytes())),
        invite_token: invite_token.to_owned(),
    };
    let request = match access_token {
        Some(token) => bearer(request, token),
        None => tonic::Request::new(request),
    };
    let started = app.auth().await.start_google_sign_in(request).await?.into_inner();
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client.get(&started.authorization_url).send().await.unwrap();
    if response.status() != 302 {
        panic!(
            "the provider refused {}: {}",
            started.authorization_url,
            response.text().await.unwrap()
        );
    }
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    let query = url::Url::parse(&location).unwrap();
    let param = |name: &str| {
        query.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap()
    };
    Ok(GoogleAuthorization {
        code: param("code"),
        state: param("state"),
        browser_binding_secret: secret,
    })
}

async fn finish(
    app: &TestApp,
    authorization: GoogleAuthorization,
) -> Result<String, tonic::Status> {
    let reply = app
        .auth()
        .await
        .finish_google_sign_in(FinishGoogleSignInRequest { authorization: Some(authorization) })
        .await?
        .into_inner();
    match reply.result {
        Some(baton_proto::auth::v1::finish_google_sign_in_response::Result::Tokens(tokens)) => {
            Ok(tokens.access_token)
        }
        other => panic!("expected tokens, got {other:?}"),
    }
}

pub async fn link(app: &TestApp, user: &TestUser) -> Result<(), tonic::Status> {
    let authorization =
        try_authorize(app, GoogleSignInPurpose::Link, "", Some(&user.access_token)).await?;
    app.auth()
        .await
        .link_google(bearer(
            LinkGoogleRequest { authorization: Some(authorization) },
            &user.access_token,
        ))
        .await
        .map(drop)
}

#[tokio::test]
async fn a_user_links_google_and_then_signs_in_with_it() {
    let GoogleApp { app, google: _google } = spawn(false).await;
    let athlete = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;

    let before = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    assert_eq!(
        finish(&app, before).await.unwrap_err().code(),
        Code::Unauthenticated,
        "not linked yet"
    );

    link(&app, &athlete).await.unwrap();
    let again = link(&app, &athlete).await.unwrap_err();
    assert_eq!(again.code(), Code::FailedPrecondition, "one Google identity per account");
    assert_eq!(reason(&again), "GOOGLE_ALREADY_LINKED");

    let signed_in = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    let token = finish(&app, signed_in).await.unwrap();
    let me = app
        .users()
        .await
        .get_me(bearer(GetMeRequest {}, &token))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(me.id, athlete.id);
    assert!(me.google_linked);
}

#[tokio::test]
async fn the_same_google_identity_cannot_be_linked_to_two_accounts() {
    let GoogleApp { app, google: _google } = spawn(false).await;
    let first = app.create_user("first@example.com", "First", &[Role::Athlete]).await;
    let second = app.create_user("second@example.com", "Second", &[Role::Athlete]).await;
    link(&app, &first).await.unwrap();
    assert_eq!(link(&app, &second).await.unwrap_err().code(), Code::AlreadyExists);
}

#[tokio::test]
async fn an_invitee_creates_their_account_with_google() {
    let GoogleApp { app, google } = spawn(false).await;
    google.set_identity(Identity {
        sub: "google-coach-1".into(),
        email: "someone.else@gmail.com".into(),
        name: Some("Carla from Google".into()),
        ..Identity::default()
    });
    let root = app.root().await.clone();
    let created = app
        .users()
        .await
        .create_user(bearer(
            CreateUserRequest {
                email: "carla@example.com".into(),
                display_name: "Carla".into(),
                roles: vec![Role::Coach as i32],
                ..Default::default()
            },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    let invite_token = link_token(&created.setup_url);

    let authorization =
        authorize(&app, GoogleSignInPurpose::AcceptInvite, &invite_token, None).await;
    let accepted = app
        .auth()
        .await
        .accept_invite(AcceptInviteRequest {
            invite_token: invite_token.clone(),
            method: Some(Method::Google(authorization)),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let user = accepted.user.unwrap();
    assert_eq!(user.email, "carla@example.com", "the invite's address, not Google's");
    assert!(user.google_linked && !user.has_password);
    assert!(accepted.tokens.is_some());

    let signed_in = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    let token = finish(&app, signed_in).await.unwrap();
    let me = app
        .users()
        .await
        .get_me(bearer(GetMeRequest {}, &token))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(me.id, user.id);
}

#[tokio::test]
async fn a_flow_works_only_in_the_browser_that_started_it_and_only_once() {
    let GoogleApp { app, google: _google } = spawn(false).await;
    let athlete = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    link(&app, &athlete).await.unwrap();

    let mut stolen = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    stolen.browser_binding_secret = URL_SAFE_NO_PAD.encode([7u8; 32]);
    assert_eq!(finish(&app, stolen).await.unwrap_err().code(), Code::Unauthenticated);

    let authorization = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    assert!(finish(&app, authorization.clone()).await.is_ok());
    assert_eq!(
        finish(&app, authorization).await.unwrap_err().code(),
        Code::Unauthenticated,
        "state is single use"
    );

    // A flow started for another purpose cannot finish as a sign-in.
    let for_confirming =
        authorize(&app, GoogleSignInPurpose::Reauthenticate, "", Some(&athlete.access_token)).await;
    assert_eq!(finish(&app, for_confirming).await.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn a_flow_expires_after_ten_minutes() {
    let GoogleApp { app, google: _google } = spawn(false).await;
    let athlete = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    link(&app, &athlete).await.unwrap();
    let authorization = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    app.clock.advance(chrono::Duration::minutes(11));
    assert_eq!(finish(&app, authorization).await.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn forged_or_mismatched_id_tokens_are_refused() {
    let GoogleApp { app, google } = spawn(false).await;
    let athlete = app.create_user("anna@example.com", "Anna", &[Role::Athlete]).await;
    link(&app, &athlete).await.unwrap();
    for fault in [
        Fault::WrongNonce,
        Fault::WrongAudience,
        Fault::WrongIssuer,
        Fault::Expired,
        Fault::BadSignature,
    ] {
        let authorization = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
        google.inject(fault.clone());
        let status = finish(&app, authorization).await.unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "{fault:?}");
    }
}

#[tokio::test]
async fn google_being_down_is_unavailable_not_a_failed_sign_in() {
    let GoogleApp { app, google } = spawn(false).await;
    let authorization = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    google.inject(Fault::ServerError);
    assert_eq!(finish(&app, authorization).await.unwrap_err().code(), Code::Unavailable);
}

#[tokio::test]
async fn with_self_signup_an_unknown_identity_becomes_an_athlete_but_never_takes_an_email() {
    let GoogleApp { app, google } = spawn(true).await;
    let fresh = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    let token = finish(&app, fresh).await.unwrap();
    let me = app
        .users()
        .await
        .get_me(bearer(GetMeRequest {}, &token))
        .await
        .unwrap()
        .into_inner()
        .user
        .unwrap();
    assert_eq!(me.email, "ada.lovelace@example.com");
    assert_eq!(me.roles, vec![Role::Athlete as i32]);

    // Another Google identity with the email of an existing Baton account.
    app.create_user("taken@example.com", "Taken", &[Role::Athlete]).await;
    google.set_identity(Identity {
        sub: "another-sub".into(),
        email: "taken@example.com".into(),
        ..Identity::default()
    });
    let takeover = authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    assert_eq!(finish(&app, takeover).await.unwrap_err().code(), Code::Unauthenticated);
}

#[tokio::test]
async fn without_google_configured_the_flow_cannot_start() {
    let app = TestApp::spawn().await;
    let status = app
        .auth()
        .await
        .start_google_sign_in(StartGoogleSignInRequest {
            purpose: GoogleSignInPurpose::SignIn as i32,
            browser_binding_hash: URL_SAFE_NO_PAD.encode([1u8; 32]),
            invite_token: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
}
