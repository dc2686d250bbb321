//! The one error type of the use cases, and the single place where an error
//! becomes a gRPC status code. Internal details are logged here with a
//! correlation id; the client sees only the id.

use sea_orm::DbErr;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::crypto::CryptoError;

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
    #[error("{0}")]
    FailedPrecondition(String),
    #[error("{0}")]
    AlreadyExists(String),
    #[error("{0}")]
    ResourceExhausted(String),
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Db(#[from] DbErr),
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
            Error::FailedPrecondition(message) => Status::failed_precondition(message),
            Error::AlreadyExists(message) => Status::already_exists(message),
            Error::ResourceExhausted(message) => Status::resource_exhausted(message),
            Error::Unavailable(message) => Status::unavailable(message),
            Error::Crypto(CryptoError::Busy) => {
                Status::resource_exhausted("the server is busy; try again shortly")
            }
            Error::Db(db) if is_connection_error(&db) => {
                tracing::warn!(error = %db, "database unavailable");
                Status::unavailable("the database is unavailable; try again shortly")
            }
            other => internal(&other),
        }
    }
}

/// Logs the real cause under a fresh correlation id and hides it from the client.
fn internal(error: &Error) -> Status {
    let correlation_id = uuid::Uuid::new_v4();
    tracing::error!(%correlation_id, error = %error, "internal error");
    Status::internal(format!("internal error (reference {correlation_id})"))
}

/// Errors that mean "the database cannot be reached right now" rather than
/// a bug: no connection could be had, or the one in use broke.
fn is_connection_error(error: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx::Error as SqlxError};
    match error {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(cause))
        | DbErr::Exec(RuntimeErr::SqlxError(cause))
        | DbErr::Query(RuntimeErr::SqlxError(cause)) => matches!(
            cause.as_ref(),
            SqlxError::Io(_)
                | SqlxError::Tls(_)
                | SqlxError::PoolTimedOut
                | SqlxError::PoolClosed
                | SqlxError::WorkerCrashed
        ),
        _ => false,
    }
}
