//! Local stand-ins for Garmin Connect and Google's OpenID Connect provider.
//!
//! Tests start them in-process on ephemeral ports and point Baton's
//! `BATON_GARMIN_*` and `BATON_GOOGLE_*` URLs at them; the demo runs them
//! beside the backend. The Garmin and Google sides arrive with the issues
//! that build those features.
