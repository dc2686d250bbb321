//! The one place where a gRPC `Status` becomes an [`ApiError`]: by its code
//! and, for the refusals a person must tell apart, its `ErrorInfo` reason
//! (domain `baton`). A reason the SPA does not know, or one arriving under
//! another code than the contract gives it, reads as its code does.

use baton_proto::error::v1::ErrorReason;

use super::{ApiError, FieldViolation};
use crate::api::grpc_web::{Code, Status};

/// The `google.rpc.ErrorInfo` domain of Baton's reasons.
const DOMAIN: &str = "baton";

impl ApiError {
    /// Maps a status from an authenticated call (UNAUTHENTICATED there means
    /// the session is gone, not that a password was wrong).
    pub(in crate::api) fn from_status(status: &Status) -> Self {
        use ErrorReason as R;
        match (status.code(), reason(status)) {
            (Code::Unauthenticated, _) => Self::SessionExpired,
            (Code::PermissionDenied, Some(R::InviteAddressedElsewhere)) => {
                Self::InviteForSomeoneElse
            }
            (Code::PermissionDenied, _) => Self::PermissionDenied,
            (Code::InvalidArgument, Some(R::GarminWrongPassword)) => Self::GarminWrongPassword,
            (Code::InvalidArgument, Some(R::GarminWrongMfaCode)) => Self::GarminWrongMfaCode,
            (Code::InvalidArgument, Some(R::GarminTokensRejected)) => Self::GarminTokensRejected,
            (Code::InvalidArgument, _) => Self::InvalidArgument {
                message: status.message().to_owned(),
                violations: violations(status),
            },
            (Code::ResourceExhausted, Some(R::ServerBusy)) => Self::Unavailable,
            (Code::ResourceExhausted, _) => {
                Self::TooManyAttempts { retry_after: status.details().retry_delay }
            }
            (Code::Unavailable, Some(R::GoogleUnavailable)) => Self::GoogleUnavailable,
            (Code::Unavailable, Some(R::GarminRateLimited)) => {
                Self::GarminRateLimited { retry_after: status.details().retry_delay }
            }
            (Code::Unavailable, Some(R::GarminUnavailable)) => Self::GarminUnavailable,
            (Code::Aborted, Some(R::GarminSyncRunning)) => Self::GarminSyncRunning,
            (Code::Unavailable, _) if !status.answered() => Self::Unreachable,
            (Code::Unavailable, _) => Self::Unavailable,
            (Code::DeadlineExceeded, _) => Self::TimedOut,
            (Code::NotFound, _) => Self::NotFound,
            (Code::AlreadyExists, Some(R::EmailTaken)) => Self::EmailTaken,
            (Code::AlreadyExists, Some(R::GoogleAccountTaken)) => Self::GoogleAccountTaken,
            (Code::AlreadyExists, _) => Self::AlreadyExists,
            (Code::FailedPrecondition, reason) => reason
                .and_then(precondition)
                .unwrap_or_else(|| Self::FailedPrecondition(status.message().to_owned())),
            _ => Self::Unexpected(status.message().to_owned()),
        }
    }

    /// Maps a status from a sign-in call, where UNAUTHENTICATED means the
    /// credentials were refused.
    pub(in crate::api) fn from_login_status(status: &Status) -> Self {
        match status.code() {
            Code::Unauthenticated => Self::WrongCredentials,
            _ => Self::from_status(status),
        }
    }

    /// Maps a status from a call that spends Google's answer (finishing a
    /// sign-in, an invite, a link or a re-authentication), where
    /// UNAUTHENTICATED means Google's answer was not accepted.
    pub(in crate::api) fn from_google_status(status: &Status) -> Self {
        match status.code() {
            Code::Unauthenticated => Self::GoogleRefused,
            _ => Self::from_status(status),
        }
    }
}

/// The Baton reason the status carries, if any.
fn reason(status: &Status) -> Option<ErrorReason> {
    let info = status.details().error_info.as_ref()?;
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
        R::GarminNotConnected => ApiError::GarminNotConnected,
        R::GarminNeedsRelogin => ApiError::GarminNeedsRelogin,
        R::GarminSignInBlocked => ApiError::GarminSignInBlocked,
        R::GarminPendingLoginUnusable => ApiError::GarminPendingLoginUnusable,
        R::GarminTicketRejected => ApiError::GarminTicketRejected,
        R::GarminRefusedWorkout => ApiError::GarminRefusedWorkout,
        R::ShareImporting => ApiError::ShareImporting,
        R::ShareImported => ApiError::ShareImported,
        R::ShareRevoked => ApiError::ShareRevoked,
        R::WorkoutNotCopyable => ApiError::WorkoutNotCopyable,
        _ => return None,
    };
    Some(error)
}

