use std::time::Duration;

/// What went wrong talking to Garmin, in the terms a person can act on.
/// The service layer turns each into a refusal with a reason.
#[derive(Debug, thiserror::Error)]
pub enum GarminError {
    /// Garmin rejected the email or password.
    #[error("Garmin rejected the email or password")]
    WrongPassword,
    /// Garmin rejected the MFA code (the pending login stays usable).
    #[error("Garmin rejected the MFA code")]
    WrongMfaCode,
    /// Garmin refuses scripted sign-in: a captcha, a bot challenge, a
    /// blocked address. The browser path or a token file still work.
    #[error("Garmin refused the sign-in: {0}")]
    SignInBlocked(String),
    /// Garmin refused a service ticket (used, expired, another service).
    #[error("Garmin refused the service ticket")]
    TicketRejected,
    /// The data API did not accept the access token (401): refresh once
    /// and try again.
    #[error("Garmin did not accept the access token")]
    TokenNotActive,
    /// Garmin no longer accepts the tokens and refreshing failed.
    #[error("Garmin refused the tokens: {0}")]
    TokensRejected(String),
    /// Garmin asks us to slow down; `retry_after` when it said how long.
    #[error("Garmin is rate-limiting this account")]
    RateLimited { retry_after: Option<Duration> },
    /// Garmin is down, timed out, or answered something we cannot read.
    #[error("Garmin is unavailable: {0}")]
    Unavailable(String),
    /// The thing asked for is not in the Garmin account (404).
    #[error("not found in Garmin Connect")]
    NotFound,
    /// Garmin refused a request body (400), with Garmin's words.
    #[error("Garmin refused the request: {0}")]
    Refused(String),
}

impl GarminError {
    /// Whether trying the same read again later may help (5xx, timeouts).
    pub fn is_transient(&self) -> bool {
        matches!(self, GarminError::Unavailable(_))
    }
}

pub type GarminResult<T> = Result<T, GarminError>;
