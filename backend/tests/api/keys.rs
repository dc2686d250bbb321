//! Keys are generated once, survive restarts, and rotate without signing
//! anyone out.

use baton::crypto::keys;
use baton_proto::{auth::v1::RefreshRequest, user::v1::GetMeRequest};
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, bearer};

fn kid(token: &str) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let header = token.split('.').next().unwrap();
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn tokens_survive_a_restart() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    let tokens = app.login("ada@example.com", PASSWORD).await.unwrap();

    let app = app.restart().await;
    let me = app.users().await.get_me(bearer(GetMeRequest {}, &tokens.access_token)).await;
    assert!(me.is_ok(), "access token still verifies: {me:?}");
    let refreshed =
        app.auth().await.refresh(RefreshRequest { refresh_token: tokens.refresh_token }).await;
    assert!(refreshed.is_ok(), "refresh token still works: {refreshed:?}");
}

#[tokio::test]
async fn a_token_signed_by_an_older_key_still_verifies_after_rotation() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    let old = app.login("ada@example.com", PASSWORD).await.unwrap();

    let (new_signing_key, _) = keys::rotate(&app.storage.keys_dir()).unwrap();
    let app = app.restart().await;

    let fresh = app.login("ada@example.com", PASSWORD).await.unwrap();
    assert_eq!(kid(&fresh.access_token), new_signing_key, "new tokens use the newest key");
    assert_ne!(kid(&old.access_token), new_signing_key);
    let mut users = app.users().await;
    assert!(users.get_me(bearer(GetMeRequest {}, &old.access_token)).await.is_ok());
    assert!(users.get_me(bearer(GetMeRequest {}, &fresh.access_token)).await.is_ok());
}

#[tokio::test]
async fn removing_a_key_from_the_set_invalidates_its_tokens() {
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    let old = app.login("ada@example.com", PASSWORD).await.unwrap();
    let old_kid = kid(&old.access_token);
    keys::rotate(&app.storage.keys_dir()).unwrap();
    std::fs::remove_file(app.storage.keys_dir().join("signing").join(format!("{old_kid}.pem")))
        .unwrap();
    let app = app.restart().await;

    let status =
        app.users().await.get_me(bearer(GetMeRequest {}, &old.access_token)).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn the_data_directory_and_database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    app.create_admin("ada@example.com", "Ada").await;
    app.login("ada@example.com", PASSWORD).await.unwrap();
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = app.storage.dir.path();
    assert_eq!(mode(dir), 0o700, "the data directory");
    if app.storage.database_url.starts_with("sqlite:") {
        for name in ["baton.sqlite", "baton.sqlite-wal", "baton.sqlite-shm"] {
            assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
        }
    }
}

#[tokio::test]
async fn a_server_refuses_to_start_with_a_key_others_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    let storage = app.storage.clone();
    drop(app);
    let sealing = storage.keys_dir().join("sealing");
    let key = std::fs::read_dir(&sealing).unwrap().next().unwrap().unwrap().path();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let config = TestApp::config(&storage);
    let error = match baton::startup::Application::build(config).await {
        Ok(_) => panic!("started with a world-readable key"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains(&format!("chmod 600 {}", key.display())), "{error}");
}
