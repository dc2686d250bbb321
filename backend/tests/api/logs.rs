//! Passwords, tokens and one-time links never reach the log, whatever
//! happens (SECURITY.md, secrets in logs).

use std::{
    io::Write,
    sync::{Arc, Mutex, OnceLock},
};

use baton_proto::{
    auth::v1::{ChangePasswordRequest, LoginRequest, LogoutRequest, RefreshRequest},
    user::v1::{InviteAthleteRequest, IssuePasswordResetRequest, Role},
};

use crate::helpers::{PASSWORD, TestApp, bearer, link_token};

/// Everything any test logs, at every level, from the moment this test
/// installs the subscriber.
fn captured() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let writer = SharedWriter(log.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("trace,h2=info,hyper=info,tower=info,sqlx=info")
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        log
    })
    .clone()
}

#[derive(Clone)]
struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_of_a_full_scenario_reaches_the_log() {
    let log = captured();
    let app = TestApp::spawn().await;
    let root = app.root().await.clone();
    let coach = app.create_user("coach@example.com", "Coach", &[Role::Coach]).await;
    let invite = app
        .users()
        .await
        .invite_athlete(bearer(
            InviteAthleteRequest { email: "anna@example.com".into(), ..Default::default() },
            &coach.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    let reset = app
        .users()
        .await
        .issue_password_reset(bearer(
            IssuePasswordResetRequest { user_id: coach.id.clone() },
            &root.access_token,
        ))
        .await
        .unwrap()
        .into_inner();
    let wrong = "an entirely wrong password";
    let _ = app
        .auth()
        .await
        .login(LoginRequest { email: "coach@example.com".into(), password: wrong.into() })
        .await;
    let new_password = "the coach's new passphrase";
    app.auth()
        .await
        .change_password(bearer(
            ChangePasswordRequest {
                current_password: PASSWORD.into(),
                new_password: new_password.into(),
                revoke_other_sessions: false,
            },
            &coach.access_token,
        ))
        .await
        .unwrap();
    let refreshed = app
        .auth()
        .await
        .refresh(RefreshRequest { refresh_token: coach.refresh_token.clone() })
        .await
        .unwrap()
        .into_inner()
        .tokens
        .unwrap();
    // A replay (logged as a security event) and a sign-out.
    let _ = app
        .auth()
        .await
        .refresh(RefreshRequest { refresh_token: coach.refresh_token.clone() })
        .await;
    app.auth()
        .await
        .logout(LogoutRequest { refresh_token: refreshed.refresh_token.clone() })
        .await
        .unwrap();

    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(text.contains("sign-in failed"), "the scenario was captured");
    for (what, secret) in [
        ("password", PASSWORD.to_owned()),
        ("wrong password", wrong.to_owned()),
        ("new password", new_password.to_owned()),
        ("access token", coach.access_token.clone()),
        ("refresh token", coach.refresh_token.clone()),
        ("rotated refresh token", refreshed.refresh_token.clone()),
        ("rotated access token", refreshed.access_token.clone()),
        ("invite token", link_token(&invite.invite_url)),
        ("reset token", link_token(&reset.reset_url)),
    ] {
        assert!(!text.contains(&secret), "the {what} appears in the log");
    }
}
