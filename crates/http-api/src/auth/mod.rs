//! Credentials, shared by the API-key middleware, the session routes, plugin routes and
//! the Socket.IO handshake: the constant-time key check, the elizaOS 401 body, and a
//! session's own token.

pub mod session;

use actix_web::HttpResponse;
use serde_json::json;
use subtle::ConstantTimeEq;

/// Compares a presented key with the configured one in time that depends only on the
/// configured key's length, so response timing does not reveal how much of a guess matched.
pub fn keys_match(presented: &[u8], expected: &[u8]) -> bool {
    let mut padded = vec![0u8; expected.len()];
    let n = presented.len().min(expected.len());
    padded[..n].copy_from_slice(&presented[..n]);
    let same_len = (presented.len() as u64).ct_eq(&(expected.len() as u64));
    (same_len & padded.as_slice().ct_eq(expected)).into()
}

/// The family-F 401 body of elizaOS; it says nothing about the configured key.
pub fn unauthorized() -> HttpResponse {
    HttpResponse::Unauthorized().json(json!({
        "error": "API key required",
        "message": "Missing or invalid X-API-KEY header",
    }))
}

#[cfg(test)]
mod tests {
    use super::keys_match;

    #[test]
    fn only_the_exact_key_matches() {
        assert!(keys_match(b"s3cret", b"s3cret"));
        assert!(!keys_match(b"s3cre", b"s3cret"));
        assert!(!keys_match(b"s3crett", b"s3cret"));
        assert!(!keys_match(b"s3creT", b"s3cret"));
        assert!(!keys_match(b"", b"s3cret"));
        assert!(!keys_match(b"s3cret\0", b"s3cret"));
    }
}
