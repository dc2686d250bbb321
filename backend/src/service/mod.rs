//! Use cases. Every decision about who may do what, in which order and in
//! which transaction lives here. Services take the [`Caller`] first (or a
//! proof of role such as [`Admin`] or [`Coach`], which only this module can
//! make) and only parsed types; they return domain types and know nothing
//! of gRPC or of how rows are stored.

mod access;
mod audit;
mod auth;
mod caller;
mod context;
mod garmin;
mod google;
mod idempotency;
mod invites;
mod notifications;
mod notifier;
mod paging;
mod passwords;
mod reauthentication;
mod retention;
mod revocations;
mod roster;
mod sessions;
mod sharing;
mod throttle;
mod users;

pub use access::{Admin, Athlete, Coach, InviteManager};
pub use audit::{AuditEntry, AuditService};
pub use auth::{AuthService, IssuedTokens, SESSION_LIFETIME, SignInOptions};
pub use caller::Caller;
pub use context::{Context, Settings};
pub use garmin::{
    ConnectionState, GarminService, GarminWriter, PasswordConnect, PendingMfa, Refusable,
    SyncEvent, SyncOutcome, SyncSummary, TicketOrigin, WorkoutDetail,
};
pub use google::{GoogleAuthorization, GooglePurpose};
pub use idempotency::REPLAY_WINDOW;
pub use invites::{InvitePreview, NewAccountDetails};
pub use notifications::{HEARTBEAT, Made, NotificationFeed, NotificationService, Watched};
pub use notifier::{Notifier, ShowLinkOnly};
pub use retention::{PURGE_INTERVAL, Purged, Retention};
pub use revocations::{POLL_INTERVAL, Revocations};
pub use roster::{InviteView, Linked, RosterService};
pub use sessions::{RECENT_SIGN_IN, SessionView};
pub use sharing::{
    AthleteSelection, CopyOutcome, CopyUpdate, ImportEvent, ImportItem, ImportSettings,
    ImportSummary, ImportWorkers, Inbox, Party, ShareChanges, ShareDetail, ShareRequest, ShareView,
    SharedOutcome, SharingService, SkipReason, Skipped,
};
pub use throttle::{LoginThrottle, ThrottleSettings};
pub use users::{AccountChanges, NewAccount, OneTimeLink, Overview, ProfileChanges, UserService};
