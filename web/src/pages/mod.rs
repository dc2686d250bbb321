//! One component per route. Pages hold form state, call `api` through the
//! session's handle and show plain data or an `ApiError` in words; they
//! never see gRPC types.

pub mod home;
pub mod not_found;
pub mod sign_in;
