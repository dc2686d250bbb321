//! A Garmin link and library as pages see them: the connection's health
//! and where to sign in at Garmin, a sign-in waiting for its MFA code,
//! workout summaries with the list's filter, and the events of a sync.

use baton_proto::garmin::v1 as pb;

use super::{Millis, millis};

/// The health of a Garmin link (the user's own, or an athlete's as their
/// coach sees it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GarminStatus {
    NotConnected,
    /// Signing in, waiting for the MFA code.
    MfaPending,
    Connected,
    /// Garmin refused the tokens: sign in again.
    NeedsRelogin,
    /// The last call failed; Baton keeps trying.
    Error,
    /// Garmin rate-limits the account; Baton waits.
    RateLimited,
}

impl GarminStatus {
    pub(in crate::api) fn from_pb(raw: i32) -> Self {
        use pb::ConnectionStatus as S;
        match S::try_from(raw) {
            Ok(S::MfaPending) => Self::MfaPending,
            Ok(S::Connected) => Self::Connected,
            Ok(S::NeedsRelogin) => Self::NeedsRelogin,
            Ok(S::Error) => Self::Error,
            Ok(S::RateLimited) => Self::RateLimited,
            _ => Self::NotConnected,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotConnected => "Not connected",
            Self::MfaPending => "Waiting for a code",
            Self::Connected => "Connected",
            Self::NeedsRelogin => "Needs to sign in again",
            Self::Error => "Having trouble",
            Self::RateLimited => "Paused by Garmin",
        }
    }

    /// Whether the owner should act (sign in again) or look (errors).
    pub fn needs_attention(self) -> bool {
        matches!(self, Self::NeedsRelogin | Self::Error)
    }

    /// Whether a link exists (working or not), so Disconnect means something.
    pub fn is_linked(self) -> bool {
        !matches!(self, Self::NotConnected | Self::MfaPending)
    }
}

/// How the Garmin account was linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectMethod {
    Browser,
    PastedTicket,
    Password,
    TokenFile,
    Unknown,
}

impl ConnectMethod {
    pub fn label(self) -> &'static str {
        match self {
            Self::Browser => "Signed in at Garmin in this browser",
            Self::PastedTicket => "Signed in at Garmin, address pasted",
            Self::Password => "Garmin email and password",
            Self::TokenFile => "Token file",
            Self::Unknown => "—",
        }
    }
}

/// The signed-in user's Garmin link. Never carries tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct GarminConnection {
    pub status: GarminStatus,
    pub display_name: String,
    pub full_name: String,
    pub method: ConnectMethod,
    pub connected: Millis,
    pub last_verified: Millis,
    /// In plain words; empty when the last call worked.
    pub last_error: String,
    pub last_error_time: Millis,
    pub last_sync: Millis,
    /// While Garmin rate-limits the account: when Baton calls it again.
    pub rate_limited_until: Millis,
}

impl From<pb::Connection> for GarminConnection {
    fn from(c: pb::Connection) -> Self {
        use pb::ConnectMethod as M;
        let method = match M::try_from(c.method) {
            Ok(M::Browser) => ConnectMethod::Browser,
            Ok(M::Ticket) => ConnectMethod::PastedTicket,
            Ok(M::Password) => ConnectMethod::Password,
            Ok(M::TokenFile) => ConnectMethod::TokenFile,
            _ => ConnectMethod::Unknown,
        };
        Self {
            status: GarminStatus::from_pb(c.status),
            display_name: c.garmin_display_name,
            full_name: c.garmin_full_name,
            method,
            connected: millis(c.connect_time),
            last_verified: millis(c.last_verify_time),
            last_error: c.last_error,
            last_error_time: millis(c.last_error_time),
            last_sync: millis(c.last_sync_time),
            rate_limited_until: millis(c.rate_limited_until),
        }
    }
}

/// Where to sign in at Garmin for a ticket: the widget for an iframe (and
/// the only origin whose messages carry one), and the page for pasting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GarminSignIn {
    pub widget_url: String,
    pub widget_origin: String,
    pub sign_in_url: String,
}

/// Where the ticket came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketSource {
    /// Garmin's widget posted it to this page.
    Browser,
    /// The person pasted it (or the address carrying it).
    Pasted,
}

impl TicketSource {
    pub(in crate::api) fn to_pb(self) -> i32 {
        match self {
            Self::Browser => pb::TicketSource::Browser as i32,
            Self::Pasted => pb::TicketSource::Pasted as i32,
        }
    }
}

