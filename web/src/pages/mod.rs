//! One component per route, and nothing else. Pages hold form state, call
//! `api` through the session's handle and show plain data or an `ApiError`
//! in words; they never see gRPC types. A page too big for one file gets a
//! folder, one file per component.

pub mod admin_overview;
pub mod admin_users;
pub mod athletes;
pub mod coaches;
pub mod garmin;
pub mod google_callback;
pub mod home;
pub mod inbox;
pub mod invite;
pub mod library;
pub mod not_found;
pub mod reset_password;
pub mod settings;
pub mod shares;
pub mod sign_in;
pub mod workout;
