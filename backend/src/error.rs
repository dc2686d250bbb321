//! The one error type of the use cases, and the single place where an error
//! becomes a gRPC status. Refusals a client must tell apart carry a
//! [`Reason`], sent as a `google.rpc.ErrorInfo` whose reason string is the
//! `baton.error.v1.ErrorReason` value name. Internal details are logged here
//! with a correlation id; the client sees only the id.

use std::time::Duration;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::crypto::CryptoError;

/// The `google.rpc.ErrorInfo` domain of every Baton reason.
pub const ERROR_DOMAIN: &str = "baton";

/// One bad field of a request, shown to people next to that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

impl FieldViolation {
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self { field: field.into(), description: description.into() }
    }
}

/// Why a request was refused, when the client must be able to tell. Each
/// reason travels under one status code and has one sentence for people;
/// clients match the reason's name, never the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    LinkUnusable,
    AccountExists,
    InviteAddressedElsewhere,
    OwnInvite,
    InviteAlreadyAccepted,
    AlreadyYourAthlete,
    EmailTaken,
    RecentSignInRequired,
    SelfSignupDisabled,
    GoogleNotConfigured,
    GoogleAccountTaken,
    GoogleAlreadyLinked,
    GoogleNotLinked,
    LastSignInMethod,
    GoogleAccountMismatch,
    OwnAccount,
    LastAdmin,
    AccountInactive,
    NotAnActiveCoach,
    NotAnActiveAthlete,
    TooManyAttempts,
    ServerBusy,
    DatabaseUnavailable,
    GoogleUnavailable,
    GarminNotConnected,
    GarminNeedsRelogin,
    GarminSignInBlocked,
    GarminWrongPassword,
    GarminWrongMfaCode,
    GarminPendingLoginUnusable,
    GarminTicketRejected,
    GarminTokensRejected,
    GarminRateLimited,
    GarminUnavailable,
    GarminSyncRunning,
    ShareImporting,
    ShareImported,
    ShareRevoked,
    WorkoutNotCopyable,
    GarminRefusedWorkout,
}

impl Reason {
    /// Every reason, for the tests that hold them to the proto and the SPA.
    pub const ALL: [Reason; 40] = [
        Reason::LinkUnusable,
        Reason::AccountExists,
        Reason::InviteAddressedElsewhere,
        Reason::OwnInvite,
        Reason::InviteAlreadyAccepted,
        Reason::AlreadyYourAthlete,
        Reason::EmailTaken,
        Reason::RecentSignInRequired,
        Reason::SelfSignupDisabled,
        Reason::GoogleNotConfigured,
        Reason::GoogleAccountTaken,
        Reason::GoogleAlreadyLinked,
        Reason::GoogleNotLinked,
        Reason::LastSignInMethod,
        Reason::GoogleAccountMismatch,
        Reason::OwnAccount,
        Reason::LastAdmin,
        Reason::AccountInactive,
        Reason::NotAnActiveCoach,
        Reason::NotAnActiveAthlete,
        Reason::TooManyAttempts,
        Reason::ServerBusy,
        Reason::DatabaseUnavailable,
        Reason::GoogleUnavailable,
        Reason::GarminNotConnected,
        Reason::GarminNeedsRelogin,
        Reason::GarminSignInBlocked,
        Reason::GarminWrongPassword,
        Reason::GarminWrongMfaCode,
        Reason::GarminPendingLoginUnusable,
        Reason::GarminTicketRejected,
        Reason::GarminTokensRejected,
        Reason::GarminRateLimited,
        Reason::GarminUnavailable,
        Reason::GarminSyncRunning,
        Reason::ShareImporting,
        Reason::ShareImported,
        Reason::ShareRevoked,
        Reason::WorkoutNotCopyable,
        Reason::GarminRefusedWorkout,
    ];

