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

#[tokio::test]
async fn no_garmin_password_or_token_reaches_the_log() {
    use baton_proto::garmin::v1::{
        ConnectRequest, ImportTokensRequest, SubmitMfaCodeRequest, connect_response,
    };
    use baton_sandbox::garmin::seed;

    let log = captured();
    let garmin = crate::garmin::GarminApp::spawn().await;
    let coach = garmin.app.create_user("coach@baton.test", "Coach", &[Role::Coach]).await;
    let athlete = garmin.app.create_user("ada@baton.test", "Ada", &[Role::Athlete]).await;
    let wrong = "not Mia's Garmin password";
    let connect = |password: &str| ConnectRequest {
        email: seed::MFA_ATHLETE.email.to_owned(),
        password: password.to_owned(),
    };
    let refused = garmin.client().await.connect(bearer(connect(wrong), &coach.access_token)).await;
    assert!(refused.is_err());
    let reply = garmin
        .client()
        .await
        .connect(bearer(connect(seed::MFA_ATHLETE.password), &coach.access_token))
        .await
        .unwrap()
        .into_inner();
    let Some(connect_response::Result::MfaRequired(pending)) = reply.result else {
        panic!("an MFA challenge");
    };
    for code in ["000000", seed::MFA_ATHLETE.mfa_code.unwrap()] {
        let request = SubmitMfaCodeRequest {
            pending_login_id: pending.pending_login_id.clone(),
            code: code.to_owned(),
        };
        let _ = garmin.client().await.submit_mfa_code(bearer(request, &coach.access_token)).await;
    }
    let file = crate::garmin::token_file(&garmin.garmin, seed::ATHLETE.email).await;
    let request = ImportTokensRequest { tokens_json: file };
    garmin.client().await.import_tokens(bearer(request, &athlete.access_token)).await.unwrap();
    garmin.sync(&coach, false).await.unwrap();
    // A 401 and a refresh, then a refresh Garmin refuses (its error repeats
    // the refresh token).
    garmin.garmin.expire_access_tokens();
    garmin.sync(&athlete, false).await.unwrap();
    garmin.garmin.expire_access_tokens();
    garmin.garmin.revoke_refresh_tokens();
    assert!(garmin.sync(&coach, false).await.is_err());

    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(text.contains("Garmin tokens refreshed"), "the scenario was captured");
    let mut secrets = vec![
        ("Garmin password".to_owned(), seed::MFA_ATHLETE.password.to_owned()),
        ("wrong Garmin password".to_owned(), wrong.to_owned()),
        ("pending sign-in".to_owned(), pending.pending_login_id.clone()),
    ];
    for email in [seed::MFA_ATHLETE.email, seed::ATHLETE.email] {
        let issued = garmin.garmin.issued_tokens(email);
        assert!(issued.len() >= 2, "tokens were issued to {email}");
        secrets
            .extend(issued.into_iter().map(|token| (format!("a Garmin token of {email}"), token)));
    }
    for (what, secret) in secrets {
        assert!(!text.contains(&secret), "{what} appears in the log");
    }
}
