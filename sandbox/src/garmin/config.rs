//! What a Garmin stand-in is started with: where it listens, how long its
//! tickets and tokens live, and the behaviours GARMIN.md leaves open, each a
//! switch so a client can be tested against both readings.

use std::net::SocketAddr;
use std::time::Duration;

/// The Garmin stand-in's configuration. Tests build it as a literal (or
/// `Default`, which binds 127.0.0.1:0 and seeds the demo accounts).
#[derive(Debug, Clone)]
pub struct GarminSandboxConfig {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Ticket, token and pending-login lifetimes.
    pub lifetimes: Lifetimes,
    /// Open questions of GARMIN.md, as switches.
    pub quirks: Quirks,
    /// Whether to load the demo accounts of [`crate::garmin::seed`].
    pub seed: Seed,
}

impl Default for GarminSandboxConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            lifetimes: Lifetimes::default(),
            quirks: Quirks::default(),
            seed: Seed::Demo,
        }
    }
}

/// Which accounts exist at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    /// The coach with 130 workouts and the two athletes (see `seed`).
    Demo,
    /// No accounts; tests add their own with `add_account`.
    Empty,
}

/// How long things stay valid, on the stand-in's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// A service ticket ("seconds", GARMIN.md §1).
    pub ticket: Duration,
    /// A DI access token: its `expires_in` and JWT `exp`.
    pub access_token: Duration,
    /// A DI refresh token: its `refresh_token_expires_in`.
    pub refresh_token: Duration,
    /// A login waiting for its MFA code.
    pub pending_mfa: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            ticket: Duration::from_secs(30),
            access_token: Duration::from_secs(86_399),
            refresh_token: Duration::from_secs(2_591_999),
            pending_mfa: Duration::from_secs(600),
        }
    }
}

/// The readings of GARMIN.md's open questions the stand-in can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Quirks {
    /// How `start` on the workouts list counts.
    pub paging: PagingBase,
    /// How the workouts list writes its dates.
    pub list_dates: ListDates,
    /// What another user's workout or schedule answers.
    pub foreign: ForeignAccess,
    /// The most items one list page holds whatever `limit` asks for
    /// (`None`: as many as asked).
    pub max_page_size: Option<usize>,
}

/// GARMIN.md §4.2: `start` is a 0-based offset, or (the web UI's reading) 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PagingBase {
    #[default]
    ZeroBased,
    OneBased,
}

/// GARMIN.md §4.2: list dates as `"2026-02-08T00:57:18.0"` strings, or as
/// epoch milliseconds (one client's model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListDates {
    #[default]
    Strings,
    EpochMillis,
}

/// GARMIN.md §10: another user's resource answers 404 (default) or 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForeignAccess {
    #[default]
    NotFound,
    Forbidden,
}