    /// The `baton.error.v1.ErrorReason` value name: the wire string.
    pub fn name(self) -> &'static str {
        match self {
            Reason::LinkUnusable => "LINK_UNUSABLE",
            Reason::AccountExists => "ACCOUNT_EXISTS",
            Reason::InviteAddressedElsewhere => "INVITE_ADDRESSED_ELSEWHERE",
            Reason::OwnInvite => "OWN_INVITE",
            Reason::InviteAlreadyAccepted => "INVITE_ALREADY_ACCEPTED",
            Reason::AlreadyYourAthlete => "ALREADY_YOUR_ATHLETE",
            Reason::EmailTaken => "EMAIL_TAKEN",
            Reason::RecentSignInRequired => "RECENT_SIGN_IN_REQUIRED",
            Reason::SelfSignupDisabled => "SELF_SIGNUP_DISABLED",
            Reason::GoogleNotConfigured => "GOOGLE_NOT_CONFIGURED",
            Reason::GoogleAccountTaken => "GOOGLE_ACCOUNT_TAKEN",
            Reason::GoogleAlreadyLinked => "GOOGLE_ALREADY_LINKED",
            Reason::GoogleNotLinked => "GOOGLE_NOT_LINKED",
            Reason::LastSignInMethod => "LAST_SIGN_IN_METHOD",
            Reason::GoogleAccountMismatch => "GOOGLE_ACCOUNT_MISMATCH",
            Reason::OwnAccount => "OWN_ACCOUNT",
            Reason::LastAdmin => "LAST_ADMIN",
            Reason::AccountInactive => "ACCOUNT_INACTIVE",
            Reason::NotAnActiveCoach => "NOT_AN_ACTIVE_COACH",
            Reason::NotAnActiveAthlete => "NOT_AN_ACTIVE_ATHLETE",
            Reason::TooManyAttempts => "TOO_MANY_ATTEMPTS",
            Reason::ServerBusy => "SERVER_BUSY",
            Reason::DatabaseUnavailable => "DATABASE_UNAVAILABLE",
            Reason::GoogleUnavailable => "GOOGLE_UNAVAILABLE",
            Reason::GarminNotConnected => "GARMIN_NOT_CONNECTED",
            Reason::GarminNeedsRelogin => "GARMIN_NEEDS_RELOGIN",
            Reason::GarminSignInBlocked => "GARMIN_SIGN_IN_BLOCKED",
            Reason::GarminWrongPassword => "GARMIN_WRONG_PASSWORD",
            Reason::GarminWrongMfaCode => "GARMIN_WRONG_MFA_CODE",
            Reason::GarminPendingLoginUnusable => "GARMIN_PENDING_LOGIN_UNUSABLE",
            Reason::GarminTicketRejected => "GARMIN_TICKET_REJECTED",
            Reason::GarminTokensRejected => "GARMIN_TOKENS_REJECTED",
            Reason::GarminRateLimited => "GARMIN_RATE_LIMITED",
            Reason::GarminUnavailable => "GARMIN_UNAVAILABLE",
            Reason::GarminSyncRunning => "GARMIN_SYNC_RUNNING",
            Reason::ShareImporting => "SHARE_IMPORTING",
            Reason::ShareImported => "SHARE_IMPORTED",
            Reason::ShareRevoked => "SHARE_REVOKED",
            Reason::WorkoutNotCopyable => "WORKOUT_NOT_COPYABLE",
            Reason::GarminRefusedWorkout => "GARMIN_REFUSED_WORKOUT",
        }
    }

    /// The reason whose wire name is `name`.
    pub fn from_name(name: &str) -> Option<Reason> {
        Self::ALL.into_iter().find(|reason| reason.name() == name)
    }

    /// The status code the reason travels under (as the proto documents).
    pub fn code(self) -> Code {
        match self {
            Reason::InviteAddressedElsewhere => Code::PermissionDenied,
            Reason::EmailTaken | Reason::GoogleAccountTaken => Code::AlreadyExists,
            Reason::TooManyAttempts | Reason::ServerBusy => Code::ResourceExhausted,
            Reason::DatabaseUnavailable
            | Reason::GoogleUnavailable
            | Reason::GarminRateLimited
            | Reason::GarminUnavailable => Code::Unavailable,
            Reason::GarminWrongPassword
            | Reason::GarminWrongMfaCode
            | Reason::GarminTokensRejected => Code::InvalidArgument,
            Reason::GarminSyncRunning => Code::Aborted,
            _ => Code::FailedPrecondition,
        }
    }

    /// The request field an INVALID_ARGUMENT reason is about, reported as a
    /// field violation too (so forms can show it beside the field).
    pub fn field(self) -> Option<&'static str> {
        match self {
            Reason::GarminWrongPassword => Some("password"),
            Reason::GarminWrongMfaCode => Some("code"),
            Reason::GarminTokensRejected => Some("tokens_json"),
            _ => None,
        }
    }

    /// The status message: words for people reading logs or a raw client.
    pub fn message(self) -> &'static str {
        match self {
            Reason::LinkUnusable => "this link is invalid, used or expired",
            Reason::AccountExists => {
                "an account with this email already exists: sign in, then accept the invite"
            }
            Reason::InviteAddressedElsewhere => "the invite is addressed to another account",
            Reason::OwnInvite => "a coach cannot accept their own invite",
            Reason::InviteAlreadyAccepted => "the invite was already accepted",
            Reason::AlreadyYourAthlete => "this person is already your athlete",
            Reason::EmailTaken => "another account uses this email",
            Reason::RecentSignInRequired => {
                "confirm it is you (sign in again) within the last 10 minutes, then retry"
            }
            Reason::SelfSignupDisabled => "self-registration is turned off",
            Reason::GoogleNotConfigured => "Google sign-in is not configured",
            Reason::GoogleAccountTaken => "this Google account belongs to another Baton account",
            Reason::GoogleAlreadyLinked => "this account already has a Google sign-in",
            Reason::GoogleNotLinked => "this account has no Google sign-in",
            Reason::LastSignInMethod => {
                "this is the account's only way to sign in: set a password first"
            }
            Reason::GoogleAccountMismatch => {
                "that Google account is not the one linked to this account"
            }
            Reason::OwnAccount => "admins cannot delete, deactivate or demote themselves",
            Reason::LastAdmin => "Baton needs at least one active admin",
            Reason::AccountInactive => "the account is deactivated",
            Reason::NotAnActiveCoach => "coach_id is not an active coach",
            Reason::NotAnActiveAthlete => "athlete_id is not an active athlete",
            Reason::TooManyAttempts => "too many attempts; try again later",
            Reason::ServerBusy => "the server is busy; try again shortly",
            Reason::DatabaseUnavailable => "the database is unavailable; try again shortly",
            Reason::GoogleUnavailable => "Google cannot be reached; try again shortly",
            Reason::GarminNotConnected => "no Garmin Connect account is linked: connect one first",
            Reason::GarminNeedsRelogin => {
                "Garmin no longer accepts the stored sign-in: connect Garmin again"
            }
            Reason::GarminSignInBlocked => {
                "Garmin refuses sign-in from Baton for this account: sign in in your browser or import a token file"
            }
            Reason::GarminWrongPassword => "Garmin rejected the email or password",
            Reason::GarminWrongMfaCode => "Garmin rejected the code; try again",
            Reason::GarminPendingLoginUnusable => {
                "this Garmin sign-in has expired or was finished: start again"
            }
            Reason::GarminTicketRejected => {
                "Garmin refused the sign-in ticket (used or expired): sign in at Garmin again"
            }
            Reason::GarminTokensRejected => "Garmin rejected these tokens",
            Reason::GarminRateLimited => "Garmin is rate-limiting this account; try again later",
            Reason::GarminUnavailable => "Garmin Connect cannot be reached; try again shortly",
            Reason::GarminSyncRunning => "a sync of this Garmin account is already running",
            Reason::ShareImporting => "the share is being imported; wait for the import to end",
            Reason::ShareImported => "the share is already in the athlete's Garmin account",
            Reason::ShareRevoked => "the coach withdrew this share",
            Reason::WorkoutNotCopyable => "Garmin would refuse a copy of this workout",
            Reason::GarminRefusedWorkout => "Garmin refused the copy of the workout",
        }
    }
}

