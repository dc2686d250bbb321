//! Opening and continuing pages: a page token is the next offset signed for
//! the exact query it continues (see `crypto::page_token`), so a forged,
//! stretched, truncated or borrowed token is INVALID_ARGUMENT, never a
//! wild offset reaching the database.

use crate::{
    crypto::PageTokens,
    domain::{Page, PageRequest, PageScope},
    error::{Error, Result},
};

/// A page being read, and how to sign the token of the next one.
#[derive(Debug)]
pub struct Cursor {
    pub page: Page,
    scope: [u8; 32],
    tokens: PageTokens,
}

/// Opens the page `request` asks for within `scope`.
pub fn open(tokens: &PageTokens, request: &PageRequest, scope: &PageScope) -> Result<Cursor> {
    let scope = scope.digest();
    let offset = if request.token.is_empty() {
        0
    } else {
        tokens
            .open(&scope, &request.token)
            .map(u64::from)
            .filter(|offset| *offset <= Page::MAX_OFFSET)
            .ok_or_else(|| {
                Error::invalid("page_token", "is not a page token of this query; start again")
            })?
    };
    Ok(Cursor { page: Page { offset, size: request.size }, scope, tokens: tokens.clone() })
}

impl Cursor {
    /// Trims the extra row fetched and gives the next page's token, if
    /// another page follows (and is not beyond the deepest offset served).
    pub fn finish<T>(self, mut rows: Vec<T>) -> (Vec<T>, String) {
        let size = usize::try_from(self.page.size).unwrap_or(usize::MAX);
        let more = rows.len() > size;
        rows.truncate(size);
        let next = self.page.offset + self.page.size;
        let token = match u32::try_from(next) {
            Ok(next) if more && u64::from(next) <= Page::MAX_OFFSET => {
                self.tokens.sign(&self.scope, next)
            }
            _ => String::new(),
        };
        (rows, token)
    }
}
