//! Parsed types and the plain records the use cases work with: a value of
//! one of these has passed validation, so the use cases that take it need
//! not check again. No I/O here.

mod audit;
mod client;
mod email;
mod garmin;
mod idempotency;
mod notification;
mod one_time_token;
mod paging;
mod password;
mod profile;
mod role;
mod session;
mod share;
mod user;

pub use audit::{AuditEvent, AuditFilter, AuditRecord};
pub use client::ClientInfo;
pub use email::Email;
pub use garmin::{
    CachedWorkout, ConnectMethod, GarminLink, LinkStatus, WorkoutFilter, WorkoutSort,
};
pub use idempotency::IdempotencyKey;
pub use notification::{NewNotification, Notification, NotificationKind};
pub use one_time_token::{InviteState, OneTimeToken, Purpose};
pub use paging::{Page, PageRequest, PageScope};
pub use password::Password;
pub use profile::{DisplayName, HttpsUrl, Timezone};
pub use role::{Role, Roles};
pub use session::Session;
pub use share::{
    CalendarDate, Share, ShareFailure, ShareFilter, ShareSide, ShareStatus, SharedWorkout,
};
pub use user::{Party, SignInMethod, Units, User, UserFilter};
