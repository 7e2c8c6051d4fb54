//! Access values shared by every edge: secrets that never print, the allowed cross-origin
//! callers, and the constant-time key comparison. Pure values, no IO.

use std::fmt;

use subtle::ConstantTimeEq;

/// A secret string (API key, password): compared and used, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; call sites that need it are few and easy to audit.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Which cross-origin callers may read API responses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CorsOrigins {
    /// No CORS headers at all: only same-origin pages (the bundled UI) can read responses.
    #[default]
    SameOrigin,
    /// `*`: any origin may read, but never with credentials.
    Any,
    /// These exact origins (scheme://host[:port]) are reflected, with credentials.
    List(Vec<String>),
}

impl CorsOrigins {
    /// Parses `CORS_ORIGIN`: empty for same-origin, `*`, or a comma-separated origin list.
    pub fn parse(s: &str) -> Result<Self, String> {
        let items: Vec<&str> = s
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .collect();
        if items.is_empty() {
            return Ok(CorsOrigins::SameOrigin);
        }
        if items == ["*"] {
            return Ok(CorsOrigins::Any);
        }
        let mut origins = Vec::with_capacity(items.len());
        for item in items {
            let origin = item.trim_end_matches('/');
            let rest = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            match rest {
                Some(host) if !host.is_empty() && !host.contains('/') && !host.contains('*') => {
                    origins.push(origin.to_ascii_lowercase());
                }
                _ => {
                    return Err(format!(
                        "`{item}` is not an origin (expected `*` or http(s)://host[:port], comma-separated)"
                    ));
                }
            }
        }
        Ok(CorsOrigins::List(origins))
    }
}

/// Compares a presented key with the configured one in time that depends only on the
/// configured key's length, so response timing does not reveal how much of a guess matched.
pub fn keys_match(presented: &[u8], expected: &[u8]) -> bool {
    let mut padded = vec![0u8; expected.len()];
    let n = presented.len().min(expected.len());
    padded[..n].copy_from_slice(&presented[..n]);
    let same_len = (presented.len() as u64).ct_eq(&(expected.len() as u64));
    (same_len & padded.as_slice().ct_eq(expected)).into()
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
