//! Profile fields people type: names, time zones, links.

use std::str::FromStr;

/// A display name: 1–100 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("is required");
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err("must be at most 100 characters");
        }
        if trimmed.chars().any(char::is_control) {
            return Err("must not contain control characters");
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time zone name known to the bundled tz database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timezone(String);

impl Timezone {
    /// Empty means UTC, as the contract says.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(Self("UTC".to_owned()));
        }
        chrono_tz::Tz::from_str(trimmed)
            .map(|tz| Self(tz.name().to_owned()))
            .map_err(|_| "is not an IANA time zone name (like Europe/Berlin)")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An absolute https URL up to 2048 characters (avatars, payment links).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpsUrl(String);

impl HttpsUrl {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.len() > Self::MAX_LEN {
            return Err("must be at most 2048 characters");
        }
        let url = url::Url::parse(trimmed).map_err(|_| "is not a URL")?;
        if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
            return Err("must be an https:// link");
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("must not contain a user name or password");
        }
        // Normalising may percent-encode or punycode; the stored form must fit.
        let normalized = url.to_string();
        if normalized.len() > Self::MAX_LEN {
            return Err("must be at most 2048 characters");
        }
        Ok(Self(normalized))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada Lovelace ").unwrap().as_str(), "Ada Lovelace");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"é".repeat(100)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(101)).is_err());
        assert!(DisplayName::parse("Ada\u{7}").is_err());
    }

    #[test]
    fn time_zones_must_be_iana_names() {
        assert_eq!(Timezone::parse("Europe/Berlin").unwrap().as_str(), "Europe/Berlin");
        assert_eq!(Timezone::parse("").unwrap().as_str(), "UTC");
        assert!(Timezone::parse("Mars/Olympus").is_err());
        assert!(Timezone::parse("+02:00").is_err());
    }

    #[test]
    fn links_must_be_https() {
        assert!(HttpsUrl::parse("https://pay.example.com/coach/ada").is_ok());
        for bad in [
            "http://pay.example.com",
            "javascript:alert(1)",
            "https://",
            "not a url",
            "https://user:pw@example.com/",
        ] {
            assert!(HttpsUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(HttpsUrl::parse(&format!("https://example.com/{}", "a".repeat(2048))).is_err());
        // Short as typed, too long once percent-encoded.
        assert!(HttpsUrl::parse(&format!("https://example.com/{}x", " ".repeat(1000))).is_err());
    }
}
