//! Public identifiers that arrive in URLs (card slugs, share tokens).
//!
//! They are checked before any lookup so a mangled link (a chat app that appended
//! punctuation, a truncated paste) gets a clear "not found" instead of a backend
//! round-trip, and nothing odd is ever echoed into a query.

use thiserror::Error;

pub const MAX_PUBLIC_ID_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("identifier is empty")]
    Empty,
    #[error("identifier is longer than {MAX_PUBLIC_ID_LEN} characters")]
    TooLong,
    #[error("identifier contains {0:?}, only A-Z a-z 0-9 - _ are allowed")]
    BadChar(char),
}

/// Accepts URL-safe ids: 1 to 64 characters of `[A-Za-z0-9_-]`.
pub fn parse_public_id(raw: &str) -> Result<&str, IdError> {
    if raw.is_empty() {
        return Err(IdError::Empty);
    }
    if let Some(c) = raw
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(IdError::BadChar(c));
    }
    if raw.len() > MAX_PUBLIC_ID_LEN {
        return Err(IdError::TooLong);
    }
    Ok(raw)
}

/// Lower-case hex of random bytes: 16 bytes make a 128-bit share token. The caller
/// supplies the randomness (the browser's crypto or the OS), keeping this crate pure.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_a_valid_public_id() {
        let token = super::hex(&[0xab; 16]);
        assert_eq!(token.len(), 32);
        assert_eq!(super::parse_public_id(&token), Ok(token.as_str()));
    }

    use super::*;

    #[test]
    fn accepts_url_safe_ids() {
        assert_eq!(parse_public_id("wang-lei_01"), Ok("wang-lei_01"));
        assert_eq!(parse_public_id(&"a".repeat(64)).map(str::len), Ok(64));
    }

    #[test]
    fn rejects_what_a_chat_app_might_mangle() {
        assert_eq!(parse_public_id(""), Err(IdError::Empty));
        assert_eq!(parse_public_id("abc。"), Err(IdError::BadChar('。')));
        assert_eq!(parse_public_id("a b"), Err(IdError::BadChar(' ')));
        assert_eq!(parse_public_id("<script>"), Err(IdError::BadChar('<')));
        assert_eq!(parse_public_id(&"a".repeat(65)), Err(IdError::TooLong));
    }
}
