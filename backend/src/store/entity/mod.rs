//! Table definitions (sea-orm entities). Our own query methods live in the
//! aggregate modules beside this one, not here.

pub mod refresh_tokens;
pub mod sessions;
pub mod user_roles;
pub mod users;
