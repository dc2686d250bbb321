//! Creates that survive a lost answer. Each create carries a fresh
//! `idempotency_key`; when its answer is lost on the way it is sent again
//! with the same key, and the server replays the first response instead of
//! creating a second account or invite. Without a key there is no replay,
//! so a create without one is never sent twice.

use std::future::Future;

use super::{ApiError, random::random_token};

/// A fresh key for one create, or `None` when the browser cannot make one
/// (the create then goes out once, with an empty key).
pub(super) fn new_key() -> Option<String> {
    random_token::<16>()
}

/// Runs `call` with `key` (empty for none), and once more with the same key
/// when [`worth_retrying`] says so.
pub(super) async fn retry_if_lost<T, F, Fut>(key: Option<String>, call: F) -> Result<T, ApiError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let sent = key.clone().unwrap_or_default();
    match call(sent.clone()).await {
        Err(err) if worth_retrying(key.as_deref(), &err) => call(sent).await,
        other => other,
    }
}

/// Whether a create that failed with `error` may be sent again: only when
/// its answer may have been lost (or the server was briefly down), and only
/// with a key, so the server can tell the retry from a second create.
fn worth_retrying(key: Option<&str>, error: &ApiError) -> bool {
    let lost = matches!(error, ApiError::Unreachable | ApiError::TimedOut | ApiError::Unavailable);
    lost && key.is_some_and(|key| !key.is_empty())
}

#[cfg(test)]
mod tests {
    use std::{
        cell::RefCell,
        pin::pin,
        task::{Context, Poll, Waker},
    };

    use super::*;

    /// Runs a future that never waits (the calls below answer at once).
    fn run<T>(future: impl Future<Output = T>) -> T {
        match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(value) => value,
            Poll::Pending => panic!("the test's calls answer at once"),
        }
    }

    /// The keys each attempt was sent with; every attempt's answer is lost.
    fn attempts_when_lost(key: Option<String>) -> Vec<String> {
        let sent = RefCell::new(Vec::new());
        let outcome = run(retry_if_lost(key, |key| {
            sent.borrow_mut().push(key);
            async { Err::<(), _>(ApiError::Unreachable) }
        }));
        assert_eq!(outcome, Err(ApiError::Unreachable));
        sent.into_inner()
    }

    #[test]
    fn a_lost_create_is_sent_again_with_the_same_key() {
        assert_eq!(attempts_when_lost(Some("k3y".into())), ["k3y", "k3y"]);
    }

    #[test]
    fn a_lost_create_without_a_key_is_sent_once() {
        assert_eq!(attempts_when_lost(None), [""]);
    }

    #[test]
    fn a_lost_answer_is_retried_with_its_key() {
        for error in [ApiError::Unreachable, ApiError::TimedOut, ApiError::Unavailable] {
            assert!(worth_retrying(Some("k3y"), &error), "{error:?}");
        }
    }

    #[test]
    fn a_create_without_a_key_is_never_retried() {
        for error in [ApiError::Unreachable, ApiError::TimedOut, ApiError::Unavailable] {
            assert!(!worth_retrying(None, &error), "{error:?}");
            assert!(!worth_retrying(Some(""), &error), "{error:?}");
        }
    }

    #[test]
    fn an_answer_that_arrived_is_not_retried() {
        for error in [ApiError::EmailTaken, ApiError::PermissionDenied, ApiError::SessionExpired] {
            assert!(!worth_retrying(Some("k3y"), &error), "{error:?}");
        }
    }
}
