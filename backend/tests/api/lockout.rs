//! The per-account lock holds under a burst: concurrent guesses are counted
//! one atomic increment each and judged after the hash on the fresh count,
//! so no more than the allowance (plus the guesses already being hashed when
//! the lock fell) are ever checked against the password.

use baton_proto::user::v1::{ListAuditEventsRequest, Role};
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, bearer};

/// Failures allowed before the lock (the test server's BATON_LOGIN_MAX_FAILURES).
const MAX_FAILURES: usize = 5;
const GUESSES: usize = 50;

#[tokio::test]
async fn fifty_concurrent_wrong_passwords_are_judged_at_most_the_allowance_plus_the_hashing_slots()
{
    let app = TestApp::spawn().await;
    let athlete = app.create_user("athlete@example.com", "Ada Athlete", &[Role::Athlete]).await;
    let guesses: Vec<String> = (0..GUESSES).map(|n| format!("wrong guess number {n}")).collect();
    let answers = futures::future::join_all(
        guesses.iter().map(|guess| app.login("athlete@example.com", guess)),
    )
    .await;
    for answer in &answers {
        let code = answer.as_ref().map(drop).unwrap_err().code();
        assert!(matches!(code, Code::Unauthenticated | Code::ResourceExhausted), "{code:?}");
    }

    let root = app.root().await.clone();
    let request = ListAuditEventsRequest {
        user_id: athlete.id.clone(),
        action_prefix: "auth.login.failed".to_owned(),
        page_size: 200,
        ..Default::default()
    };
    let events = app
        .users()
        .await
        .list_audit_events(bearer(request, &root.access_token))
        .await
        .unwrap()
        .into_inner()
        .events;
    let judged = events.iter().filter(|event| event.summary == "wrong email or password").count();
    let refused = events
        .iter()
        .filter(|event| event.summary.contains("while the account was locked"))
        .count();
    let slots = std::thread::available_parallelism().map_or(2, usize::from);
    assert_eq!(judged + refused, GUESSES, "every guess is recorded");
    assert!(
        (MAX_FAILURES..=MAX_FAILURES + slots).contains(&judged),
        "{judged} guesses were checked against the password; at most {} may be",
        MAX_FAILURES + slots
    );

    let right = app.login("athlete@example.com", PASSWORD).await.unwrap_err();
    assert_eq!(right.code(), Code::Unauthenticated, "the right password waits out the lock too");
}
