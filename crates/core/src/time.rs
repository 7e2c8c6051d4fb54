//! Timestamp helpers: storage keeps UTC instants, the wire wants ms numbers or ISO strings.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// A UTC instant, the one timestamp type of agentd.
pub type Timestamp = DateTime<Utc>;

/// Milliseconds since the Unix epoch, as elizaOS renders most timestamps.
pub fn to_millis(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

/// ISO 8601 with milliseconds and `Z`, as JavaScript's `Date.toISOString()` renders it.
pub fn to_iso(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a client cursor given either as epoch milliseconds or as an ISO 8601 string.
///
/// elizaOS parses `before` with `parseInt`, so the web UI's ISO cursors silently match
/// nothing there; accepting both is the fix.
pub fn parse_millis_or_iso(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let ms: i64 = s.parse().ok()?;
        return Utc.timestamp_millis_opt(ms).single();
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trips_with_millisecond_precision() {
        let t = parse_millis_or_iso("2030-01-02T03:04:05.678Z").unwrap();
        assert_eq!(to_iso(t), "2030-01-02T03:04:05.678Z");
        assert_eq!(to_millis(t), 1_893_553_445_678);
        assert_eq!(parse_millis_or_iso("1893553445678"), Some(t));
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(parse_millis_or_iso("2030").is_some());
        assert!(parse_millis_or_iso("yesterday").is_none());
        assert!(parse_millis_or_iso("").is_none());
        assert!(parse_millis_or_iso("-5").is_none());
    }
}
