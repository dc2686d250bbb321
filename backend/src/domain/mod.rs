//! Parsed types: a value of one of these has passed validation, so the use
//! cases that take it need not check again. No I/O here.

mod email;
mod paging;
mod password;
mod profile;
mod role;
mod user;

pub use email::Email;
pub use paging::Page;
pub use password::Password;
pub use profile::{DisplayName, HttpsUrl, Timezone};
pub use role::{Role, Roles};
pub use user::{Units, User};
