//! Per-session tokens: a public chat widget holds one to use one session without the
//! server's API key. Only a SHA-256 hash is stored, and checks compare in constant time, so
//! neither a database dump nor response timing reveals a usable token.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

/// A fresh token (244 random bits from two v4 UUIDs, 64 hex characters) and its hash.
pub fn issue() -> (String, String) {
    let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let h = hash(&token);
    (token, h)
}

/// The stored form of a token: lowercase hex SHA-256.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `presented` is the token whose hash is `stored`, in time independent of where
/// they differ.
pub fn verify(presented: &str, stored: &str) -> bool {
    let h = hash(presented);
    h.len() == stored.len() && bool::from(h.as_bytes().ct_eq(stored.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_issued_token_verifies() {
        let (t, h) = issue();
        assert_eq!(t.len(), 64);
        assert_ne!(t, h);
        assert!(verify(&t, &h));
        assert!(!verify(&t[1..], &h));
        assert!(!verify("", &h));
        let (t2, _) = issue();
        assert!(!verify(&t2, &h));
    }
}
