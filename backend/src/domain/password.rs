use secrecy::{ExposeSecret, SecretString};

/// Passwords people pick most often that are long enough to pass the length
/// rule. Compared case-insensitively.
const COMMON: &str = include_str!("common_passwords.txt");

/// A new password that meets the policy: 12–128 characters, compared exactly
/// as typed, no composition rules, not one of the most common passwords.
pub struct Password(SecretString);

impl Password {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            return Err("must be at least 12 characters");
        }
        if chars > Self::MAX_CHARS {
            return Err("must be at most 128 characters");
        }
        let lowered = input.to_lowercase();
        if COMMON.lines().any(|common| common.trim() == lowered) {
            return Err("is one of the most common passwords; choose another");
        }
        Ok(Self(SecretString::from(input.to_owned())))
    }

    pub fn into_secret(self) -> SecretString {
        self.0
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::Password;

    #[test]
    fn accepts_a_long_enough_passphrase_as_typed() {
        let password = Password::parse("  Correct Horse Battery  ").unwrap();
        assert_eq!(password.expose(), "  Correct Horse Battery  ");
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(Password::parse("ééééééééééé").is_err(), "11 characters");
        assert!(Password::parse("éééééééééééé").is_ok(), "12 characters");
        assert!(Password::parse(&"é".repeat(128)).is_ok());
        assert!(Password::parse(&"é".repeat(129)).is_err());
    }

    #[test]
    fn rejects_common_passwords_in_any_case() {
        assert!(Password::parse("Password1234").is_err());
        assert!(Password::parse("QWERTYUIOP123").is_err());
    }

    #[test]
    fn debug_never_shows_the_password() {
        let password = Password::parse("a very secret phrase").unwrap();
        assert!(!format!("{password:?}").contains("secret"));
    }
}
