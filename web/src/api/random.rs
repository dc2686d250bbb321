//! Random tokens from the browser's CSPRNG. `crypto.getRandomValues` works
//! on every origin; `crypto.randomUUID` only in secure contexts (https or
//! localhost), so a plain-http deployment would get nothing from it.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

/// `N` random bytes, base64url without padding; `None` when the browser has
/// no CSPRNG to offer.
pub(super) fn random_token<const N: usize>() -> Option<String> {
    let mut bytes = [0u8; N];
    web_sys::window()?.crypto().ok()?.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}
