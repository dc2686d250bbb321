use std::fmt;

/// An email address as typed, with the lower-case form used for lookups and
/// the uniqueness rule.
#[derive(Clone, PartialEq, Eq)]
pub struct Email {
    as_typed: String,
    normalized: String,
}

impl Email {
    /// The longest address RFC 5321 allows.
    pub const MAX_LEN: usize = 254;

    /// Accepts `local@domain` with a dotted domain, no spaces or control
    /// characters, at most 254 bytes. Surrounding white space is dropped.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("is required");
        }
        if trimmed.len() > Self::MAX_LEN {
            return Err("is longer than 254 characters");
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must not contain spaces");
        }
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return Err("is not an email address");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err("is not an email address");
        }
        Ok(Self { as_typed: trimmed.to_owned(), normalized: trimmed.to_lowercase() })
    }

    pub fn as_str(&self) -> &str {
        &self.as_typed
    }

    /// Lower-case form: two addresses that differ only in case are one account.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// The part before the `@`, as a default display name.
    pub fn local_part(&self) -> &str {
        self.as_typed.rsplit_once('@').map_or(&self.as_typed, |(local, _)| local)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Email").field(&self.as_typed).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn accepts_an_ordinary_address_and_normalizes_case() {
        let email = Email::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace@Example.COM");
        assert_eq!(email.normalized(), "ada.lovelace@example.com");
        assert_eq!(email.local_part(), "Ada.Lovelace");
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in [
            "",
            "   ",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "ada@.example.com",
            "ada@example..com",
            "ada@example.com.",
            "ada@exa\u{0}mple.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn rejects_overlong_addresses() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
    }
}
