//! Paging for every List RPC: the page a request asked for, and the query a
//! page token is bound to. Tokens themselves are signed and checked by
//! `service` (with a server key), so a client can neither forge an offset
//! nor carry a token to another query or another user.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What a List request asked for: a clamped size and the token as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub size: u64,
    /// Empty for the first page.
    pub token: String,
}

impl PageRequest {
    pub const DEFAULT_SIZE: u64 = 50;
    pub const MAX_SIZE: u64 = 200;
    /// Longer input cannot be one of our tokens.
    pub const MAX_TOKEN_LEN: usize = 64;

    /// Reads `page_size` (0 = default, above the maximum = clamped).
    pub fn size(page_size: i32) -> Result<u64, &'static str> {
        match page_size {
            ..0 => Err("must not be negative"),
            0 => Ok(Self::DEFAULT_SIZE),
            n => Ok(u64::from(n.unsigned_abs()).min(Self::MAX_SIZE)),
        }
    }

    /// Reads `page_token`: only its length is checked here.
    pub fn token(page_token: &str) -> Result<String, &'static str> {
        if page_token.len() > Self::MAX_TOKEN_LEN {
            Err("is not a valid page token")
        } else {
            Ok(page_token.to_owned())
        }
    }
}

/// Which slice of a list to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub size: u64,
}

impl Page {
    /// The largest offset a page may start at; deeper lists need a filter.
    pub const MAX_OFFSET: u64 = 1_000_000;

    /// How many rows to fetch: one more than a page, to learn whether
    /// another page follows.
    pub fn fetch_limit(&self) -> u64 {
        self.size + 1
    }
}

/// The query a page token belongs to: the RPC, the caller and every filter
/// field, each length-prefixed so no two queries encode alike.
#[derive(Debug, Clone)]
pub struct PageScope(Sha256);

impl PageScope {
    pub fn new(rpc: &str, caller: Uuid) -> Self {
        let scope = Self(Sha256::new()).field("rpc", rpc);
        scope.field("caller", &caller.to_string())
    }

    /// Adds one filter field (`""` for an unset one).
    pub fn field(mut self, name: &str, value: &str) -> Self {
        for part in [name, value] {
            self.0.update(u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
            self.0.update(part.as_bytes());
        }
        self
    }

    /// The 32-byte digest tokens are bound to.
    pub fn digest(&self) -> [u8; 32] {
        self.0.clone().finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_default_and_clamp() {
        assert_eq!(PageRequest::size(0), Ok(50));
        assert_eq!(PageRequest::size(1000), Ok(200));
        assert_eq!(PageRequest::size(7), Ok(7));
        assert!(PageRequest::size(-1).is_err());
    }

    #[test]
    fn scopes_differ_by_every_field_and_by_where_a_field_ends() {
        let caller = Uuid::new_v4();
        let base = || PageScope::new("ListUsers", caller);
        let a = base().field("query", "ab").field("role", "").digest();
        let b = base().field("query", "a").field("role", "b").digest();
        let c = PageScope::new("ListUsers", Uuid::new_v4()).field("query", "ab").field("role", "");
        assert_ne!(a, b);
        assert_ne!(a, c.digest());
        assert_eq!(a, base().field("query", "ab").field("role", "").digest());
    }
}
