//! Reading one field of a posted workout the way Garmin's JSON binding
//! does: absent and `null` are the same, numbers come back as floats (or
//! ints where Garmin keeps ints), type objects resolve through their ids.

use serde_json::{Map, Value, json};

use super::Invalid;
use crate::garmin::catalog::{Entry, Table, Unit};

pub(super) type Object = Map<String, Value>;

fn present<'a>(object: &'a Object, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|value| !value.is_null())
}

/// A number as a float (`600` → `600.0`), or `null`.
pub(super) fn float(object: &Object, key: &str) -> Result<Value, Invalid> {
    match present(object, key) {
        None => Ok(Value::Null),
        Some(value) => {
            value.as_f64().map(|number| json!(number)).ok_or_else(|| Invalid::field(key))
        }
    }
}

/// A whole number (`600.0` → `600`), or `null`.
pub(super) fn int(object: &Object, key: &str) -> Result<Value, Invalid> {
    match present(object, key) {
        None => Ok(Value::Null),
        Some(value) => integer(value).map(Value::from).ok_or_else(|| Invalid::field(key)),
    }
}

pub(super) fn integer(value: &Value) -> Option<i64> {
    match value.as_i64() {
        Some(number) => Some(number),
        None => value.as_f64().filter(|number| number.fract() == 0.0).map(|number| number as i64),
    }
}

pub(super) fn text(object: &Object, key: &str) -> Result<Value, Invalid> {
    match present(object, key) {
        None => Ok(Value::Null),
        Some(Value::String(text)) => Ok(Value::String(text.clone())),
        Some(_) => Err(Invalid::field(key)),
    }
}

pub(super) fn boolean(object: &Object, key: &str) -> Result<Value, Invalid> {
    match present(object, key) {
        None => Ok(Value::Null),
        Some(Value::Bool(flag)) => Ok(Value::Bool(*flag)),
        Some(_) => Err(Invalid::field(key)),
    }
}

/// A scalar passed through as sent (`endConditionCompare`, `endConditionZone`).
pub(super) fn scalar(object: &Object, key: &str) -> Result<Value, Invalid> {
    match present(object, key) {
        None => Ok(Value::Null),
        Some(value @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => Ok(value.clone()),
        Some(_) => Err(Invalid::field(key)),
    }
}

/// A type object (`{"stepTypeId": 3}`): the entry it names, `None` when it
/// names nothing (absent, `null`, or id and key both null).
pub(super) fn entry(table: &Table, object: &Object, key: &str) -> Result<Option<Entry>, Invalid> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::Object(inner)) => {
            let names_nothing = present(inner, table.id_field).is_none()
                && present(inner, table.key_field).is_none();
            if names_nothing {
                return Ok(None);
            }
            table.resolve(inner).map(Some).ok_or_else(|| Invalid::field(key))
        }
        Some(_) => Err(Invalid::field(key)),
    }
}

/// A unit object (`{"unitKey": "meter"}`), `None` when it names none.
pub(super) fn unit(object: &Object, key: &str) -> Result<Option<Unit>, Invalid> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::Object(inner)) => Unit::resolve(inner).map_err(|()| Invalid::field(key)),
        Some(_) => Err(Invalid::field(key)),
    }
}

/// A unit rendered, or `null`.
pub(super) fn unit_or_null(object: &Object, key: &str) -> Result<Value, Invalid> {
    Ok(unit(object, key)?.map(Unit::render).unwrap_or(Value::Null))
}
