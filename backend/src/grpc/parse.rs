//! Requests → domain types. Every field is checked here, at the edge, and
//! all bad fields of a request are reported together as field violations.

use uuid::Uuid;

use baton_proto::user::v1 as user_pb;

use crate::{
    domain::{
        DisplayName, Email, HttpsUrl, IdempotencyKey, InviteState, PageRequest, Password, Role,
        Roles, Timezone, Units,
    },
    error::{Error, FieldViolation},
};

/// Collects the violations of one request.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldViolation>);

impl Fields {
    /// Keeps the value, or records why `field` is bad.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, &str>) -> Option<T> {
        parsed.map_err(|why| self.0.push(FieldViolation::new(field, why))).ok()
    }

    /// `value` when no field was bad, else INVALID_ARGUMENT.
    pub fn finish<T>(self, value: T) -> Result<T, Error> {
        if self.0.is_empty() { Ok(value) } else { Err(Error::InvalidArgument(self.0)) }
    }

    /// INVALID_ARGUMENT with every violation seen.
    pub fn error(self) -> Error {
        if self.0.is_empty() {
            Error::Internal("a request failed to parse without saying why".to_owned())
        } else {
            Error::InvalidArgument(self.0)
        }
    }
}

pub fn id(field: &str, value: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(value.trim()).map_err(|_| Error::invalid(field, "is not a valid id"))
}

/// An id that may be left empty.
pub fn optional_id(field: &str, value: &str) -> Result<Option<Uuid>, Error> {
    if value.trim().is_empty() { Ok(None) } else { id(field, value).map(Some) }
}

pub fn email(value: &str) -> Result<Email, Error> {
    Email::parse(value).map_err(|why| Error::invalid("email", why))
}

pub fn password(field: &str, value: &str) -> Result<Password, Error> {
    Password::parse(value).map_err(|why| Error::invalid(field, why))
}

/// Roles from the wire: at least one, all known.
pub fn roles(values: &[i32]) -> Result<Roles, &'static str> {
    let mut roles = Vec::with_capacity(values.len());
    for value in values {
        roles.push(match user_pb::Role::try_from(*value) {
            Ok(user_pb::Role::Athlete) => Role::Athlete,
            Ok(user_pb::Role::Coach) => Role::Coach,
            Ok(user_pb::Role::Admin) => Role::Admin,
            Ok(user_pb::Role::Unspecified) | Err(_) => return Err("contains an unknown role"),
        });
    }
    if roles.is_empty() {
        return Err("must name at least one role");
    }
    Ok(roles.into_iter().collect())
}

/// A role filter: UNSPECIFIED means any.
pub fn role_filter(value: i32) -> Result<Option<Role>, Error> {
    match user_pb::Role::try_from(value) {
        Ok(user_pb::Role::Unspecified) => Ok(None),
        Ok(user_pb::Role::Athlete) => Ok(Some(Role::Athlete)),
        Ok(user_pb::Role::Coach) => Ok(Some(Role::Coach)),
        Ok(user_pb::Role::Admin) => Ok(Some(Role::Admin)),
        Err(_) => Err(Error::invalid("role", "is not a known role")),
    }
}

pub fn units(value: i32) -> Result<Units, &'static str> {
    match user_pb::Units::try_from(value) {
        Ok(user_pb::Units::Metric) => Ok(Units::Metric),
        Ok(user_pb::Units::Imperial) => Ok(Units::Imperial),
        Ok(user_pb::Units::Unspecified) | Err(_) => Err("must be metric or imperial"),
    }
}

/// An optional link: `""` clears it.
pub fn clearable_url(value: &str) -> Result<Option<HttpsUrl>, &'static str> {
    if value.trim().is_empty() { Ok(None) } else { HttpsUrl::parse(value).map(Some) }
}

pub fn display_name(value: &str) -> Result<DisplayName, &'static str> {
    DisplayName::parse(value)
}

pub fn timezone(value: &str) -> Result<Timezone, &'static str> {
    Timezone::parse(value)
}

/// Paging fields. The token is checked against its query by the service.
pub fn page(page_size: i32, page_token: &str) -> Result<PageRequest, Error> {
    let mut fields = Fields::default();
    let size = fields.check("page_size", PageRequest::size(page_size));
    let token = fields.check("page_token", PageRequest::token(page_token));
    match (size, token) {
        (Some(size), Some(token)) => Ok(PageRequest { size, token }),
        _ => Err(fields.error()),
    }
}

/// An idempotency key: empty (none) or up to 128 printable characters.
pub fn idempotency_key(value: &str) -> Result<Option<IdempotencyKey>, Error> {
    IdempotencyKey::parse(value).map_err(|why| Error::invalid("idempotency_key", why))
}

/// An invite status filter: UNSPECIFIED means any.
pub fn invite_state(value: i32) -> Result<Option<InviteState>, Error> {
    match user_pb::InviteStatus::try_from(value) {
        Ok(user_pb::InviteStatus::Unspecified) => Ok(None),
        Ok(user_pb::InviteStatus::Pending) => Ok(Some(InviteState::Pending)),
        Ok(user_pb::InviteStatus::Accepted) => Ok(Some(InviteState::Accepted)),
        Ok(user_pb::InviteStatus::Revoked) => Ok(Some(InviteState::Revoked)),
        Ok(user_pb::InviteStatus::Expired) => Ok(Some(InviteState::Expired)),
        Err(_) => Err(Error::invalid("status", "is not a known invite status")),
    }
}

/// Longest search text or prefix a List request may filter by.
const MAX_SEARCH_LEN: usize = 200;

/// An optional search filter: trimmed, empty means none. Control
/// characters are refused: nothing searchable holds them, and PostgreSQL
/// cannot take a NUL in text at all.
pub fn search(field: &str, value: &str) -> Result<Option<String>, Error> {
    let value = value.trim();
    if value.len() > MAX_SEARCH_LEN {
        return Err(Error::invalid(field, "is too long (at most 200 bytes)"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(Some(value.to_owned()).filter(|value| !value.is_empty()))
}

/// A required string of at most `max` bytes.
pub fn bounded(value: &str, max: usize) -> Result<String, &'static str> {
    match value.len() {
        0 => Err("is required"),
        n if n > max => Err("is too long"),
        _ => Ok(value.to_owned()),
    }
}

/// The base64url SHA-256 of the browser's secret: 43 characters.
pub fn browser_binding_hash(value: &str) -> Result<&str, Error> {
    let ok = value.len() == 43
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(value)
    } else {
        Err(Error::invalid(
            "browser_binding_hash",
            "must be the base64url SHA-256 of the browser secret",
        ))
    }
}

/// An optional timestamp filter.
pub fn optional_time(
    field: &str,
    value: Option<prost_types::Timestamp>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, Error> {
    let Some(value) = value else { return Ok(None) };
    let nanos =
        u32::try_from(value.nanos).map_err(|_| Error::invalid(field, "is not a valid time"))?;
    chrono::DateTime::from_timestamp(value.seconds, nanos)
        .map(Some)
        .ok_or_else(|| Error::invalid(field, "is not a valid time"))
}

#[cfg(test)]
mod search_tests {
    use super::search;

    #[test]
    fn a_search_with_a_control_character_is_refused() {
        assert!(search("query", "auth.\u{0}").is_err());
        assert!(search("query", "a\u{7}b").is_err());
        assert_eq!(search("query", "  é😀 ").unwrap().as_deref(), Some("é😀"));
        assert_eq!(search("query", "   ").unwrap(), None);
    }
}
