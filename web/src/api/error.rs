//! `ApiError`: what went wrong with a backend call, in words a person can
//! act on. The variant comes from the status code plus, where the backend
//! names one, the `google.rpc.ErrorInfo` reason (a
//! `baton.error.v1.ErrorReason` value name); never from the message, which
//! is written for people and may change. The mapping is in [`status`].

mod status;

use std::{fmt, time::Duration};

/// One invalid field reported by the backend (`google.rpc.BadRequest`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldViolation {
    /// The request field, e.g. `email`.
    pub field: String,
    /// Why it was rejected, for a person.
    pub description: String,
}

/// A failed backend call, as pages see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// Sign-in refused (unknown email, wrong password, disabled account).
    WrongCredentials,
    /// The session ended (refresh token expired, revoked or used elsewhere).
    SessionExpired,
    /// Sign-in needs a second factor, which this version cannot ask for yet.
    SecondFactorRequired,
    /// The change needs a sign-in from the last few minutes: confirm who
    /// you are (`Api::reauthenticate`), then retry.
    RecentSignInRequired,
    /// Signed in, but not allowed to do this.
    PermissionDenied,
    /// Some fields were rejected.
    InvalidArgument { message: String, violations: Vec<FieldViolation> },
    /// Throttled; `retry_after` when the server said how long to wait.
    TooManyAttempts { retry_after: Option<Duration> },
    /// The request never got an answer (network down, server stopped).
    Unreachable,
    /// The server answered that it is temporarily unable to serve.
    Unavailable,
    /// The server took too long.
    TimedOut,
    /// The thing asked for does not exist.
    NotFound,
    /// The thing to create exists already (no more specific reason given).
    AlreadyExists,
    /// Another account has this email address.
    EmailTaken,
    /// Valid request, but not possible in the current state, for a reason
    /// this version does not know. Carries the server's words.
    FailedPrecondition(String),
    /// An invite, account setup or password reset link is unknown, used,
    /// revoked or expired.
    LinkUnusable,
    /// An invite was accepted as a new account, but the email has one.
    AccountExists,
    /// The signed-in account is not the one the invite is addressed to.
    InviteForSomeoneElse,
    /// A coach tried to accept their own invite.
    OwnInvite,
    /// The invite was accepted already, so it cannot be revoked.
    InviteAlreadyAccepted,
    /// The person is already the coach's athlete.
    AlreadyYourAthlete,
    /// Google sign-in did not complete (cancelled, expired, another
    /// browser, or a Google account Baton does not know).
    GoogleRefused,
    /// The Google account is already attached to another Baton account.
    GoogleAccountTaken,
    /// This server has no Google sign-in.
    GoogleNotConfigured,
    /// The account has Google already.
    GoogleAlreadyLinked,
    /// The account has no Google sign-in.
    GoogleNotLinked,
    /// Not the Google account linked to this Baton account.
    GoogleAccountMismatch,
    /// Google cannot be reached right now.
    GoogleUnavailable,
    /// Removing Google would leave the account no way to sign in.
    LastSignInMethod,
    /// Admins cannot delete, deactivate or demote themselves.
    OwnAccount,
    /// The change would leave Baton without an active admin.
    LastAdmin,
    /// The account is deactivated.
    AccountInactive,
    /// No Garmin account is linked: connect one first.
    GarminNotConnected,
    /// Garmin refused the stored tokens: connect again.
    GarminNeedsRelogin,
    /// Garmin refuses to let Baton sign in for this account (captcha, bot
    /// check, blocked address): sign in in the browser or import a file.
    GarminSignInBlocked,
    /// A wrong Garmin email or password (field `password`).
    GarminWrongPassword,
    /// Garmin rejected the MFA code (field `code`); the same pending login
    /// takes another try.
    GarminWrongMfaCode,
    /// The pending Garmin sign-in is gone (expired or used): start again.
    GarminPendingLoginUnusable,
    /// Garmin refused the service ticket (used, expired, another service).
    GarminTicketRejected,
    /// Garmin rejected the imported tokens (field `tokens_json`).
    GarminTokensRejected,
    /// Garmin rate-limits the account; `retry_after` when it said how long.
    GarminRateLimited { retry_after: Option<Duration> },
    /// Garmin is down, slow or answered nonsense.
    GarminUnavailable,
    /// A sync of this Garmin account is already running.
    GarminSyncRunning,
    /// Garmin would not take a copy of the workout.
    GarminRefusedWorkout,
    /// The share is being imported right now.
    ShareImporting,
    /// The share is in the athlete's Garmin already.
    ShareImported,
    /// The coach withdrew the share.
    ShareRevoked,
    /// Garmin would refuse a copy of one of the workouts: nothing was shared.
    WorkoutNotCopyable,
    /// Anything else: a bug on either side. Carries the server's opaque text.
    Unexpected(String),
}

