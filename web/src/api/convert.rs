//! Protobuf → the plain data pages work with (and back, for the few enums
//! pages choose). Pages never see proto types. Garmin's link and library
//! are in [`garmin`], a workout's steps in [`workout`], shares and
//! notifications in [`sharing`].

mod garmin;
mod sharing;
mod workout;

use baton_proto::{auth::v1 as auth_pb, user::v1 as pb};

#[cfg(test)]
use baton_proto::garmin::v1::ConnectionStatus;
pub use garmin::{
    GarminConnection, GarminSignIn, GarminStatus, MfaChallenge, PasswordConnect, Sport, SyncAction,
    SyncEvent, SyncSummary, TicketSource, WorkoutFilter, WorkoutPage, WorkoutSort, WorkoutSummary,
};
use prost_types::Timestamp;
pub use sharing::{
    CopiesUpdated, ImportEvent, ImportItem, ImportSummary, Inbox, OutgoingFilter, Recipients,
    Share, ShareOutcome, SharePreview, ShareRequest, ShareStatus,
};
#[cfg(test)]
pub use workout::Repeat;
pub use workout::{
    Compare, DistanceUnit, Drill, End, Equipment, Exercise, SingleStep, Step, StepKind, Stroke,
    Target, TargetKind, TargetUnit, WeightUnit, Workout,
};

/// What a user may be; a user can hold several roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Athlete,
    Coach,
    Admin,
}

impl Role {
    /// Every role, in the order pages list them.
    pub const ALL: [Role; 3] = [Role::Athlete, Role::Coach, Role::Admin];

    /// The role's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Athlete => "Athlete",
            Self::Coach => "Coach",
            Self::Admin => "Admin",
        }
    }

    /// A stable lower-case name, for element ids and form values.
    pub fn key(self) -> &'static str {
        match self {
            Self::Athlete => "athlete",
            Self::Coach => "coach",
            Self::Admin => "admin",
        }
    }

    /// The role named by [`Role::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.key() == key)
    }

    pub(super) fn to_pb(self) -> i32 {
        match self {
            Self::Athlete => pb::Role::Athlete as i32,
            Self::Coach => pb::Role::Coach as i32,
            Self::Admin => pb::Role::Admin as i32,
        }
    }
}

fn roles_from_pb(raw: &[i32]) -> Vec<Role> {
    raw.iter()
        .filter_map(|&raw| match pb::Role::try_from(raw) {
            Ok(pb::Role::Athlete) => Some(Role::Athlete),
            Ok(pb::Role::Coach) => Some(Role::Coach),
            Ok(pb::Role::Admin) => Some(Role::Admin),
            _ => None,
        })
        .collect()
}

/// Preferred display units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Units {
    #[default]
    Metric,
    Imperial,
}

impl Units {
    pub fn label(self) -> &'static str {
        match self {
            Self::Metric => "Metric (km, kg)",
            Self::Imperial => "Imperial (mi, lb)",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Metric => "metric",
            Self::Imperial => "imperial",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Self::Metric, Self::Imperial].into_iter().find(|units| units.key() == key)
    }

    pub(super) fn to_pb(self) -> i32 {
        match self {
            Self::Metric => pb::Units::Metric as i32,
            Self::Imperial => pb::Units::Imperial as i32,
        }
    }
}

/// Milliseconds since the epoch (what `Date` takes), if the time is set.
pub type Millis = Option<f64>;

pub(super) fn millis(time: Option<Timestamp>) -> Millis {
    time.map(|t| t.seconds as f64 * 1000.0 + f64::from(t.nanos) / 1_000_000.0)
}

/// A Baton account: the signed-in user's own, or one an admin manages.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    pub timezone: String,
    pub units: Units,
    pub avatar_url: String,
    pub payment_link: String,
    pub has_password: bool,
    pub google_linked: bool,
    pub created: Millis,
    pub last_sign_in: Millis,
}

/// The signed-in user.
pub type Me = User;

impl User {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// How the account can sign in, password first.
    pub fn sign_in_methods(&self) -> Vec<SignInMethod> {
        let mut methods = Vec::new();
        if self.has_password {
            methods.push(SignInMethod::Password);
        }
        if self.google_linked {
            methods.push(SignInMethod::Google);
        }
        methods
    }
}

/// A way an account can sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInMethod {
    Password,
    Google,
}

/// The methods a reply lists, password first; unknown ones are dropped.
pub(super) fn sign_in_methods_from_pb(raw: &[i32]) -> Vec<SignInMethod> {
    let has = |method: pb::SignInMethod| raw.contains(&(method as i32));
    let mut methods = Vec::new();
    if has(pb::SignInMethod::Password) {
        methods.push(SignInMethod::Password);
    }
    if has(pb::SignInMethod::Google) {
        methods.push(SignInMethod::Google);
    }
    methods
}

