//! A user's Garmin Connect link and cached workouts, as the use cases see
//! them (never the tokens).

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// How the Garmin account was linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectMethod {
    /// Signed in on Garmin's page in the user's browser (ticket by postMessage).
    Browser,
    /// A pasted service ticket.
    Ticket,
    /// Email and password, on the server.
    Password,
    /// An imported token file.
    TokenFile,
}

impl ConnectMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectMethod::Browser => "browser",
            ConnectMethod::Ticket => "ticket",
            ConnectMethod::Password => "password",
            ConnectMethod::TokenFile => "token_file",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "browser" => Some(ConnectMethod::Browser),
            "ticket" => Some(ConnectMethod::Ticket),
            "password" => Some(ConnectMethod::Password),
            "token_file" => Some(ConnectMethod::TokenFile),
            _ => None,
        }
    }
}

/// How a link is faring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    /// The tokens work (or did when last used).
    Connected,
    /// Garmin refused the tokens and refreshing failed: connect again.
    NeedsRelogin,
    /// The last call failed for another reason; see the last error.
    Error,
    /// Garmin rate-limits the account until `rate_limited_until`.
    RateLimited,
}

impl LinkStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Connected => "connected",
            LinkStatus::NeedsRelogin => "needs_relogin",
            LinkStatus::Error => "error",
            LinkStatus::RateLimited => "rate_limited",
        }
    }

    pub fn from_name(name: &str) -> Self {
        match name {
            "connected" => LinkStatus::Connected,
            "needs_relogin" => LinkStatus::NeedsRelogin,
            "rate_limited" => LinkStatus::RateLimited,
            _ => LinkStatus::Error,
        }
    }
}

/// A user's Garmin Connect link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GarminLink {
    pub user_id: Uuid,
    pub method: ConnectMethod,
    /// Garmin's profile id (= `ownerId` of the account's workouts).
    pub garmin_profile_id: Option<i64>,
    pub display_name: Option<String>,
    pub full_name: Option<String>,
    pub status: LinkStatus,
    pub connected_at: DateTime<Utc>,
    pub last_verified_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub rate_limited_until: Option<DateTime<Utc>>,
    /// Consecutive rate limits (the cool-down grows with them).
    pub rate_limit_strikes: u32,
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// One of a user's Garmin workouts as Baton cached it.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedWorkout {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub garmin_workout_id: i64,
    pub name: String,
    pub sport_key: String,
    pub sport_id: i32,
    pub estimated_duration_seconds: Option<i32>,
    pub estimated_distance_meters: Option<f64>,
    pub step_count: i32,
    pub garmin_updated_at: Option<DateTime<Utc>>,
    pub garmin_created_at: Option<DateTime<Utc>>,
    /// Garmin's JSON, verbatim.
    pub raw_json: String,
    pub synced_at: DateTime<Utc>,
}

/// Which cached workouts a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkoutFilter {
    /// Lower-case substring of the name.
    pub query: Option<String>,
    /// Garmin's sport id.
    pub sport_id: Option<i32>,
    pub sort: WorkoutSort,
}

/// The order of a workout list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WorkoutSort {
    #[default]
    RecentlyUpdated,
    Name,
    Duration,
}

impl WorkoutSort {
    /// Its name in a page token's scope.
    pub fn key(self) -> &'static str {
        match self {
            Self::RecentlyUpdated => "updated",
            Self::Name => "name",
            Self::Duration => "duration",
        }
    }
}
