//! Showing times to people: in their browser's language and time zone.

use js_sys::{Date, Object, Reflect};
use wasm_bindgen::JsValue;

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