/// What signing a user out everywhere did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionsEnded {
    pub count: i32,
    /// How the user can sign in again; empty when no way is left.
    pub methods: Vec<SignInMethod>,
}

impl From<pb::User> for User {
    fn from(user: pb::User) -> Self {
        let units = match pb::Units::try_from(user.units) {
            Ok(pb::Units::Imperial) => Units::Imperial,
            _ => Units::Metric,
        };
        Self {
            roles: roles_from_pb(&user.roles),
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            active: user.active,
            timezone: user.timezone,
            units,
            avatar_url: user.avatar_url,
            payment_link: user.payment_link,
            has_password: user.has_password,
            google_linked: user.google_linked,
            created: millis(user.create_time),
            last_sign_in: millis(user.last_sign_in_time),
        }
    }
}

/// One page of the admin's user list.
#[derive(Clone, Debug, PartialEq)]
pub struct UserPage {
    pub users: Vec<User>,
    /// Empty on the last page.
    pub next_page_token: String,
    /// Users matching the filter, across all pages.
    pub total: i32,
}

/// Which users the admin list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserFilter {
    pub query: String,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// A new account and the one-time link its owner uses to set a credential.
#[derive(Clone, Debug, PartialEq)]
pub struct CreatedUser {
    pub user: User,
    pub setup_url: String,
    pub expires: Millis,
}

/// What an admin changes on a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub roles: Option<Vec<Role>>,
    pub active: Option<bool>,
}

/// A one-time link (password reset) and when it stops working.
#[derive(Clone, Debug, PartialEq)]
pub struct OneTimeLink {
    pub url: String,
    pub expires: Millis,
}

/// What the signed-in user changes on their profile; `None` leaves a field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub display_name: Option<String>,
    pub timezone: Option<String>,
    pub units: Option<Units>,
    pub avatar_url: Option<String>,
    pub payment_link: Option<String>,
}

/// Counts for the admin dashboard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    pub users: i32,
    pub active_users: i32,
    pub athletes: i32,
    pub coaches: i32,
    pub active_coaches: i32,
    pub admins: i32,
    pub pending_invites: i32,
    pub garmin_connected: i32,
    pub garmin_attention: i32,
    pub pending_shares: i32,
    pub imported_shares: i32,
    pub failed_shares: i32,
    pub active_sessions: i32,
    pub queued_jobs: i32,
}

impl From<pb::GetOverviewResponse> for Overview {
    fn from(o: pb::GetOverviewResponse) -> Self {
        Self {
            users: o.user_count,
            active_users: o.active_user_count,
            athletes: o.athlete_count,
            coaches: o.coach_count,
            active_coaches: o.active_coach_count,
            admins: o.admin_count,
            pending_invites: o.pending_invite_count,
            garmin_connected: o.garmin_connected_count,
            garmin_attention: o.garmin_attention_count,
            pending_shares: o.pending_share_count,
            imported_shares: o.imported_share_count,
            failed_shares: o.failed_share_count,
            active_sessions: o.active_session_count,
            queued_jobs: o.queued_job_count,
        }
    }
}

/// Where an invite stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InviteStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
    Unknown,
}

impl InviteStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Accepted => "Accepted",
            Self::Revoked => "Revoked",
            Self::Expired => "Expired",
            Self::Unknown => "Unknown",
        }
    }
}

/// An invite as its coach sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Invite {
    pub id: String,
    pub email: String,
    pub status: InviteStatus,
    pub created: Millis,
    pub expires: Millis,
}

impl From<pb::Invite> for Invite {
    fn from(invite: pb::Invite) -> Self {
        let status = match pb::InviteStatus::try_from(invite.status) {
            Ok(pb::InviteStatus::Pending) => InviteStatus::Pending,
            Ok(pb::InviteStatus::Accepted) => InviteStatus::Accepted,
            Ok(pb::InviteStatus::Revoked) => InviteStatus::Revoked,
            Ok(pb::InviteStatus::Expired) => InviteStatus::Expired,
            _ => InviteStatus::Unknown,
        };
        Self {
            id: invite.id,
            email: invite.email,
            status,
            created: millis(invite.create_time),
            expires: millis(invite.expire_time),
        }
    }
}

/// A new invite and the single-use link to hand over.
#[derive(Clone, Debug, PartialEq)]
pub struct NewInvite {
    pub invite: Invite,
    pub url: String,
}

/// What the invite page shows before accepting.
#[derive(Clone, Debug, PartialEq)]
pub struct InvitePreview {
    pub email: String,
    pub inviter_name: String,
    pub roles: Vec<Role>,
    pub expires: Millis,
}

