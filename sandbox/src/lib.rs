//! Local stand-ins for Garmin Connect and Google's OpenID Connect provider.
//!
//! Tests start them in-process on ephemeral ports and point Baton's
//! `BATON_GARMIN_*` and `BATON_GOOGLE_*` URLs at them; the demo runs them
//! beside the backend (the `baton-sandbox` binary).
//!
//! [`garmin`] plays Garmin Connect as `GARMIN.md` describes it: the SSO's
//! JSON sign-in with MFA, the browser sign-in widget, the DI OAuth2 token
//! endpoint and connectapi's profile, workout, schedule and calendar
//! routes, with seeded TEST accounts and fault injection per route.
//!
//! [`google`] is an OpenID provider for the authorization-code flow with PKCE:
//! discovery, authorize, token, JWKS and userinfo, signing with fixed TEST
//! keys, with fault injection for the relying party's tests. Nothing here is
//! fit to face the internet: it serves plain HTTP and approves every sign-in.

pub mod garmin;
pub mod google;

pub use garmin::{GarminAccount, GarminSandbox, GarminSandboxConfig};

pub use google::{
    AuthorizationRecord, Fault, GoogleSandbox, GoogleSandboxConfig, Identity, RequestCounts,
};
