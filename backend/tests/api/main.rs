//! Baton's API tests: the real server on port 0, a fresh database per test
//! (SQLite, or PostgreSQL when `BATON_TEST_DATABASE=postgres`), called
//! through the generated clients.

// Helpers outside #[test] functions may fail loudly too: this is a test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod access_tokens;
mod account;
mod admin;
mod authorization;
mod error_reasons;
mod garmin;
mod google;
mod health;
mod hostile_input;
mod idempotency;
mod keys;
mod links;
mod lockout;
mod login;
mod logs;
mod migrations;
mod paging;
mod random_requests;
mod recent_sign_in;
mod refresh;
mod retention;
mod revocation;
mod roster;
mod sharing;
mod signup;
mod status_table;
mod web;