/// Garmin wants a one-time code before it finishes the sign-in.
#[derive(Clone, Debug, PartialEq)]
pub struct MfaChallenge {
    pub pending_login_id: String,
    /// Where Garmin sent the code, as Garmin names it ("email"); may be empty.
    pub delivery_method: String,
    pub expires: Millis,
}

impl From<pb::MfaRequired> for MfaChallenge {
    fn from(mfa: pb::MfaRequired) -> Self {
        Self {
            pending_login_id: mfa.pending_login_id,
            delivery_method: mfa.delivery_method,
            expires: millis(mfa.expire_time),
        }
    }
}

/// What a password sign-in came to.
#[derive(Clone, Debug, PartialEq)]
pub enum PasswordConnect {
    Connected(GarminConnection),
    MfaRequired(MfaChallenge),
}

/// Garmin's sport types, as the library filters and shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sport {
    Running,
    Cycling,
    Swimming,
    Strength,
    Cardio,
    Hiit,
    Yoga,
    Pilates,
    Mobility,
    Multisport,
    Other,
}

impl Sport {
    /// Every sport, in the order the filter lists them.
    pub const ALL: [Sport; 11] = [
        Self::Running,
        Self::Cycling,
        Self::Swimming,
        Self::Strength,
        Self::Cardio,
        Self::Hiit,
        Self::Yoga,
        Self::Pilates,
        Self::Mobility,
        Self::Multisport,
        Self::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Running => "Running",
            Self::Cycling => "Cycling",
            Self::Swimming => "Swimming",
            Self::Strength => "Strength",
            Self::Cardio => "Cardio",
            Self::Hiit => "HIIT",
            Self::Yoga => "Yoga",
            Self::Pilates => "Pilates",
            Self::Mobility => "Mobility",
            Self::Multisport => "Multisport",
            Self::Other => "Other",
        }
    }

    /// A stable lower-case name, for form values.
    pub fn key(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Cycling => "cycling",
            Self::Swimming => "swimming",
            Self::Strength => "strength",
            Self::Cardio => "cardio",
            Self::Hiit => "hiit",
            Self::Yoga => "yoga",
            Self::Pilates => "pilates",
            Self::Mobility => "mobility",
            Self::Multisport => "multisport",
            Self::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sport| sport.key() == key)
    }

    /// The sport Garmin's id names; sports Baton does not know are Other.
    pub(in crate::api) fn from_pb(raw: i32) -> Self {
        use pb::SportType as S;
        match S::try_from(raw) {
            Ok(S::Running) => Self::Running,
            Ok(S::Cycling) => Self::Cycling,
            Ok(S::Swimming) => Self::Swimming,
            Ok(S::StrengthTraining) => Self::Strength,
            Ok(S::CardioTraining) => Self::Cardio,
            Ok(S::Hiit) => Self::Hiit,
            Ok(S::Yoga) => Self::Yoga,
            Ok(S::Pilates) => Self::Pilates,
            Ok(S::Mobility) => Self::Mobility,
            Ok(S::MultiSport) => Self::Multisport,
            _ => Self::Other,
        }
    }

    pub(in crate::api) fn to_pb(self) -> i32 {
        use pb::SportType as S;
        let sport = match self {
            Self::Running => S::Running,
            Self::Cycling => S::Cycling,
            Self::Swimming => S::Swimming,
            Self::Strength => S::StrengthTraining,
            Self::Cardio => S::CardioTraining,
            Self::Hiit => S::Hiit,
            Self::Yoga => S::Yoga,
            Self::Pilates => S::Pilates,
            Self::Mobility => S::Mobility,
            Self::Multisport => S::MultiSport,
            Self::Other => S::Other,
        };
        sport as i32
    }
}

/// How the library is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WorkoutSort {
    #[default]
    RecentlyUpdated,
    Name,
    Duration,
}

impl WorkoutSort {
    pub const ALL: [WorkoutSort; 3] = [Self::RecentlyUpdated, Self::Name, Self::Duration];

    pub fn label(self) -> &'static str {
        match self {
            Self::RecentlyUpdated => "Recently updated",
            Self::Name => "Name (A–Z)",
            Self::Duration => "Duration (shortest first)",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::RecentlyUpdated => "updated",
            Self::Name => "name",
            Self::Duration => "duration",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.key() == key)
    }

    pub(in crate::api) fn to_pb(self) -> i32 {
        let sort = match self {
            Self::RecentlyUpdated => pb::WorkoutSort::RecentlyUpdated,
            Self::Name => pb::WorkoutSort::Name,
            Self::Duration => pb::WorkoutSort::Duration,
        };
        sort as i32
    }
}

/// Which workouts the library lists, and in which order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkoutFilter {
    pub query: String,
    pub sport: Option<Sport>,
    pub sort: WorkoutSort,
}

