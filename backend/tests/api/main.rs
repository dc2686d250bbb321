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
mod google;
mod health;
mod hostile_input;
mod keys;
mod login;
mod logs;
mod migrations;
mod refresh;
mod roster;
mod signup;
mod web;
