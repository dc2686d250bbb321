//! Showing values to people: times in their browser's language and time
//! zone, sign-in methods in words.

use std::time::Duration;

use js_sys::{Date, Intl::DateTimeFormat, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::api::SignInMethod;

/// "12 Mar 2026, 14:05" (in the browser's locale), or "—" when unset.
pub fn date_time(millis: Option<f64>) -> String {
    let Some(millis) = millis else {
        return "—".to_owned();
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    let date = Date::new(&JsValue::from_f64(millis));
    date.to_locale_string(&locale(), &options).into()
}

/// "14:20" (or "2:20 PM", as the browser's locale writes it), or "—".
pub fn clock_time(millis: Option<f64>) -> String {
    let Some(millis) = millis else {
        return "—".to_owned();
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    let date = Date::new(&JsValue::from_f64(millis));
    let today = Date::new_0().to_date_string() == date.to_date_string();
    if !today {
        let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    }
    date.to_locale_string(&locale(), &options).into()
}

/// The clock time `wait` from now, as [`clock_time`] says it.
pub fn clock_time_after(wait: Duration) -> String {
    clock_time(Some(Date::now() + wait.as_secs_f64() * 1000.0))
}

thread_local! {
    /// One formatter for every row of a long list: making one is the slow part.
    static DATES: DateTimeFormat = {
        let options = Object::new();
        let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
        let locales = js_sys::Array::of1(&locale().into());
        DateTimeFormat::new(&locales, &options)
    };
}

/// "12 Mar 2026" (in the browser's locale), or "—" when unset.
pub fn date(millis: Option<f64>) -> String {
    let Some(millis) = millis else {
        return "—".to_owned();
    };
    let date = Date::new(&JsValue::from_f64(millis));
    DATES
        .with(|format| {
            format.format().call1(&JsValue::UNDEFINED, &date).ok().and_then(|text| text.as_string())
        })
        .unwrap_or_else(|| "—".to_owned())
}

/// The browser's time zone (IANA name), e.g. "Europe/Berlin"; "UTC" if unknown.
pub fn browser_timezone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &Object::new());
    Reflect::get(&format.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "UTC".to_owned())
}

fn locale() -> String {
    web_sys::window()
        .and_then(|window| window.navigator().language())
        .unwrap_or_else(|| "en".into())
}

/// "a password or Google", "a password", "Google"; `None` for no method.
pub fn sign_in_methods(methods: &[SignInMethod]) -> Option<&'static str> {
    let password = methods.contains(&SignInMethod::Password);
    let google = methods.contains(&SignInMethod::Google);
    match (password, google) {
        (true, true) => Some("a password or Google"),
        (true, false) => Some("a password"),
        (false, true) => Some("Google"),
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_methods_read_as_words() {
        use SignInMethod::{Google, Password};
        assert_eq!(sign_in_methods(&[Password, Google]), Some("a password or Google"));
        assert_eq!(sign_in_methods(&[Google]), Some("Google"));
        assert_eq!(sign_in_methods(&[Password]), Some("a password"));
        assert_eq!(sign_in_methods(&[]), None);
    }
}
