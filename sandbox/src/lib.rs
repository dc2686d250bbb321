//! Local stand-ins for Garmin Connect and Google's OpenID Connect provider.
//!
//! Tests start them in-process on ephemeral ports and point Baton's
//! `BATON_GARMIN_*` and `BATON_GOOGLE_*` URLs at them; the demo runs them
//! beside the backend (the `baton-sandbox` binary). The Garmin side arrives
//! with the issue that builds that feature.
//!
//! [`google`] is an OpenID provider for the authorization-code flow with PKCE:
//! discovery, authorize, token, JWKS and userinfo, signing with fixed TEST
//! keys, with fault injection for the relying party's tests. Nothing here is
//! fit to face the internet: it serves plain HTTP and approves every sign-in.

pub mod google;

pub use google::{
    AuthorizationRecord, Fault, GoogleSandbox, GoogleSandboxConfig, Identity, RequestCounts,
};
