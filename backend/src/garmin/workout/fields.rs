//! Lenient readers for Garmin's JSON fields: a wrong type, a null or a
//! missing field reads as absent, never as an error or a panic. Numbers
//! may arrive as JSON numbers or numeric strings.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use super::ids::{GarminId, Keyed};

/// The field `key` of `value` when `value` is an object and the field is
/// present and not null.
pub(super) fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

/// A finite number, from a JSON number or a numeric string.
pub(super) fn number(value: Option<&Value>) -> Option<f64> {
    let n = match value? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

/// An integer, from a JSON integer, a float without fraction, or a numeric
/// string.
pub(super) fn integer(value: Option<&Value>) -> Option<i64> {
    let value = value?;
    if let Value::Number(n) = value
        && let Some(i) = n.as_i64()
    {
        return Some(i);
    }
    if let Value::String(s) = value
        && let Ok(i) = s.trim().parse::<i64>()
    {
        return Some(i);
    }
    let f = number(Some(value))?;
    // i64::MAX is not exactly representable; stay strictly inside.
    (f.fract() == 0.0 && f.abs() < 9.0e18).then_some(f as i64)
}

/// A positive integer that fits `u32`.
pub(super) fn positive_u32(value: Option<&Value>) -> Option<u32> {
    integer(value).and_then(|i| u32::try_from(i).ok()).filter(|&i| i > 0)
}

/// A positive integer that fits `i32` (zone numbers).
pub(super) fn positive_i32(value: Option<&Value>) -> Option<i32> {
    integer(value).and_then(|i| i32::try_from(i).ok()).filter(|&i| i > 0)
}

/// A string field.
pub(super) fn text(value: Option<&Value>) -> Option<&str> {
    value?.as_str()
}

/// A string field with surrounding white space removed; `None` if empty.
pub(super) fn non_empty_text(value: Option<&Value>) -> Option<&str> {
    text(value).map(str::trim).filter(|s| !s.is_empty())
}

/// A boolean, from `true`/`false` or the strings "true"/"false".
pub(super) fn boolean(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The elements of an array field; empty for anything else.
pub(super) fn array(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// A Garmin enum object such as `{"sportTypeId": 1, "sportTypeKey":
/// "running", "displayOrder": 1}`. Garmin treats the id as authoritative,
/// so a known id wins over the key; the key alone is used when the id is
/// absent. A bare string (key) or number (id) is accepted as well.
pub(super) fn keyed<T: GarminId>(
    value: Option<&Value>,
    id_field: &str,
    key_field: &str,
) -> Keyed<T> {
    let (id, key) = match value {
        Some(Value::String(s)) => (None, Some(s.as_str())),
        Some(v @ Value::Number(_)) => (integer(Some(v)), None),
        Some(v) => (integer(field(v, id_field)), text(field(v, key_field))),
        None => (None, None),
    };
    let kind = match (id, key) {
        (Some(id), _) => T::from_id(id),
        (None, Some(key)) => T::from_key(key),
        (None, None) => T::default(),
    };
    let key = key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .or_else(|| kind.key())
        .unwrap_or_default()
        .to_owned();
    Keyed { kind, key }
}

/// A Garmin unit object's `(unitId, unitKey, factor)`; a bare string is
/// read as a key.
pub(super) fn unit_parts(value: Option<&Value>) -> (Option<i64>, Option<&str>, Option<f64>) {
    match value {
        Some(Value::String(s)) => (None, Some(s.as_str()), None),
        Some(v) => (
            integer(field(v, "unitId")),
            non_empty_text(field(v, "unitKey")),
            number(field(v, "factor")),
        ),
        None => (None, None, None),
    }
}

/// A Garmin date: a string like `"2026-02-08T00:57:18.0"` (no zone, read as
/// UTC), an RFC 3339 string, or epoch milliseconds as a number or numeric
/// string. Numbers below 10^11 are read as epoch seconds: as milliseconds
/// they would fall in 1973, before Garmin Connect existed.
pub(super) fn date(value: Option<&Value>) -> Option<DateTime<Utc>> {
    match value? {
        Value::Number(n) => epoch(n.as_f64()?),
        Value::String(s) => date_text(s.trim()),
        _ => None,
    }
}

fn epoch(value: f64) -> Option<DateTime<Utc>> {
    if !value.is_finite() {
        return None;
    }
    let millis = if value.abs() < 1e11 { value * 1000.0 } else { value };
    // `as` saturates; out-of-range values are then refused by chrono.
    DateTime::from_timestamp_millis(millis.round() as i64)
}

fn date_text(text: &str) -> Option<DateTime<Utc>> {
    if !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && let Ok(n) = text.parse::<f64>()
    {
        return epoch(n);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(naive.and_utc());
        }
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_come_from_numbers_and_numeric_strings_only() {
        assert_eq!(number(Some(&json!(600))), Some(600.0));
        assert_eq!(number(Some(&json!("4.1667"))), Some(4.1667));
        assert_eq!(number(Some(&json!("NaN"))), None);
        assert_eq!(number(Some(&json!("inf"))), None);
        assert_eq!(number(Some(&json!(true))), None);
        assert_eq!(number(Some(&json!({"a": 1}))), None);
        assert_eq!(integer(Some(&json!(6.0))), Some(6));
        assert_eq!(integer(Some(&json!(6.5))), None);
        assert_eq!(integer(Some(&json!(1e300))), None);
        assert_eq!(integer(Some(&json!(" 42 "))), Some(42));
        assert_eq!(positive_u32(Some(&json!(-3))), None);
        assert_eq!(positive_u32(Some(&json!(0))), None);
    }

    #[test]
    fn garmin_date_strings_are_read_as_utc() {
        let expected = "2026-02-08T00:57:18Z";
        for input in [
            json!("2026-02-08T00:57:18.0"),
            json!("2026-02-08T00:57:18"),
            json!("2026-02-08 00:57:18.0"),
            json!("2026-02-08T00:57:18Z"),
            json!("2026-02-08T01:57:18+01:00"),
            json!(1_770_512_238_000_i64),
            json!(1_770_512_238_000.0),
            json!("1770512238000"),
            json!(1_770_512_238),
        ] {
            let parsed =
                date(Some(&input)).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            assert_eq!(parsed.as_deref(), Some(expected), "{input}");
        }
        assert_eq!(
            date(Some(&json!("2026-02-08"))).map(|d| d.to_rfc3339()),
            Some("2026-02-08T00:00:00+00:00".to_owned())
        );
    }

    #[test]
    fn nonsense_dates_are_absent() {
        for input in [
            json!("yesterday"),
            json!(""),
            json!(1e300),
            json!([]),
            json!("9999999999999999999999"),
        ] {
            assert_eq!(date(Some(&input)), None, "{input}");
        }
    }

    #[test]
    fn a_known_id_wins_over_the_key_and_the_key_is_kept() {
        let k: Keyed<super::super::ids::SportType> = keyed(
            Some(&json!({"sportTypeId": 17, "sportTypeKey": "walking"})),
            "sportTypeId",
            "sportTypeKey",
        );
        assert_eq!(k.kind, super::super::ids::SportType::Unspecified);
        assert_eq!(k.key, "walking");
        let k: Keyed<super::super::ids::SportType> =
            keyed(Some(&json!({"sportTypeId": 1})), "sportTypeId", "sportTypeKey");
        assert_eq!(k.key, "running");
        let k: Keyed<super::super::ids::SportType> =
            keyed(Some(&json!({"sportTypeKey": "cycling"})), "sportTypeId", "sportTypeKey");
        assert_eq!(k.kind, super::super::ids::SportType::Cycling);
    }
}