/// A workout as the library lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkoutSummary {
    pub id: String,
    pub name: String,
    pub sport: Sport,
    /// Garmin's key, for sports Baton has no name for.
    pub sport_key: String,
    /// Garmin's estimate, in seconds.
    pub duration: Option<i32>,
    /// Garmin's estimate, in metres.
    pub distance: Option<f64>,
    pub step_count: i32,
    pub updated: Millis,
}

impl From<pb::WorkoutSummary> for WorkoutSummary {
    fn from(w: pb::WorkoutSummary) -> Self {
        Self {
            id: w.id,
            name: w.name,
            sport: Sport::from_pb(w.sport),
            sport_key: w.sport_key,
            duration: w.estimated_duration_seconds,
            distance: w.estimated_distance_meters,
            step_count: w.step_count,
            updated: millis(w.update_time),
        }
    }
}

/// One page of the library.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkoutPage {
    pub workouts: Vec<WorkoutSummary>,
    /// Empty on the last page.
    pub next_page_token: String,
}

/// What a sync did with one workout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncAction {
    Added,
    Updated,
    Unchanged,
    Removed,
    Failed,
}

/// The end of a sync that ran through.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncSummary {
    pub added: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub removed: i32,
    pub failed: i32,
    pub finished: Millis,
}

/// One event of a running sync.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncEvent {
    Workout {
        name: String,
        action: SyncAction,
        /// Plain words for a failure.
        error: String,
        /// Handled so far, this one included, of `total`.
        done: i32,
        total: i32,
    },
    Summary(SyncSummary),
}

impl SyncEvent {
    pub(in crate::api) fn from_pb(event: pb::SyncWorkoutsResponse) -> Option<Self> {
        use pb::sync_workouts_response::Event;
        match event.event? {
            Event::Workout(synced) => {
                let action = match pb::SyncAction::try_from(synced.action) {
                    Ok(pb::SyncAction::Added) => SyncAction::Added,
                    Ok(pb::SyncAction::Updated) => SyncAction::Updated,
                    Ok(pb::SyncAction::Removed) => SyncAction::Removed,
                    Ok(pb::SyncAction::Failed) => SyncAction::Failed,
                    _ => SyncAction::Unchanged,
                };
                Some(Self::Workout {
                    name: synced.workout.map(|w| w.name).unwrap_or_default(),
                    action,
                    error: synced.error,
                    done: synced.done,
                    total: synced.total,
                })
            }
            Event::Summary(s) => Some(Self::Summary(SyncSummary {
                added: s.added,
                updated: s.updated,
                unchanged: s.unchanged,
                removed: s.removed,
                failed: s.failed,
                finished: millis(s.finish_time),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_as_its_own_and_unknown_ones_as_not_connected() {
        use pb::ConnectionStatus as S;
        let cases = [
            (S::NotConnected, GarminStatus::NotConnected),
            (S::MfaPending, GarminStatus::MfaPending),
            (S::Connected, GarminStatus::Connected),
            (S::NeedsRelogin, GarminStatus::NeedsRelogin),
            (S::Error, GarminStatus::Error),
            (S::RateLimited, GarminStatus::RateLimited),
        ];
        for (raw, status) in cases {
            assert_eq!(GarminStatus::from_pb(raw as i32), status);
        }
        assert_eq!(GarminStatus::from_pb(99), GarminStatus::NotConnected);
    }

    #[test]
    fn sports_round_trip_through_keys_and_the_contract() {
        for sport in Sport::ALL {
            assert_eq!(Sport::from_key(sport.key()), Some(sport));
            assert_eq!(Sport::from_pb(sport.to_pb()), sport);
        }
        assert_eq!(Sport::from_pb(0), Sport::Other);
    }

    #[test]
    fn a_sync_event_carries_its_progress() {
        let event = pb::SyncWorkoutsResponse {
            event: Some(pb::sync_workouts_response::Event::Workout(pb::WorkoutSynced {
                workout: Some(pb::WorkoutSummary { name: "Tempo".into(), ..Default::default() }),
                action: pb::SyncAction::Added as i32,
                error: String::new(),
                done: 3,
                total: 130,
            })),
        };
        let Some(SyncEvent::Workout { name, action, done, total, .. }) = SyncEvent::from_pb(event)
        else {
            panic!("not a workout event");
        };
        assert_eq!((name.as_str(), action, done, total), ("Tempo", SyncAction::Added, 3, 130));
        assert_eq!(SyncEvent::from_pb(pb::SyncWorkoutsResponse { event: None }), None);
    }
}
