/// A client's key for a create it may retry: up to 128 printable characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LEN: usize = 128;

    /// `None` for an empty key (no replay protection asked for).
    pub fn parse(value: &str) -> Result<Option<Self>, &'static str> {
        match value.len() {
            0 => Ok(None),
            1..=Self::MAX_LEN if !value.chars().any(char::is_control) => {
                Ok(Some(Self(value.to_owned())))
            }
            _ => Err("must be at most 128 printable characters"),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::IdempotencyKey;

    #[test]
    fn keys_are_optional_bounded_and_printable() {
        assert_eq!(IdempotencyKey::parse(""), Ok(None));
        assert_eq!(IdempotencyKey::parse("abc").unwrap().unwrap().as_str(), "abc");
        assert!(IdempotencyKey::parse(&"k".repeat(129)).is_err());
        assert!(IdempotencyKey::parse("a\nb").is_err());
    }
}
