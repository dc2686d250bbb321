//! The one place where a gRPC `Status` becomes an [`ApiError`]: by its code
//! and, for the refusals a person must tell apart, its `ErrorInfo` reason
//! (domain `baton`). A reason the SPA does not know, or one arriving under
//! another code than the contract gives it, reads as its code does.

use baton_proto::error::v1::ErrorReason;
use tonic::{Code, Status};
use tonic_types::StatusExt;

use super::{ApiError, FieldViolation};

/// The `google.rpc.ErrorInfo` domain of Baton's reasons.
const DOMAIN: &str = "baton";

impl ApiError {
    /// Maps a status from an authenticated call (UNAUTHENTICATED there means
    /// the session is gone, not that a password was wrong).
    pub fn from_status(status: &Status) -> Self {
        use ErrorReason as R;
        match (status.code(), reason(status)) {
            (Code::Unauthenticated, _) => Self::SessionExpired,
            (Code::PermissionDenied, Some(R::InviteAddressedElsewhere)) => {
                Self::InviteForSomeoneElse
            }
            (Code::PermissionDenied, _) => Self::PermissionDenied,
            (Code::InvalidArgument, _) => Self::InvalidArgument {
                message: status.message().to_owned(),
                violations: violations(status),
            },
            (Code::ResourceExhausted, Some(R::ServerBusy)) => Self::Unavailable,
            (Code::ResourceExhausted, _) => Self::TooManyAttempts {
                retry_after: status.get_details_retry_info().and_then(|info| info.retry_delay),
            },
            (Code::Unavailable, Some(R::GoogleUnavailable)) => Self::GoogleUnavailable,
            (Code::Unavailable, _) if is_transport_failure(status) => Self::Unreachable,
            (Code::Unavailable, _) => Self::Unavailable,
            (Code::DeadlineExceeded, _) => Self::TimedOut,
            (Code::NotFound, _) => Self::NotFound,
            (Code::AlreadyExists, Some(R::EmailTaken)) => Self::EmailTaken,
            (Code::AlreadyExists, Some(R::GoogleAccountTaken)) => Self::GoogleAccountTaken,
            (Code::AlreadyExists, _) => Self::AlreadyExists,
            (Code::FailedPrecondition, reason) => reason
                .and_then(precondition)
                .unwrap_or_else(|| Self::FailedPrecondition(status.message().to_owned())),
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

    /// Maps a status from a call that spends Google's answer (finishing a
    /// sign-in, an invite, a link or a re-authentication), where
    /// UNAUTHENTICATED means Google's answer was not accepted.
    pub fn from_google_status(status: &Status) -> Self {
        match status.code() {
            Code::Unauthenticated => Self::GoogleRefused,
            _ => Self::from_status(status),
        }
    }
}

/// The Baton reason the status carries, if any.
fn reason(status: &Status) -> Option<ErrorReason> {
    let info = status.get_details_error_info()?;
    if info.domain != DOMAIN {
        return None;
    }
    ErrorReason::from_str_name(&info.reason)
}

/// The FAILED_PRECONDITION reasons this version has words for.
fn precondition(reason: ErrorReason) -> Option<ApiError> {
    use ErrorReason as R;
    let error = match reason {
        R::LinkUnusable => ApiError::LinkUnusable,
        R::AccountExists => ApiError::AccountExists,
        R::OwnInvite => ApiError::OwnInvite,
        R::InviteAlreadyAccepted => ApiError::InviteAlreadyAccepted,
        R::AlreadyYourAthlete => ApiError::AlreadyYourAthlete,
        R::RecentSignInRequired => ApiError::RecentSignInRequired,
        R::GoogleNotConfigured => ApiError::GoogleNotConfigured,
        R::GoogleAlreadyLinked => ApiError::GoogleAlreadyLinked,
        R::GoogleNotLinked => ApiError::GoogleNotLinked,
        R::LastSignInMethod => ApiError::LastSignInMethod,
        R::GoogleAccountMismatch => ApiError::GoogleAccountMismatch,
        R::OwnAccount => ApiError::OwnAccount,
        R::LastAdmin => ApiError::LastAdmin,
        R::AccountInactive => ApiError::AccountInactive,
        _ => return None,
    };
    Some(error)
}

fn violations(status: &Status) -> Vec<FieldViolation> {
    status
        .get_details_bad_request()
        .map(|details| {
            details
                .field_violations
                .into_iter()
                .map(|v| FieldViolation { field: v.field, description: v.description })
                .collect()
        })
        .unwrap_or_default()
}

/// True when the call failed before any gRPC answer arrived: `fetch`
/// rejected (network down, server stopped) or something that is not a gRPC
/// server answered. The client's own error stays in the status's source
/// chain.
fn is_transport_failure(status: &Status) -> bool {
    let mut source = std::error::Error::source(status);
    while let Some(err) = source {
        if err.downcast_ref::<tonic_web_wasm_client::Error>().is_some() {
            return true;
        }
        source = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use std::{collections::HashMap, time::Duration};

    use tonic_types::{ErrorDetails, FieldViolation as PbViolation};

    use super::*;

    /// A status as the backend sends a refusal: code, words and a reason.
    fn refusal(code: Code, reason: &str) -> Status {
        let details = ErrorDetails::with_error_info(reason, DOMAIN, HashMap::new());
        Status::with_error_details(code, "words for people", details)
    }

    #[test]
    fn failed_preconditions_are_told_apart_by_reason() {
        let cases = [
            ("LINK_UNUSABLE", ApiError::LinkUnusable),
            ("ACCOUNT_EXISTS", ApiError::AccountExists),
            ("OWN_INVITE", ApiError::OwnInvite),
            ("INVITE_ALREADY_ACCEPTED", ApiError::InviteAlreadyAccepted),
            ("ALREADY_YOUR_ATHLETE", ApiError::AlreadyYourAthlete),
            ("RECENT_SIGN_IN_REQUIRED", ApiError::RecentSignInRequired),
            ("GOOGLE_NOT_CONFIGURED", ApiError::GoogleNotConfigured),
            ("GOOGLE_ALREADY_LINKED", ApiError::GoogleAlreadyLinked),
            ("GOOGLE_NOT_LINKED", ApiError::GoogleNotLinked),
            ("LAST_SIGN_IN_METHOD", ApiError::LastSignInMethod),
            ("GOOGLE_ACCOUNT_MISMATCH", ApiError::GoogleAccountMismatch),
            ("OWN_ACCOUNT", ApiError::OwnAccount),
            ("LAST_ADMIN", ApiError::LastAdmin),
            ("ACCOUNT_INACTIVE", ApiError::AccountInactive),
        ];
        for (reason, expected) in cases {
            let status = refusal(Code::FailedPrecondition, reason);
            assert_eq!(ApiError::from_status(&status), expected, "{reason}");
        }
    }

    #[test]
    fn other_codes_are_told_apart_by_reason() {
        let cases = [
            (Code::AlreadyExists, "EMAIL_TAKEN", ApiError::EmailTaken),
            (Code::AlreadyExists, "GOOGLE_ACCOUNT_TAKEN", ApiError::GoogleAccountTaken),
            (Code::PermissionDenied, "INVITE_ADDRESSED_ELSEWHERE", ApiError::InviteForSomeoneElse),
            (Code::ResourceExhausted, "SERVER_BUSY", ApiError::Unavailable),
            (Code::Unavailable, "GOOGLE_UNAVAILABLE", ApiError::GoogleUnavailable),
            (Code::Unavailable, "DATABASE_UNAVAILABLE", ApiError::Unavailable),
        ];
        for (code, reason, expected) in cases {
            assert_eq!(ApiError::from_status(&refusal(code, reason)), expected, "{reason}");
        }
    }

    #[test]
    fn a_failed_precondition_without_a_known_reason_keeps_the_servers_words() {
        let plain = Status::failed_precondition("no reason given");
        assert_eq!(
            ApiError::from_status(&plain),
            ApiError::FailedPrecondition("no reason given".into())
        );
        let unknown = refusal(Code::FailedPrecondition, "A_REASON_FROM_THE_FUTURE");
        assert_eq!(
            ApiError::from_status(&unknown),
            ApiError::FailedPrecondition("words for people".into())
        );
        let not_ours = Status::with_error_details(
            Code::FailedPrecondition,
            "elsewhere",
            ErrorDetails::with_error_info("LINK_UNUSABLE", "example.com", HashMap::new()),
        );
        assert_eq!(
            ApiError::from_status(&not_ours),
            ApiError::FailedPrecondition("elsewhere".into())
        );
    }

    #[test]
    fn the_message_alone_never_decides() {
        // The words a reason's status carries, sent without the reason.
        let status = Status::failed_precondition("link unusable: invalid, used or expired");
        assert!(matches!(ApiError::from_status(&status), ApiError::FailedPrecondition(_)));
        let status = Status::already_exists("email taken");
        assert_eq!(ApiError::from_status(&status), ApiError::AlreadyExists);
    }

    #[test]
    fn a_reason_under_an_unexpected_code_reads_as_the_code() {
        let status = refusal(Code::NotFound, "LINK_UNUSABLE");
        assert_eq!(ApiError::from_status(&status), ApiError::NotFound);
    }

    #[test]
    fn throttling_carries_the_wait_when_given() {
        let mut details =
            ErrorDetails::with_error_info("TOO_MANY_ATTEMPTS", DOMAIN, HashMap::new());
        details.set_retry_info(Some(Duration::from_secs(30)));
        let status = Status::with_error_details(Code::ResourceExhausted, "slow down", details);
        assert_eq!(
            ApiError::from_status(&status),
            ApiError::TooManyAttempts { retry_after: Some(Duration::from_secs(30)) }
        );
        let bare = Status::resource_exhausted("slow down");
        assert_eq!(ApiError::from_status(&bare), ApiError::TooManyAttempts { retry_after: None });
    }

    #[test]
    fn bad_fields_are_listed() {
        let details = ErrorDetails::with_bad_request(vec![PbViolation::new("email", "no @")]);
        let status = Status::with_error_details(Code::InvalidArgument, "bad", details);
        let err = ApiError::from_status(&status);
        assert_eq!(err.field_error("email").as_deref(), Some("no @"));
    }

    #[test]
    fn unauthenticated_depends_on_the_call() {
        let status = Status::unauthenticated("nope");
        assert_eq!(ApiError::from_status(&status), ApiError::SessionExpired);
        assert_eq!(ApiError::from_login_status(&status), ApiError::WrongCredentials);
        assert_eq!(ApiError::from_google_status(&status), ApiError::GoogleRefused);
        let taken = refusal(Code::AlreadyExists, "GOOGLE_ACCOUNT_TAKEN");
        assert_eq!(ApiError::from_google_status(&taken), ApiError::GoogleAccountTaken);
    }

    #[test]
    fn a_failed_fetch_reads_as_unreachable() {
        let cause = tonic_web_wasm_client::Error::JsError("TypeError: Failed to fetch".into());
        let status = Status::from_error(Box::new(cause));
        assert_eq!(ApiError::from_status(&status), ApiError::Unreachable);
        // The same code from the server itself is an answer, not a lost call.
        assert_eq!(
            ApiError::from_status(&Status::unknown("odd")),
            ApiError::Unexpected("odd".into())
        );
    }
}