fn violations(status: &Status) -> Vec<FieldViolation> {
    let Some(details) = &status.details().bad_request else {
        return Vec::new();
    };
    details
        .field_violations
        .iter()
        .map(|v| FieldViolation { field: v.field.clone(), description: v.description.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::api::grpc_web::{
        BadRequest, Details, ErrorInfo, FieldViolation as PbViolation, testing::answer,
    };

    fn error_info(reason: &str, domain: &str) -> Details {
        let info = ErrorInfo { reason: reason.into(), domain: domain.into() };
        Details { error_info: Some(info), ..Details::default() }
    }

    /// A status as the backend sends a refusal: code, words and a reason.
    fn refusal(code: Code, reason: &str) -> Status {
        answer(code, "words for people", error_info(reason, DOMAIN))
    }

    /// A status with code and words only.
    fn plain(code: Code, message: &str) -> Status {
        answer(code, message, Details::default())
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
            ("GARMIN_NOT_CONNECTED", ApiError::GarminNotConnected),
            ("GARMIN_NEEDS_RELOGIN", ApiError::GarminNeedsRelogin),
            ("GARMIN_SIGN_IN_BLOCKED", ApiError::GarminSignInBlocked),
            ("GARMIN_PENDING_LOGIN_UNUSABLE", ApiError::GarminPendingLoginUnusable),
            ("GARMIN_TICKET_REJECTED", ApiError::GarminTicketRejected),
            ("GARMIN_REFUSED_WORKOUT", ApiError::GarminRefusedWorkout),
            ("SHARE_IMPORTING", ApiError::ShareImporting),
            ("SHARE_IMPORTED", ApiError::ShareImported),
            ("SHARE_REVOKED", ApiError::ShareRevoked),
            ("WORKOUT_NOT_COPYABLE", ApiError::WorkoutNotCopyable),
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
            (Code::InvalidArgument, "GARMIN_WRONG_PASSWORD", ApiError::GarminWrongPassword),
            (Code::InvalidArgument, "GARMIN_WRONG_MFA_CODE", ApiError::GarminWrongMfaCode),
            (Code::InvalidArgument, "GARMIN_TOKENS_REJECTED", ApiError::GarminTokensRejected),
            (Code::Unavailable, "GARMIN_UNAVAILABLE", ApiError::GarminUnavailable),
            (
                Code::Unavailable,
                "GARMIN_RATE_LIMITED",
                ApiError::GarminRateLimited { retry_after: None },
            ),
            (Code::Aborted, "GARMIN_SYNC_RUNNING", ApiError::GarminSyncRunning),
        ];
        for (code, reason, expected) in cases {
            assert_eq!(ApiError::from_status(&refusal(code, reason)), expected, "{reason}");
        }
    }

    #[test]
    fn a_failed_precondition_without_a_known_reason_keeps_the_servers_words() {
        let status = plain(Code::FailedPrecondition, "no reason given");
        assert_eq!(
            ApiError::from_status(&status),
            ApiError::FailedPrecondition("no reason given".into())
        );
        let unknown = refusal(Code::FailedPrecondition, "A_REASON_FROM_THE_FUTURE");
        assert_eq!(
            ApiError::from_status(&unknown),
            ApiError::FailedPrecondition("words for people".into())
        );
        let not_ours = answer(
            Code::FailedPrecondition,
            "elsewhere",
            error_info("LINK_UNUSABLE", "example.com"),
        );
        assert_eq!(
            ApiError::from_status(&not_ours),
            ApiError::FailedPrecondition("elsewhere".into())
        );
    }

    #[test]
    fn the_message_alone_never_decides() {
        // The words a reason's status carries, sent without the reason.
        let status = plain(Code::FailedPrecondition, "link unusable: invalid, used or expired");
        assert!(matches!(ApiError::from_status(&status), ApiError::FailedPrecondition(_)));
        let status = plain(Code::AlreadyExists, "email taken");
        assert_eq!(ApiError::from_status(&status), ApiError::AlreadyExists);
    }

    #[test]
    fn a_reason_under_an_unexpected_code_reads_as_the_code() {
        let status = refusal(Code::NotFound, "LINK_UNUSABLE");
        assert_eq!(ApiError::from_status(&status), ApiError::NotFound);
    }

    #[test]
    fn throttling_carries_the_wait_when_given() {
        let details = Details {
            retry_delay: Some(Duration::from_secs(30)),
            ..error_info("TOO_MANY_ATTEMPTS", DOMAIN)
        };
        let status = answer(Code::ResourceExhausted, "slow down", details);
        assert_eq!(
            ApiError::from_status(&status),
            ApiError::TooManyAttempts { retry_after: Some(Duration::from_secs(30)) }
        );
        let bare = plain(Code::ResourceExhausted, "slow down");
        assert_eq!(ApiError::from_status(&bare), ApiError::TooManyAttempts { retry_after: None });
    }

    #[test]
    fn a_garmin_rate_limit_carries_garmins_wait() {
        let details = Details {
            retry_delay: Some(Duration::from_secs(900)),
            ..error_info("GARMIN_RATE_LIMITED", DOMAIN)
        };
        let status = answer(Code::Unavailable, "slow down", details);
        assert_eq!(
            ApiError::from_status(&status),
            ApiError::GarminRateLimited { retry_after: Some(Duration::from_secs(900)) }
        );
    }

    #[test]
    fn every_garmin_reason_has_its_own_words() {
        use baton_proto::error::v1::ErrorReason;
        // Every GARMIN_* reason of the contract, under the code it travels with.
        let mut seen = 0;
        for value in 0..=i32::from(u8::MAX) {
            let Ok(reason) = ErrorReason::try_from(value) else { continue };
            let name = reason.as_str_name();
            if !name.starts_with("GARMIN_") {
                continue;
            }
            seen += 1;
            let code = match name {
                "GARMIN_WRONG_PASSWORD" | "GARMIN_WRONG_MFA_CODE" | "GARMIN_TOKENS_REJECTED" => {
                    Code::InvalidArgument
                }
                "GARMIN_RATE_LIMITED" | "GARMIN_UNAVAILABLE" => Code::Unavailable,
                "GARMIN_SYNC_RUNNING" => Code::Aborted,
                _ => Code::FailedPrecondition,
            };
            let error = ApiError::from_status(&refusal(code, name));
            assert!(
                !matches!(
                    error,
                    ApiError::FailedPrecondition(_)
                        | ApiError::InvalidArgument { .. }
                        | ApiError::Unavailable
                        | ApiError::Unexpected(_)
                ),
                "{name} reads generically: {error:?}"
            );
        }
        assert!(seen >= 11, "only {seen} GARMIN_* reasons in the contract");
    }

    #[test]
    fn bad_fields_are_listed() {
        let violation = PbViolation { field: "email".into(), description: "no @".into() };
        let details = Details {
            bad_request: Some(BadRequest { field_violations: vec![violation] }),
            ..Details::default()
        };
        let err = ApiError::from_status(&answer(Code::InvalidArgument, "bad", details));
        assert_eq!(err.field_error("email").as_deref(), Some("no @"));
    }

    #[test]
    fn unauthenticated_depends_on_the_call() {
        let status = plain(Code::Unauthenticated, "nope");
        assert_eq!(ApiError::from_status(&status), ApiError::SessionExpired);
        assert_eq!(ApiError::from_login_status(&status), ApiError::WrongCredentials);
        assert_eq!(ApiError::from_google_status(&status), ApiError::GoogleRefused);
        let taken = refusal(Code::AlreadyExists, "GOOGLE_ACCOUNT_TAKEN");
        assert_eq!(ApiError::from_google_status(&taken), ApiError::GoogleAccountTaken);
    }

    #[test]
    fn a_failed_fetch_reads_as_unreachable() {
        let lost = Status::no_answer("the request failed");
        assert_eq!(ApiError::from_status(&lost), ApiError::Unreachable);
        assert_eq!(ApiError::from_login_status(&lost), ApiError::Unreachable);
        // The same code from the server itself is an answer, not a lost call.
        assert_eq!(ApiError::from_status(&plain(Code::Unavailable, "down")), ApiError::Unavailable);
        assert_eq!(
            ApiError::from_status(&plain(Code::Unknown, "odd")),
            ApiError::Unexpected("odd".into())
        );
    }

    #[test]
    fn no_answer_in_time_reads_as_timed_out() {
        let status = Status::new(Code::DeadlineExceeded, "no answer in time");
        assert_eq!(ApiError::from_status(&status), ApiError::TimedOut);
    }
}
