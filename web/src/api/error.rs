//! `ApiError`: what went wrong with a backend call, in words a person can act
//! on. The one place where gRPC status codes become messages.

use std::fmt;

use tonic::{Code, Status};
use tonic_types::StatusExt;

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
    /// Signed in, but not allowed to do this.
    PermissionDenied,
    /// Some fields were rejected.
    InvalidArgument { message: String, violations: Vec<FieldViolation> },
    /// Throttled: too many attempts or an overloaded server.
    TooManyAttempts,
    /// The request never got an answer (network down, server stopped).
    Unreachable,
    /// The server answered that it is temporarily unable to serve.
    Unavailable,
    /// The server took too long.
    TimedOut,
    /// The thing asked for does not exist.
    NotFound,
    /// The thing to create exists already.
    AlreadyExists,
    /// Valid request, but not possible in the current state.
    FailedPrecondition(String),
    /// Sign-in needs a second factor, which this version cannot ask for yet.
    SecondFactorRequired,
    /// The invite link is unknown, used, revoked or expired.
    InviteUnusable,
    /// An invite was accepted as a new account, but the email has one.
    AccountExists,
    /// The signed-in account is not the one the invite is addressed to.
    InviteForSomeoneElse,
    /// The password reset link is unknown, used or expired.
    ResetLinkUnusable,
    /// Google sign-in did not complete (cancelled, expired, another
    /// browser, or a Google account Baton does not know).
    GoogleRefused,
    /// The Google account is already attached to another Baton account.
    GoogleAccountTaken,
    /// Anything else: a bug on either side. Carries the server's opaque text.
    Unexpected(String),
}

