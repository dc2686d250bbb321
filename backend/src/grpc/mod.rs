//! Transport adapters: one file per proto service. A handler takes the
//! caller, parses the request into domain types, calls a service and
//! converts the result back — no SQL, no business rules, no choosing of
//! status codes (that is `impl From<Error> for Status`).
//!
//! RPCs not built yet fall through to the generated default, which answers
//! UNIMPLEMENTED; the README's status table lists them.

mod auth;
pub mod authentication;
mod convert;
mod garmin;
mod idempotency;
mod parse;
mod sharing;
mod user;

pub use auth::AuthApi;
pub use garmin::GarminApi;
pub use sharing::SharingApi;
pub use user::UserApi;
