//! Hooks the pages share: loading data ([`fetch`]) and changes to how an
//! account signs in, which may need the person to confirm who they are
//! first ([`recent_sign_in`]).

pub mod fetch;
pub mod recent_sign_in;
