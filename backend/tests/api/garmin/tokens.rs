//! Garmin tokens at rest and in use: sealed (no plaintext in the database,
//! bound to their user, re-sealed by a key rotation), refreshed ahead of
//! their own expiry and once after a 401 with every rotated refresh token
//! stored, and a clear NEEDS_RELOGIN when Garmin gives up on them.

use std::time::Duration;

use baton_proto::{
    garmin::v1::{ConnectionStatus, ImportTokensRequest},
    user::v1::Role,
};
use baton_sandbox::garmin::{Lifetimes, Route, seed};
use tonic::Code;

use super::{GarminApp, summary, token_file};
use crate::helpers::{bearer, reason};

#[tokio::test]
async fn the_database_holds_no_usable_garmin_token() {
    let garmin = GarminApp::spawn().await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    let file = token_file(&garmin.garmin, seed::ATHLETE.email).await;
    let request = ImportTokensRequest { tokens_json: file.clone() };
    garmin.client().await.import_tokens(bearer(request, &athlete.access_token)).await.unwrap();
    garmin.sync(&athlete, false).await.unwrap();

    let file: serde_json::Value = serde_json::from_str(&file).unwrap();
    let stored = garmin.app.stored_bytes().await;
    for secret in [file["di_token"].as_str().unwrap(), file["di_refresh_token"].as_str().unwrap()] {
        let hex: String = secret.bytes().map(|byte| format!("{byte:02x}")).collect();
        for form in [secret.as_bytes(), hex.as_bytes()] {
            assert!(
                !stored.windows(form.len()).any(|window| window == form),
                "a Garmin token is stored in the clear"
            );
        }
    }
}

#[tokio::test]
async fn sealed_tokens_do_not_open_when_a_byte_is_flipped_or_moved_to_another_user() {
    use sea_orm::ConnectionTrait;
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    garmin.link(&coach, seed::COACH).await;
    garmin.link(&athlete, seed::ATHLETE).await;

    // The athlete's row gets the coach's sealed tokens: they are bound to the coach.
    let txn = garmin.app.components.db.begin().await.unwrap();
    let backend = txn.get_database_backend();
    let copy = "UPDATE garmin_accounts SET sealed_tokens = (SELECT sealed_tokens FROM garmin_accounts WHERE user_id = $1), key_id = (SELECT key_id FROM garmin_accounts WHERE user_id = $1) WHERE user_id = $2";
    let copy = if backend == sea_orm::DbBackend::Sqlite {
        copy.replace("$1", "?1").replace("$2", "?2")
    } else {
        copy.to_owned()
    };
    let coach_id: uuid::Uuid = coach.id.parse().unwrap();
    let athlete_id: uuid::Uuid = athlete.id.parse().unwrap();
    txn.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        copy,
        [coach_id.into(), athlete_id.into()],
    ))
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let moved = garmin.sync(&athlete, false).await.unwrap_err();
    assert_eq!(moved.code(), Code::Internal, "a sealed value moved to another user does not open");

    let stored = garmin
        .app
        .sql_row("SELECT sealed_tokens FROM garmin_accounts WHERE user_id = $1", coach_id)
        .await
        .unwrap();
    let mut sealed: Vec<u8> = stored.try_get("", "sealed_tokens").unwrap();
    let middle = sealed.len() / 2;
    sealed[middle] ^= 0x01;
    let txn = garmin.app.components.db.begin().await.unwrap();
    let flip = if backend == sea_orm::DbBackend::Sqlite {
        "UPDATE garmin_accounts SET sealed_tokens = ?1 WHERE user_id = ?2"
    } else {
        "UPDATE garmin_accounts SET sealed_tokens = $1 WHERE user_id = $2"
    };
    txn.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        flip,
        [sealed.into(), coach_id.into()],
    ))
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let flipped = garmin.sync(&coach, false).await.unwrap_err();
    assert_eq!(flipped.code(), Code::Internal, "a flipped byte does not open");
}

