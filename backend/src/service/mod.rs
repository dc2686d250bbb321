//! Use cases. Every decision about who may do what, in which order and in
//! which transaction lives here. Services take the [`Caller`] first and only
//! parsed types; they know nothing of gRPC.

mod auth;
mod caller;
mod users;

pub use auth::{AuthService, IssuedTokens};
pub use caller::{Caller, ClientInfo};
pub use users::UserService;
