//! Paging for every List RPC: a clamped page size and an opaque page token
//! that is bound to the query it came from.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// Which slice of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub size: u64,
    /// Fingerprint of the filter the token was issued for.
    fingerprint: u64,
}

impl Page {
    pub const DEFAULT_SIZE: u64 = 50;
    pub const MAX_SIZE: u64 = 200;

    /// Reads `page_size` (0 = default, larger than the maximum = clamped)
    /// and `page_token` (empty = first page). `filter` is every other
    /// request field, so a token cannot be replayed against another query.
    pub fn parse(page_size: i32, page_token: &str, filter: &str) -> Result<Self, &'static str> {
        let size = match page_size {
            ..0 => return Err("must not be negative"),
            0 => Self::DEFAULT_SIZE,
            n => u64::from(n.unsigned_abs()).min(Self::MAX_SIZE),
        };
        let fingerprint = fingerprint(filter);
        if page_token.is_empty() {
            return Ok(Self { offset: 0, size, fingerprint });
        }
        let bytes = URL_SAFE_NO_PAD.decode(page_token).map_err(|_| "is not a page token")?;
        let bytes: [u8; 16] = bytes.try_into().map_err(|_| "is not a page token")?;
        let (offset, issued_for) = bytes.split_at(8);
        let offset = u64::from_be_bytes(offset.try_into().map_err(|_| "is not a page token")?);
        let issued_for =
            u64::from_be_bytes(issued_for.try_into().map_err(|_| "is not a page token")?);
        if issued_for != fingerprint {
            return Err("belongs to a different query");
        }
        Ok(Self { offset, size, fingerprint })
    }

    /// How many rows to fetch: one more than a page, to learn whether
    /// another page follows.
    pub fn fetch_limit(&self) -> u64 {
        self.size + 1
    }

    /// Trims the extra row and gives the token for the next page, if any.
    pub fn finish<T>(&self, mut rows: Vec<T>) -> (Vec<T>, String) {
        let more = u64::try_from(rows.len()).unwrap_or(u64::MAX) > self.size;
        rows.truncate(usize::try_from(self.size).unwrap_or(usize::MAX));
        let token = if more {
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&(self.offset + self.size).to_be_bytes());
            bytes[8..].copy_from_slice(&self.fingerprint.to_be_bytes());
            URL_SAFE_NO_PAD.encode(bytes)
        } else {
            String::new()
        };
        (rows, token)
    }
}

fn fingerprint(filter: &str) -> u64 {
    let digest = Sha256::digest(filter.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn sizes_default_and_clamp() {
        assert_eq!(Page::parse(0, "", "").unwrap().size, 50);
        assert_eq!(Page::parse(1000, "", "").unwrap().size, 200);
        assert_eq!(Page::parse(7, "", "").unwrap().size, 7);
        assert!(Page::parse(-1, "", "").is_err());
    }

    #[test]
    fn a_token_continues_the_same_query_only() {
        let first = Page::parse(2, "", "role=coach").unwrap();
        let (rows, token) = first.finish(vec![1, 2, 3]);
        assert_eq!(rows, vec![1, 2]);
        let second = Page::parse(2, &token, "role=coach").unwrap();
        assert_eq!(second.offset, 2);
        assert!(Page::parse(2, &token, "role=admin").is_err());
        assert!(Page::parse(2, "garbage!", "role=coach").is_err());
        let (rows, token) = second.finish(vec![3]);
        assert_eq!((rows, token), (vec![3], String::new()));
    }
}
