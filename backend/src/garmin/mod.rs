//! Garmin Connect: the client (sign-in with password and MFA, service
//! tickets, DI tokens, the data API; GARMIN.md §2–§6) and the workout model
//! (Garmin's JSON kept verbatim, a typed view derived from it, the clean
//! copy an athlete imports). This module talks HTTP to Garmin and knows
//! nothing of gRPC or the database; it never logs tokens or passwords.

mod api;
mod client;
mod diauth;
mod error;
mod http;
mod sso;
mod tokens;
mod transport;
pub mod workout;

pub use api::{LIST_PAGE, Profile};
pub use client::{DI_CLIENT_ID, GarminClient, GarminConfig};
pub use error::{GarminError, GarminResult};
pub use sso::{PendingSignIn, SignIn, Ticket};
pub use tokens::{MAX_TOKEN_FILE_BYTES, TokenSet};