impl ApiError {
    /// What to say under one field when the backend refused it: its
    /// words for a plain violation, ours for a refusal with a reason.
    pub fn field_error(&self, field: &str) -> Option<String> {
        let ours = match (self, field) {
            (Self::InvalidArgument { violations, .. }, _) => {
                return violations.iter().find(|v| v.field == field).map(|v| v.description.clone());
            }
            (Self::GarminWrongPassword, "password") => {
                "Garmin didn't accept this email and password. Check both and try again."
            }
            (Self::GarminWrongMfaCode, "code") => {
                "That isn't the code Garmin sent. Check it and try again."
            }
            (Self::GarminTokensRejected, "tokens_json") => {
                "Garmin didn't accept the tokens in this file: they may have expired. Make a new file and import it."
            }
            _ => return None,
        };
        Some(ours.to_owned())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::WrongCredentials => "Wrong email or password.",
            Self::SessionExpired => "Your session has ended. Please sign in again.",
            Self::SecondFactorRequired => {
                "This account needs a second sign-in step, which this app can't ask for yet."
            }
            Self::RecentSignInRequired => {
                "For your safety, please confirm it's you (with your password or Google), then try again."
            }
            Self::PermissionDenied => "You don't have permission to do that.",
            Self::InvalidArgument { message, violations } if violations.is_empty() => {
                return if message.is_empty() {
                    f.write_str("Some of the details aren't valid.")
                } else {
                    write!(f, "Some of the details aren't valid: {message}")
                };
            }
            Self::InvalidArgument { .. } => "Please correct the marked fields.",
            Self::TooManyAttempts { retry_after: Some(wait) } => {
                return write!(f, "Too many attempts — try again in {}.", in_words(*wait));
            }
            Self::TooManyAttempts { retry_after: None } => {
                "Too many attempts — try again in a minute."
            }
            Self::Unreachable => {
                "The server can't be reached. Check your connection and try again."
            }
            Self::Unavailable => "The server is busy or down — try again shortly.",
            Self::TimedOut => "The server took too long to answer. Try again.",
            Self::NotFound => "That no longer exists.",
            Self::AlreadyExists => "That exists already.",
            Self::EmailTaken => "Another Baton account has this email address.",
            Self::FailedPrecondition(message) if message.is_empty() => {
                "That can't be done right now."
            }
            Self::FailedPrecondition(message) => {
                return write!(f, "That can't be done right now: {message}");
            }
            Self::LinkUnusable => {
                "This link can't be used any more: it has expired, was used already or was revoked. Ask whoever sent it to you for a new one."
            }
            Self::AccountExists => {
                "This email already has a Baton account: sign in first, then accept the invite."
            }
            Self::InviteForSomeoneElse => {
                "This invite is addressed to another email address. Sign out, then sign in with the invited account."
            }
            Self::OwnInvite => "This is your own invite: send the link to the person you invited.",
            Self::InviteAlreadyAccepted => {
                "That invite has been accepted already, so it can't be revoked."
            }
            Self::AlreadyYourAthlete => "That person is your athlete already.",
            Self::GoogleRefused => {
                "Google sign-in didn't work. It may have taken too long, been started in another browser, or this Google account isn't linked to a Baton account yet (sign in with your password and link it in Settings)."
            }
            Self::GoogleAccountTaken => {
                "This Google account already belongs to another Baton account."
            }
            Self::GoogleNotConfigured => "This Baton server doesn't offer Google sign-in.",
            Self::GoogleAlreadyLinked => "Google is linked to this account already.",
            Self::GoogleNotLinked => "Google isn't linked to this account.",
            Self::GoogleAccountMismatch => {
                "That's a different Google account from the one linked to this Baton account. Choose the linked one."
            }
            Self::GoogleUnavailable => "Google can't be reached right now. Try again shortly.",
            Self::LastSignInMethod => {
                "Google is the only way into this account. Set a password first, then remove Google."
            }
            Self::OwnAccount => "You can't do that to your own account.",
            Self::LastAdmin => "Baton must keep at least one active admin.",
            Self::AccountInactive => "This account is deactivated: activate it first.",
            Self::GarminNotConnected => {
                "No Garmin account is connected yet. Connect one on the Garmin page first."
            }
            Self::GarminNeedsRelogin => {
                "Garmin asks you to sign in again: connect your Garmin account once more on the Garmin page."
            }
            Self::GarminSignInBlocked => {
                "Garmin won't let Baton sign in for you on this account. Sign in with Garmin in your browser instead, or import a token file."
            }
            Self::GarminWrongPassword => "Garmin didn't accept this email and password.",
            Self::GarminWrongMfaCode => "That isn't the code Garmin sent. Try again.",
            Self::GarminPendingLoginUnusable => {
                "This Garmin sign-in has expired or was finished already. Start again with your email and password."
            }
            Self::GarminTicketRejected => {
                "Garmin didn't accept the sign-in: its ticket works once and only for a short while. Sign in at Garmin again and use the new one straight away."
            }
            Self::GarminTokensRejected => {
                "Garmin didn't accept the tokens in this file: they may have expired. Make a new file and import it."
            }
            Self::GarminRateLimited { retry_after: Some(wait) } => {
                return write!(
                    f,
                    "Garmin is limiting requests for this account. Try again in {}.",
                    in_words(*wait)
                );
            }
            Self::GarminRateLimited { retry_after: None } => {
                "Garmin is limiting requests for this account. Try again later."
            }
            Self::GarminUnavailable => {
                "Garmin can't be reached right now or answered strangely. Try again in a few minutes."
            }
            Self::GarminSyncRunning => {
                "Your Garmin library is being synced already. Wait for that sync to finish."
            }
            Self::GarminRefusedWorkout => {
                "Garmin refused this workout. Ask your coach to check it in Garmin Connect."
            }
            Self::ShareImporting => "This workout is being imported right now. Wait a moment.",
            Self::ShareImported => {
                "This workout is in the athlete's Garmin already: withdraw it only together with deleting it there."
            }
            Self::ShareRevoked => "Your coach withdrew this workout.",
            Self::WorkoutNotCopyable => {
                "Garmin won't take a copy of one of these workouts, so nothing was shared. Check it in Garmin Connect, sync, and try again."
            }
            Self::Unexpected(message) if message.is_empty() => {
                "Something went wrong. Please try again."
            }
            Self::Unexpected(message) => {
                return write!(f, "Something went wrong. Please try again. ({message})");
            }
        };
        f.write_str(text)
    }
}

