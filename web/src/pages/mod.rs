//! One component per route. Pages hold form state, call `api` through the
//! session's handle and show plain data or an `ApiError` in words; they
//! never see gRPC types. `guard`, `fetch`, `forms`, `location` and `passwords`
//! are what several pages share.

pub mod admin_overview;
pub mod admin_users;
pub mod athletes;
pub mod coaches;
pub mod fetch;
pub mod forms;
pub mod google_callback;
pub mod guard;
pub mod home;
pub mod invite;
pub mod location;
pub mod not_found;
pub mod passwords;
pub mod reset_password;
pub mod settings;
pub mod sign_in;
