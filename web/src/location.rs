//! Reading and leaving the page's address: one-time tokens arrive in the
//! fragment (`/invite#<token>`), Google's answer in the query string.

/// The fragment without its `#`, if there is one.
pub fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    token_from_fragment(&hash)
}

/// One query-string parameter, decoded.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Removes the fragment and query from the address bar (and history), so
/// a one-time token or code does not linger where it can be copied.
pub fn forget_secrets_in_address() {
    let Some(window) = web_sys::window() else { return };
    let path = window.location().pathname().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

/// Leaves the app for `url` (Google's consent page).
pub fn go_to(url: &str) {
    if let Some(window) = web_sys::window()
        && let Err(err) = window.location().assign(url)
    {
        web_sys::console::warn_2(&"could not open the page".into(), &err);
    }
}

fn token_from_fragment(hash: &str) -> Option<String> {
    let token = hash.strip_prefix('#').unwrap_or(hash).trim();
    (!token.is_empty()).then(|| token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::token_from_fragment;

    #[test]
    fn the_token_is_the_fragment_without_its_hash() {
        assert_eq!(token_from_fragment("#abc-DEF_1").as_deref(), Some("abc-DEF_1"));
        assert_eq!(token_from_fragment("#"), None);
        assert_eq!(token_from_fragment(""), None);
    }
}