impl ApiError {
    /// Maps a status from an authenticated call (UNAUTHENTICATED there means
    /// the session is gone, not that a password was wrong).
    pub fn from_status(status: &Status) -> Self {
        match status.code() {
            Code::Unauthenticated => Self::SessionExpired,
            Code::PermissionDenied => Self::PermissionDenied,
            Code::InvalidArgument => Self::InvalidArgument {
                message: status.message().to_owned(),
                violations: status
                    .get_details_bad_request()
                    .map(|details| {
                        details
                            .field_violations
                            .into_iter()
                            .map(|v| FieldViolation { field: v.field, description: v.description })
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            Code::ResourceExhausted => Self::TooManyAttempts,
            Code::Unavailable if is_transport_failure(status) => Self::Unreachable,
            Code::Unavailable => Self::Unavailable,
            Code::DeadlineExceeded => Self::TimedOut,
            Code::NotFound => Self::NotFound,
            Code::AlreadyExists => Self::AlreadyExists,
            Code::FailedPrecondition => Self::FailedPrecondition(status.message().to_owned()),
            _ if is_transport_failure(status) => Self::Unreachable,
            _ => Self::Unexpected(status.message().to_owned()),
        }
    }

    /// Maps a status from a sign-in call, where UNAUTHENTICATED means the
    /// credentials were refused.
    pub fn from_login_status(status: &Status) -> Self {
        match status.code() {
            Code::Unauthenticated => Self::WrongCredentials,
            _ => Self::from_status(status),
        }
    }

    /// Maps a status from an invite call (GetInvite, AcceptInvite, starting
    /// Google for an invite): FAILED_PRECONDITION there names the invite.
    pub fn from_invite_status(status: &Status) -> Self {
        match status.code() {
            Code::FailedPrecondition if status.message().contains("already exists") => {
                Self::AccountExists
            }
            Code::FailedPrecondition if status.message().contains("invalid, used or expired") => {
                Self::InviteUnusable
            }
            Code::PermissionDenied => Self::InviteForSomeoneElse,
            Code::AlreadyExists => Self::GoogleAccountTaken,
            _ => Self::from_status(status),
        }
    }

    /// Maps a status from ResetPassword.
    pub fn from_reset_status(status: &Status) -> Self {
        match status.code() {
            Code::FailedPrecondition => Self::ResetLinkUnusable,
            _ => Self::from_status(status),
        }
    }

    /// Maps a status from a call finishing a Google flow, where
    /// UNAUTHENTICATED means Google's answer was not accepted.
    pub fn from_google_status(status: &Status) -> Self {
        match status.code() {
            Code::Unauthenticated => Self::GoogleRefused,
            Code::AlreadyExists => Self::GoogleAccountTaken,
            _ => Self::from_invite_status(status),
        }
    }

    /// The message the backend attached to one field, if any.
    pub fn field_error(&self, field: &str) -> Option<String> {
        match self {
            Self::InvalidArgument { violations, .. } => {
                violations.iter().find(|v| v.field == field).map(|v| v.description.clone())
            }
            _ => None,
        }
    }
}

/// True when the call failed before any gRPC answer arrived: `fetch` rejected
/// (network down, server stopped) or something that is not a gRPC server
/// answered.
fn is_transport_failure(status: &Status) -> bool {
    let mut source = std::error::Error::source(status);
    while let Some(err) = source {
        if err.downcast_ref::<tonic_web_wasm_client::Error>().is_some() {
            return true;
        }
        source = err.source();
    }
    // The client stringifies JS errors into the message when it cannot keep
    // the source.
    status.message().contains("JS API error")
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongCredentials => f.write_str("Wrong email or password."),
            Self::SessionExpired => f.write_str("Your session has ended. Please sign in again."),
            Self::PermissionDenied => f.write_str("You don't have permission to do that."),
            Self::InvalidArgument { message, violations } if violations.is_empty() => {
                if message.is_empty() {
                    f.write_str("Some of the details aren't valid.")
                } else {
                    write!(f, "Some of the details aren't valid: {message}")
                }
            }
            Self::InvalidArgument { .. } => f.write_str("Please correct the marked fields."),
            Self::TooManyAttempts => f.write_str("Too many attempts — try again in a minute."),
            Self::Unreachable => {
                f.write_str("The server can't be reached. Check your connection and try again.")
            }
            Self::Unavailable => f.write_str("The server is busy or down — try again shortly."),
            Self::TimedOut => f.write_str("The server took too long to answer. Try again."),
            Self::NotFound => f.write_str("That no longer exists."),
            Self::AlreadyExists => f.write_str("That exists already."),
            Self::FailedPrecondition(message) if message.is_empty() => {
                f.write_str("That can't be done right now.")
            }
            Self::FailedPrecondition(message) => {
                write!(f, "That can't be done right now: {message}")
            }
            Self::SecondFactorRequired => f.write_str(
                "This account needs a second sign-in step, which this app can't ask for yet.",
            ),
            Self::InviteUnusable => f.write_str(
                "This invite link can't be used any more: it has expired, was used already or was revoked. Ask whoever invited you for a new link.",
            ),
            Self::AccountExists => f.write_str(
                "An account with this email already exists: sign in first, then accept the invite.",
            ),
            Self::InviteForSomeoneElse => f.write_str(
                "This invite is addressed to another email address. Sign out, then sign in with the invited account.",
            ),
            Self::ResetLinkUnusable => f.write_str(
                "This reset link can't be used any more: it has expired or was used already. Ask an admin for a new one.",
            ),
            Self::GoogleRefused => f.write_str(
                "Google sign-in didn't work. It may have taken too long, been started in another browser, or this Google account isn't linked to a Baton account yet (sign in with your password and link it in Settings).",
            ),
            Self::GoogleAccountTaken => {
                f.write_str("This Google account already belongs to another Baton account.")
            }
            Self::Unexpected(message) if message.is_empty() => {
                f.write_str("Something went wrong. Please try again.")
            }
            Self::Unexpected(message) => {
                write!(f, "Something went wrong. Please try again. ({message})")
            }
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthenticated_login_reads_as_wrong_credentials() {
        let err = ApiError::from_login_status(&Status::unauthenticated("nope"));
        assert_eq!(err.to_string(), "Wrong email or password.");
    }

    #[test]
    fn throttling_reads_as_too_many_attempts() {
        let err = ApiError::from_status(&Status::resource_exhausted("slow down"));
        assert_eq!(err, ApiError::TooManyAttempts);
    }

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
    fn invite_failures_read_in_words() {
        let used = Status::failed_precondition("this invite link is invalid, used or expired");
        assert_eq!(ApiError::from_invite_status(&used), ApiError::InviteUnusable);
        let taken = Status::failed_precondition(
            "an account with this email already exists: sign in, then accept the invite",
        );
        let err = ApiError::from_invite_status(&taken);
        assert_eq!(err, ApiError::AccountExists);
        assert!(err.to_string().contains("sign in first"));
        let own = Status::failed_precondition("a coach cannot accept their own invite");
        assert!(matches!(ApiError::from_invite_status(&own), ApiError::FailedPrecondition(_)));
    }

    #[test]
    fn google_refusals_are_not_session_expiry() {
        let refused = Status::unauthenticated("authentication failed");
        assert_eq!(ApiError::from_google_status(&refused), ApiError::GoogleRefused);
        let taken = Status::already_exists("belongs to another account");
        assert_eq!(ApiError::from_google_status(&taken), ApiError::GoogleAccountTaken);
    }

    #[test]
    fn used_reset_links_read_in_words() {
        let used = Status::failed_precondition("this reset link is invalid, used or expired");
        assert!(ApiError::from_reset_status(&used).to_string().contains("Ask an admin"));
    }

    #[test]
    fn fetch_failure_reads_as_unreachable() {
        let err =
            ApiError::from_status(&Status::unknown("JS API error: TypeError: Failed to fetch"));
        assert_eq!(err, ApiError::Unreachable);
    }
}
