//! Use cases. Every decision about who may do what, in which order and in
//! which transaction lives here. Services take the [`Caller`] first (or a
//! proof of role such as [`Admin`]) and only parsed types; they know
//! nothing of gRPC.

mod access;
mod audit;
mod auth;
mod caller;
mod context;
mod google;
mod idempotency;
mod invites;
mod notifier;
mod passwords;
mod roster;
mod sessions;
mod throttle;
mod users;

pub use access::Admin;
pub use audit::{AuditEntry, AuditService};
pub use auth::{AuthService, IssuedTokens, SESSION_LIFETIME, SignInOptions};
pub use caller::{Caller, ClientInfo};
pub use context::{Context, Settings};
pub use google::{GoogleAuthorization, GooglePurpose};
pub use idempotency::IdempotencyService;
pub use invites::{InvitePreview, NewAccountDetails};
pub use notifier::{Notifier, ShowLinkOnly};
pub use roster::{InviteScope, InviteView, Linked, RosterService};
pub use sessions::SessionView;
pub use throttle::{LoginThrottle, ThrottleSettings};
pub use users::{AccountChanges, NewAccount, OneTimeLink, Overview, ProfileChanges, UserService};
