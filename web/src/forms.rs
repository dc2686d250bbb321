//! Form state the pages share: a text field bound to a state handle, and
//! the words to show under a field, from the server or from a check the
//! browser made first.

use yew::prelude::*;

use crate::api::ApiError;

/// Keeps `state` in step with what the person types.
pub fn bind(state: &UseStateHandle<String>) -> Callback<String> {
    let state = state.clone();
    Callback::from(move |value: String| state.set(value))
}

/// The server's words for `field`, when it refused the request because of it.
pub fn server_error(error: &Option<ApiError>, field: &str) -> Option<AttrValue> {
    error.as_ref().and_then(|err| err.field_error(field)).map(AttrValue::from)
}

/// The browser's own words for `which` (see `new_password::problem`).
pub fn local_error(local: Option<(&'static str, &'static str)>, which: &str) -> Option<AttrValue> {
    local.and_then(|(field, text)| (field == which).then_some(AttrValue::from(text)))
}
