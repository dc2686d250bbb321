//! What a Garmin failure means for the caller (a refusal with a reason) and
//! for the link (its status, its last error in plain words, the rate-limit
//! cool-down), decided in one place.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

use crate::{
    domain::LinkStatus,
    error::{Error, Reason},
    garmin::GarminError,
};

/// The first cool-down after a data call is rate-limited; each further one
/// doubles, up to [`MAX_COOL_DOWN`] (GARMIN.md §0.1: seconds to minutes for
/// data calls, honouring `Retry-After` when Garmin sends one).
const FIRST_COOL_DOWN: Duration = Duration::seconds(30);
const MAX_COOL_DOWN: Duration = Duration::minutes(30);

/// What to record on the link after a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LinkFailure {
    pub(super) status: LinkStatus,
    pub(super) message: String,
    /// Until when, and the new strike count, when Garmin rate-limited.
    pub(super) cool_down: Option<(DateTime<Utc>, u32)>,
}

/// How long to stay away after the `strikes`-th rate limit in a row.
pub(super) fn cool_down(retry_after: Option<StdDuration>, strikes: u32) -> Duration {
    let doubling = FIRST_COOL_DOWN
        .checked_mul(1i32.checked_shl(strikes.saturating_sub(1).min(16)).unwrap_or(i32::MAX))
        .unwrap_or(MAX_COOL_DOWN)
        .min(MAX_COOL_DOWN);
    let asked =
        retry_after.and_then(|wait| Duration::from_std(wait).ok()).unwrap_or(Duration::zero());
    doubling.max(asked)
}

/// The link's new state after `error` on a call with a stored link
/// (`strikes`: the rate limits in a row so far), or None when the failure
/// says nothing about the link (a bad request, a missing workout).
pub(super) fn link_failure(
    error: &GarminError,
    strikes: u32,
    now: DateTime<Utc>,
) -> Option<LinkFailure> {
    match error {
        GarminError::TokensRejected(_) | GarminError::TokenNotActive => Some(LinkFailure {
            status: LinkStatus::NeedsRelogin,
            message: "Garmin asks you to sign in again: connect Garmin once more".to_owned(),
            cool_down: None,
        }),
        GarminError::RateLimited { retry_after } => {
            let strikes = strikes + 1;
            let until = now + cool_down(*retry_after, strikes);
            Some(LinkFailure {
                status: LinkStatus::RateLimited,
                message: format!(
                    "Garmin is rate-limiting this account until {} UTC",
                    until.format("%H:%M")
                ),
                cool_down: Some((until, strikes)),
            })
        }
        GarminError::Unavailable(why) => Some(LinkFailure {
            status: LinkStatus::Error,
            message: format!("{why}; Baton will try again"),
            cool_down: None,
        }),
        _ => None,
    }
}

/// The refusal the caller gets for `error`. `retry_after` is the cool-down
/// when the link recorded one.
pub(super) fn refusal(error: GarminError, retry_after: Option<Duration>) -> Error {
    let reason = match error {
        GarminError::WrongPassword => Reason::GarminWrongPassword,
        GarminError::WrongMfaCode => Reason::GarminWrongMfaCode,
        GarminError::SignInBlocked(why) => {
            tracing::info!(reason = %why, "Garmin refused a scripted sign-in");
            Reason::GarminSignInBlocked
        }
        GarminError::TicketRejected => Reason::GarminTicketRejected,
        GarminError::TokensRejected(_) | GarminError::TokenNotActive => Reason::GarminNeedsRelogin,
        GarminError::RateLimited { retry_after: asked } => {
            let wait = retry_after
                .and_then(|wait| wait.to_std().ok())
                .or(asked)
                .unwrap_or_else(|| StdDuration::from_secs(60));
            return Error::Refused { reason: Reason::GarminRateLimited, retry_after: Some(wait) };
        }
        GarminError::NotFound => return Error::NotFound("Garmin workout"),
        GarminError::Unavailable(why) | GarminError::Refused(why) => {
            tracing::warn!(reason = %why, "a Garmin call failed");
            Reason::GarminUnavailable
        }
    };
    Error::refused(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cool_downs_grow_and_honour_retry_after() {
        assert_eq!(cool_down(None, 1), Duration::seconds(30));
        assert_eq!(cool_down(None, 2), Duration::seconds(60));
        assert_eq!(cool_down(None, 3), Duration::seconds(120));
        assert_eq!(cool_down(None, 40), Duration::minutes(30));
        assert_eq!(cool_down(Some(StdDuration::from_secs(600)), 1), Duration::seconds(600));
    }

    #[test]
    fn rate_limits_record_a_cool_down_and_say_until_when() {
        let now = Utc::now();
        let failure =
            link_failure(&GarminError::RateLimited { retry_after: None }, 0, now).unwrap();
        assert_eq!(failure.status, LinkStatus::RateLimited);
        let (until, strikes) = failure.cool_down.unwrap();
        assert_eq!((until, strikes), (now + Duration::seconds(30), 1));
        assert!(failure.message.contains("until"));
        assert!(link_failure(&GarminError::NotFound, 0, now).is_none());
    }

    #[test]
    fn nothing_garmin_does_is_internal() {
        for error in [
            GarminError::WrongPassword,
            GarminError::Unavailable("down".into()),
            GarminError::Refused("bad".into()),
            GarminError::TokenNotActive,
            GarminError::RateLimited { retry_after: None },
        ] {
            let status = tonic::Status::from(refusal(error, None));
            assert_ne!(status.code(), tonic::Code::Internal);
        }
    }
}
