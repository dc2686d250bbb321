//! The SSO's JSON sign-in as the Garmin Connect app and the web portal use
//! it (GARMIN.md §2.3, §2.4.1): credentials → `SUCCESSFUL` with a service
//! ticket, or `MFA_REQUIRED` → verify code → ticket.
//!
//! What is checked: the query's `clientId`, `locale` and `service` belong
//! together (`GCM_ANDROID_DARK` ↔ `…/gcm/android`, `GCM_IOS_DARK` ↔
//! `…/gcm/ios`, `GarminConnect` ↔ `https://connect.garmin.com/app`), the body
//! is JSON with every field the reference clients send, the MFA verify
//! carries the login's `SESSION` cookie. A malformed request answers 400
//! `{"error": {"status-code": "400", …}}`. The portal login answers
//! `{"error": {"status-code": "427"}}` (HTTP 200) for MFA accounts (§0.1).

pub(crate) mod login;
pub(crate) mod mfa;
pub(crate) mod reply;
pub(crate) mod session;