/// What went wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Missing, invalid or expired credentials; every sign-in failure. The
    /// message is deliberately the same for all of them.
    #[error("authentication required")]
    Unauthenticated,
    #[error("permission denied")]
    PermissionDenied,
    #[error("invalid argument")]
    InvalidArgument(Vec<FieldViolation>),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A refusal with a reason the client can match.
    #[error("{}", .reason.message())]
    Refused {
        reason: Reason,
        /// When the client may try again, if known.
        retry_after: Option<Duration>,
    },
    #[error(transparent)]
    Db(#[from] crate::store::DbError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// A single-field INVALID_ARGUMENT.
    pub fn invalid(field: &str, description: impl Into<String>) -> Self {
        Self::InvalidArgument(vec![FieldViolation::new(field, description)])
    }

    /// A refusal for `reason`.
    pub fn refused(reason: Reason) -> Self {
        Self::Refused { reason, retry_after: None }
    }

    /// The reason, when the error carries one.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Error::Refused { reason, .. } => Some(*reason),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for Status {
    fn from(error: Error) -> Self {
        match error {
            Error::Unauthenticated | Error::Crypto(CryptoError::InvalidToken) => {
                Status::unauthenticated("authentication failed")
            }
            Error::PermissionDenied => Status::permission_denied("permission denied"),
            Error::InvalidArgument(violations) => {
                let mut details = ErrorDetails::new();
                for violation in &violations {
                    details.add_bad_request_violation(&violation.field, &violation.description);
                }
                let summary = violations
                    .iter()
                    .map(|v| format!("{}: {}", v.field, v.description))
                    .collect::<Vec<_>>()
                    .join("; ");
                Status::with_error_details(Code::InvalidArgument, summary, details)
            }
            Error::NotFound(what) => Status::not_found(format!("{what} not found")),
            Error::Refused { reason, retry_after } => refusal(reason, retry_after),
            Error::Crypto(CryptoError::Busy) => refusal(Reason::ServerBusy, None),
            Error::Db(db) if db.is_connection_error() => {
                tracing::warn!(error = %db, "database unavailable");
                refusal(Reason::DatabaseUnavailable, None)
            }
            other => internal(&other),
        }
    }
}

