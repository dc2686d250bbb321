//! No table grows without bound: the periodic purge removes finished Google
//! flows, old failure records, refresh tokens of ended sessions, links that
//! ended unused and expired idempotency replies, one replica at a time.
//! Anonymous writes (starting a Google flow) are limited per address.

use std::sync::Arc;

use baton::clock::ManualClock;
use baton_proto::{
    auth::v1::{GoogleSignInPurpose, LogoutRequest, StartGoogleSignInRequest},
    user::v1::{InviteAthleteRequest, Role},
};
use tonic::Code;

use crate::{
    google::{GoogleApp, authorize, spawn},
    helpers::{PASSWORD, TestApp, TestStorage, bearer, reason},
};

async fn count(app: &TestApp, table: &str) -> i64 {
    app.sql_count(&format!("SELECT COUNT(*) AS n FROM {table}")).await
}

#[tokio::test]
async fn the_purge_removes_what_no_one_needs_any_more_and_keeps_the_rest() {
    let GoogleApp { app, google: _google } = spawn(false).await;
    let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
    authorize(&app, GoogleSignInPurpose::SignIn, "", None).await;
    let _ = app.login("ghost@example.com", "a wrong password indeed").await;
    let session = app.login(&coach.email, PASSWORD).await.unwrap();
    app.auth().await.logout(LogoutRequest { refresh_token: session.refresh_token }).await.unwrap();
    let invite =
        InviteAthleteRequest { email: "invitee@example.com".into(), idempotency_key: "one".into() };
    app.users().await.invite_athlete(bearer(invite, &coach.access_token)).await.unwrap();
    for table in ["google_logins", "login_attempts", "refresh_tokens", "idempotency_keys"] {
        assert!(count(&app, table).await > 0, "{table} has rows to purge");
    }
    let live_tokens = count(&app, "refresh_tokens").await;

    // A moment later only the ended session's refresh tokens can go.
    app.clock.advance(chrono::Duration::seconds(1));
    let now = app.components.retention.purge().await.unwrap().expect("nobody else purges");
    assert_eq!(now.sessions_and_refresh_tokens, 1, "the signed-out session's token");
    assert_eq!(count(&app, "refresh_tokens").await, live_tokens - 1);

    app.clock.advance(chrono::Duration::days(40));
    let later = app.components.retention.purge().await.unwrap().expect("nobody else purges");
    assert!(later.google_logins >= 1 && later.login_attempts >= 1, "{later:?}");
    assert!(later.one_time_tokens >= 1 && later.idempotency_keys >= 1, "{later:?}");
    for table in ["google_logins", "login_attempts", "idempotency_keys"] {
        assert_eq!(count(&app, table).await, 0, "{table} is empty");
    }
    assert_eq!(
        count(&app, "one_time_tokens").await,
        1,
        "the coach's accepted setup link stays as history; the unused invite went"
    );
    let again = app.components.retention.purge().await.unwrap().unwrap();
    assert_eq!(again, baton::service::Purged::default(), "nothing left to purge");
}

#[tokio::test]
async fn one_replica_at_a_time_holds_the_purge_on_postgres() {
    let first = TestApp::spawn().await;
    if !first.storage.database_url.starts_with("postgres") {
        return; // SQLite has one writer: nothing to coordinate.
    }
    let second = TestApp::start(first.storage.clone(), first.clock.clone()).await;
    let held = first.components.db.begin_exclusive(42).await.unwrap();
    let held = held.expect("the first replica takes the lock");
    assert!(second.components.db.begin_exclusive(42).await.unwrap().is_none(), "not the second");
    held.rollback().await.unwrap();
    assert!(
        second.components.db.begin_exclusive(42).await.unwrap().is_some(),
        "freed with the transaction"
    );
}

#[tokio::test]
async fn starting_google_sign_in_is_limited_per_address() {
    let GoogleApp { app, google } = spawn(false).await;
    let storage = Arc::new(TestStorage::new().await);
    let (issuer, client_id, secret) = (
        google.issuer().to_owned(),
        google.client_id().to_owned(),
        google.client_secret().to_owned(),
    );
    drop(app);
    let limited = TestApp::start_with(storage, ManualClock::new(chrono::Utc::now()), |config| {
        config.google_issuer = Some(issuer);
        config.google_client_id = Some(client_id);
        config.google_client_secret = Some(secret.into());
        config.login_per_address_per_minute = 3;
    })
    .await;
    let start = || StartGoogleSignInRequest {
        purpose: GoogleSignInPurpose::SignIn as i32,
        browser_binding_hash: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU".into(),
        invite_token: String::new(),
    };
    for _ in 0..3 {
        limited.auth().await.start_google_sign_in(start()).await.unwrap();
    }
    let refused = limited.auth().await.start_google_sign_in(start()).await.unwrap_err();
    assert_eq!(
        (refused.code(), reason(&refused).as_str()),
        (Code::ResourceExhausted, "TOO_MANY_ATTEMPTS")
    );
}

#[tokio::test]
async fn a_write_sent_through_the_sqlite_readers_is_refused() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    if !app.storage.database_url.starts_with("sqlite") {
        return; // One pool serves both on PostgreSQL.
    }
    let write = app.components.db.reader().execute_unprepared("DELETE FROM users").await;
    assert!(write.is_err(), "the readers are query-only");
}
