//! The sandbox's own tests: its stand-ins behave as the real services do.

// Helpers outside #[test] functions may fail loudly too: this is a test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod garmin_calendar;
mod garmin_faults;
mod garmin_harness;
mod garmin_sso;
mod garmin_tokens;
mod garmin_widget;
mod garmin_workouts;
mod google;