/// A status with the reason's code and words, an `ErrorInfo` naming the
/// reason, and a `RetryInfo` when the wait is known.
fn refusal(reason: Reason, retry_after: Option<Duration>) -> Status {
    let mut details = ErrorDetails::with_error_info(
        reason.name(),
        ERROR_DOMAIN,
        std::collections::HashMap::new(),
    );
    if let Some(delay) = retry_after {
        details.set_retry_info(Some(delay));
    }
    if let Some(field) = reason.field() {
        details.add_bad_request_violation(field, reason.message());
    }
    Status::with_error_details(reason.code(), reason.message(), details)
}

/// Logs the real cause under a fresh correlation id and hides it from the client.
fn internal(error: &Error) -> Status {
    let correlation_id = uuid::Uuid::new_v4();
    tracing::error!(%correlation_id, error = %error, "internal error");
    internal_status(correlation_id)
}

/// The INTERNAL answer the client sees: only the correlation id.
pub fn internal_status(correlation_id: uuid::Uuid) -> Status {
    Status::internal(format!("internal error (reference {correlation_id})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_carries_its_reason_as_error_info() {
        let status = Status::from(Error::refused(Reason::LinkUnusable));
        assert_eq!(status.code(), Code::FailedPrecondition);
        let info = status.get_details_error_info().expect("ErrorInfo");
        assert_eq!(info.reason, "LINK_UNUSABLE");
        assert_eq!(info.domain, ERROR_DOMAIN);
    }

    #[test]
    fn a_refusal_with_a_wait_carries_retry_info() {
        let error = Error::Refused {
            reason: Reason::TooManyAttempts,
            retry_after: Some(Duration::from_secs(30)),
        };
        let status = Status::from(error);
        assert_eq!(status.code(), Code::ResourceExhausted);
        let retry = status.get_details_retry_info().expect("RetryInfo");
        assert_eq!(retry.retry_delay, Some(Duration::from_secs(30)));
    }

    #[test]
    fn reason_names_are_unique() {
        let names: std::collections::HashSet<_> = Reason::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(names.len(), Reason::ALL.len());
    }

    #[test]
    fn every_reason_is_a_value_of_the_proto_enum_and_back() {
        use baton_proto::error::v1::ErrorReason;
        for reason in Reason::ALL {
            assert!(
                ErrorReason::from_str_name(reason.name()).is_some(),
                "{} not in the proto",
                reason.name()
            );
        }
        let descriptors = <prost_types::FileDescriptorSet as prost::Message>::decode(
            baton_proto::FILE_DESCRIPTOR_SET,
        )
        .unwrap();
        let values: Vec<String> = descriptors
            .file
            .iter()
            .flat_map(|file| &file.enum_type)
            .filter(|enumeration| enumeration.name() == "ErrorReason")
            .flat_map(|enumeration| &enumeration.value)
            .map(|value| value.name().to_owned())
            .filter(|name| name != "ERROR_REASON_UNSPECIFIED")
            .collect();
        assert!(!values.is_empty());
        for value in values {
            assert!(Reason::ALL.iter().any(|r| r.name() == value), "{value} has no Reason");
        }
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let status = Status::from(Error::Internal("secret detail".to_owned()));
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("secret"));
        assert!(status.message().contains("reference"));
    }
}