impl std::error::Error for ApiError {}

/// "30 seconds", "1 minute", "5 minutes" (rounded up).
fn in_words(wait: Duration) -> String {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    match seconds {
        0..=1 => "a second".to_owned(),
        2..=90 => format!("{seconds} seconds"),
        _ => {
            let minutes = seconds.div_ceil(60);
            format!("{minutes} minutes")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_are_found_by_field_name() {
        let err = ApiError::InvalidArgument {
            message: String::new(),
            violations: vec![FieldViolation {
                field: "email".into(),
                description: "is not an email address".into(),
            }],
        };
        assert_eq!(err.field_error("email").as_deref(), Some("is not an email address"));
        assert_eq!(err.field_error("password"), None);
        assert_eq!(err.to_string(), "Please correct the marked fields.");
    }

    #[test]
    fn a_known_wait_is_said_in_words() {
        let err = ApiError::TooManyAttempts { retry_after: Some(Duration::from_secs(30)) };
        assert_eq!(err.to_string(), "Too many attempts — try again in 30 seconds.");
        let err = ApiError::TooManyAttempts { retry_after: Some(Duration::from_secs(301)) };
        assert_eq!(err.to_string(), "Too many attempts — try again in 6 minutes.");
        let err = ApiError::TooManyAttempts { retry_after: None };
        assert!(err.to_string().contains("in a minute"));
    }

    #[test]
    fn garmin_refusals_of_one_field_say_so_under_it() {
        for (error, field) in [
            (ApiError::GarminWrongPassword, "password"),
            (ApiError::GarminWrongMfaCode, "code"),
            (ApiError::GarminTokensRejected, "tokens_json"),
        ] {
            assert!(error.field_error(field).is_some(), "{error:?}");
            assert_eq!(error.field_error("email"), None, "{error:?}");
        }
        assert_eq!(ApiError::GarminSignInBlocked.field_error("password"), None);
    }

    #[test]
    fn a_garmin_rate_limit_says_how_long_to_wait() {
        let err = ApiError::GarminRateLimited { retry_after: Some(Duration::from_secs(600)) };
        assert!(err.to_string().ends_with("Try again in 10 minutes."), "{err}");
    }

    #[test]
    fn a_precondition_without_a_known_reason_reads_generically() {
        assert_eq!(
            ApiError::FailedPrecondition(String::new()).to_string(),
            "That can't be done right now."
        );
        assert!(
            ApiError::FailedPrecondition("words".into())
                .to_string()
                .starts_with("That can't be done right now: ")
        );
    }
}
