//! The sandbox's own tests: its stand-ins behave as the real services do.

// Helpers outside #[test] functions may fail loudly too: this is a test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod google;