#[tokio::test]
async fn tokens_are_refreshed_ahead_of_expiry_with_each_rotated_refresh_token_kept() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    // Twenty-minute access tokens: six minutes on, one has fourteen left,
    // inside the 15-minute margin (GARMIN.md §2.4.3), so the next use
    // refreshes first, and every refresh rotates the refresh token.
    let lifetimes =
        Lifetimes { access_token: Duration::from_secs(20 * 60), ..Lifetimes::default() };
    garmin.garmin.set_lifetimes(lifetimes);
    garmin.link(&coach, seed::COACH).await;
    let exchanges = garmin.garmin.requests(Route::Token);
    garmin.sync(&coach, false).await.unwrap();
    assert_eq!(garmin.garmin.requests(Route::Token), exchanges, "a fresh token is used as it is");
    for round in 1..=3 {
        garmin.garmin.advance_clock(Duration::from_secs(6 * 60));
        garmin.app.clock.advance(chrono::Duration::minutes(6));
        // Baton's own access token lives 15 minutes.
        let coach = garmin.app.login("coach@baton.test", crate::helpers::PASSWORD).await.unwrap();
        let events = garmin.sync_with_token(&coach.access_token, false).await.unwrap();
        assert_eq!(summary(&events).unchanged, 130, "round {round}");
        assert_eq!(garmin.garmin.requests(Route::Token), exchanges + round, "one refresh per sync");
        assert_eq!(
            garmin.garmin.live_tokens(seed::COACH.email).refresh,
            1,
            "only the newest refresh token lives"
        );
    }
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_once() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    garmin.link(&coach, seed::COACH).await;
    let before = garmin.garmin.requests(Route::Token);
    garmin.garmin.expire_access_tokens();
    let events = garmin.sync(&coach, false).await.unwrap();
    assert_eq!(summary(&events).added, 130);
    assert_eq!(garmin.garmin.requests(Route::Token), before + 1, "one refresh after the 401");
}

#[tokio::test]
async fn refused_tokens_ask_the_user_to_connect_again() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    garmin.link(&coach, seed::COACH).await;
    garmin.garmin.expire_access_tokens();
    garmin.garmin.revoke_refresh_tokens();
    let refused = garmin.sync(&coach, false).await.unwrap_err();
    assert_eq!(
        (refused.code(), reason(&refused).as_str()),
        (Code::FailedPrecondition, "GARMIN_NEEDS_RELOGIN")
    );
    let connection = garmin.connection(&coach).await;
    assert_eq!(connection.status, ConnectionStatus::NeedsRelogin as i32);
    assert!(connection.last_error.contains("sign in again"), "{}", connection.last_error);

    // Connecting again clears it.
    garmin.link(&coach, seed::COACH).await;
    let connection = garmin.connection(&coach).await;
    assert_eq!(connection.status, ConnectionStatus::Connected as i32);
    assert!(connection.last_error.is_empty());
}

#[tokio::test]
async fn rotating_the_sealing_key_reseals_stored_tokens() {
    let garmin = GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Carla Coach", &[Role::Coach]).await;
    garmin.link(&coach, seed::COACH).await;
    let coach_id: uuid::Uuid = coach.id.parse().unwrap();
    let key = |row: sea_orm::QueryResult| row.try_get::<String>("", "key_id").unwrap();
    let sql = "SELECT key_id FROM garmin_accounts WHERE user_id = $1";
    let before = key(garmin.app.sql_row(sql, coach_id).await.unwrap());

    let (_, new_key) = baton::crypto::keys::rotate(&garmin.app.storage.keys_dir()).unwrap();
    let GarminApp { app, garmin: sandbox } = garmin;
    let app = app.restart().await;
    assert_eq!(app.components.garmin.reseal().await.unwrap(), 1);
    let after = key(app.sql_row(sql, coach_id).await.unwrap());
    assert_ne!(before, after);
    assert_eq!(after, new_key);
    let garmin = GarminApp { app, garmin: sandbox };
    let events = garmin.sync(&coach, false).await.unwrap();
    assert_eq!(summary(&events).added, 130, "the re-sealed tokens open");
}