impl From<auth_pb::GetInviteResponse> for InvitePreview {
    fn from(invite: auth_pb::GetInviteResponse) -> Self {
        Self {
            roles: roles_from_pb(&invite.roles),
            email: invite.email,
            inviter_name: invite.inviter_display_name,
            expires: millis(invite.expire_time),
        }
    }
}

/// One of a coach's athletes.
#[derive(Clone, Debug, PartialEq)]
pub struct Athlete {
    pub user_id: String,
    pub display_name: String,
    pub email: String,
    pub garmin: GarminStatus,
    pub linked: Millis,
    pub pending_shares: i32,
}

impl From<pb::Athlete> for Athlete {
    fn from(athlete: pb::Athlete) -> Self {
        let garmin = GarminStatus::from_pb(athlete.garmin_status);
        Self {
            user_id: athlete.user_id,
            display_name: athlete.display_name,
            email: athlete.email,
            garmin,
            linked: millis(athlete.link_time),
            pending_shares: athlete.pending_share_count,
        }
    }
}

/// One of an athlete's coaches.
#[derive(Clone, Debug, PartialEq)]
pub struct Coach {
    pub user_id: String,
    pub display_name: String,
    pub email: String,
    pub payment_link: String,
    pub linked: Millis,
}

impl From<pb::Coach> for Coach {
    fn from(coach: pb::Coach) -> Self {
        Self {
            user_id: coach.user_id,
            display_name: coach.display_name,
            email: coach.email,
            payment_link: coach.payment_link,
            linked: millis(coach.link_time),
        }
    }
}

/// One signed-in session of the current user.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionInfo {
    pub id: String,
    pub user_agent: String,
    pub address: String,
    pub created: Millis,
    pub last_used: Millis,
    /// When the person last proved who they are in this session (signing
    /// in or confirming it's them); refreshing does not move it.
    pub signed_in: Millis,
    /// The session this tab is signed in with.
    pub current: bool,
}

impl From<auth_pb::Session> for SessionInfo {
    fn from(session: auth_pb::Session) -> Self {
        Self {
            id: session.id,
            user_agent: session.user_agent,
            address: session.client_address,
            created: millis(session.create_time),
            last_used: millis(session.last_use_time),
            signed_in: millis(session.sign_in_time),
            current: session.current,
        }
    }
}

/// Which sign-in options the server offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignInOptions {
    pub self_signup: bool,
    pub google: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_keep_their_order_and_unknown_ones_are_dropped() {
        let user = pb::User {
            display_name: "Ada Admin".into(),
            roles: vec![pb::Role::Admin as i32, 99, pb::Role::Coach as i32],
            ..Default::default()
        };
        let me = Me::from(user);
        assert_eq!(me.roles, vec![Role::Admin, Role::Coach]);
        assert_eq!(me.display_name, "Ada Admin");
    }

    #[test]
    fn role_keys_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_key(role.key()), Some(role));
        }
        assert_eq!(Role::from_key("owner"), None);
    }

    #[test]
    fn timestamps_become_milliseconds() {
        let time = Timestamp { seconds: 2, nanos: 500_000_000 };
        assert_eq!(millis(Some(time)), Some(2500.0));
        assert_eq!(millis(None), None);
    }

    #[test]
    fn unset_units_read_as_metric() {
        let user = pb::User { units: 0, ..Default::default() };
        assert_eq!(User::from(user).units, Units::Metric);
        let user = pb::User { units: pb::Units::Imperial as i32, ..Default::default() };
        assert_eq!(User::from(user).units, Units::Imperial);
    }

    #[test]
    fn sign_in_methods_read_password_first_and_drop_unknown_ones() {
        let raw = [pb::SignInMethod::Google as i32, 99, pb::SignInMethod::Password as i32];
        assert_eq!(sign_in_methods_from_pb(&raw), [SignInMethod::Password, SignInMethod::Google]);
        assert_eq!(sign_in_methods_from_pb(&[]), []);
        let google_only = User::from(pb::User { google_linked: true, ..Default::default() });
        assert_eq!(google_only.sign_in_methods(), [SignInMethod::Google]);
    }

    #[test]
    fn athletes_with_broken_garmin_links_need_attention() {
        let athlete = pb::Athlete {
            garmin_status: ConnectionStatus::NeedsRelogin as i32,
            ..Default::default()
        };
        assert!(Athlete::from(athlete).garmin.needs_attention());
        let athlete = pb::Athlete::default();
        assert_eq!(Athlete::from(athlete).garmin, GarminStatus::NotConnected);
        let athlete = pb::Athlete {
            garmin_status: ConnectionStatus::RateLimited as i32,
            ..Default::default()
        };
        assert_eq!(Athlete::from(athlete).garmin, GarminStatus::RateLimited);
    }
}
