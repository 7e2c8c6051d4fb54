//! The server-wide session limits (the elizaOS global timeout configuration), read from the
//! `SESSION_*` environment variables. Unlike elizaOS, a value that is not a number or lies
//! outside its range is an error naming the variable, not a silent fallback.

use std::time::Duration;

/// Server-wide session limits, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// Timeout of a session when neither agent nor request sets one (default 30, 1..=10080).
    pub default_timeout: u32,
    /// Shortest timeout a session may have (default 5, 1..=60).
    pub min_timeout: u32,
    /// Longest timeout a session may have (default 1440, 60..=10080).
    pub max_timeout: u32,
    /// Default longest life of a session, renewals included (default 720, 60..=20160).
    pub max_duration: u32,
    /// Default warning threshold before expiry (default 5, 1..=60).
    pub warning_threshold: u32,
    /// How often the sweeper removes expired sessions (default 5, 1..=60).
    pub cleanup_interval: u32,
    /// Whether the sweeper also deletes an expired session's channel and its history
    /// (default false: history is kept; `AGENTD_SESSION_DELETE_HISTORY`).
    pub delete_history: bool,
}

impl Default for SessionLimits {
    /// The elizaOS 1.7 defaults.
    fn default() -> Self {
        SessionLimits {
            default_timeout: 30,
            min_timeout: 5,
            max_timeout: 1440,
            max_duration: 720,
            warning_threshold: 5,
            cleanup_interval: 5,
            delete_history: false,
        }
    }
}

/// A `SESSION_*` variable that is not a whole number in its range; the message names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {key}: `{value}` is not a whole number of minutes between {min} and {max}")]
pub struct LimitError {
    /// The variable.
    pub key: &'static str,
    /// The value given.
    pub value: String,
    /// Smallest accepted value.
    pub min: u32,
    /// Largest accepted value.
    pub max: u32,
}

/// Each variable, its range, and the field it sets.
type Field = (&'static str, u32, u32, fn(&mut SessionLimits) -> &mut u32);

const FIELDS: &[Field] = &[
    ("SESSION_DEFAULT_TIMEOUT_MINUTES", 1, 10080, |l| {
        &mut l.default_timeout
    }),
    ("SESSION_MIN_TIMEOUT_MINUTES", 1, 60, |l| &mut l.min_timeout),
    ("SESSION_MAX_TIMEOUT_MINUTES", 60, 10080, |l| {
        &mut l.max_timeout
    }),
    ("SESSION_MAX_DURATION_MINUTES", 60, 20160, |l| {
        &mut l.max_duration
    }),
    ("SESSION_WARNING_THRESHOLD_MINUTES", 1, 60, |l| {
        &mut l.warning_threshold
    }),
    ("SESSION_CLEANUP_INTERVAL_MINUTES", 1, 60, |l| {
        &mut l.cleanup_interval
    }),
];

impl SessionLimits {
    /// The names of the variables read by [`SessionLimits::from_lookup`].
    pub fn keys() -> impl Iterator<Item = &'static str> {
        FIELDS.iter().map(|f| f.0)
    }

    /// Reads the limits through `lookup` (the environment, or a map in tests); unset or
    /// blank variables keep their default.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, LimitError> {
        let mut limits = SessionLimits::default();
        for (key, min, max, field) in FIELDS {
            let Some(raw) = lookup(key).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            match raw.trim().parse::<u32>() {
                Ok(n) if (*min..=*max).contains(&n) => *field(&mut limits) = n,
                _ => {
                    return Err(LimitError {
                        key,
                        value: raw,
                        min: *min,
                        max: *max,
                    });
                }
            }
        }
        Ok(limits)
    }

    /// The sweeper period.
    pub fn cleanup_every(&self) -> Duration {
        Duration::from_secs(u64::from(self.cleanup_interval) * 60)
    }

    /// The upper bound of any session's max duration: twice the max timeout, as in elizaOS.
    pub fn duration_ceiling(&self) -> u32 {
        self.max_timeout.saturating_mul(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> Result<SessionLimits, LimitError> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        SessionLimits::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults_when_unset_or_blank() {
        assert_eq!(read(&[]), Ok(SessionLimits::default()));
        assert_eq!(
            read(&[("SESSION_MIN_TIMEOUT_MINUTES", " ")]),
            Ok(SessionLimits::default())
        );
    }

    #[test]
    fn values_in_range_are_taken() {
        let l = read(&[
            ("SESSION_DEFAULT_TIMEOUT_MINUTES", "10"),
            ("SESSION_MAX_TIMEOUT_MINUTES", " 60 "),
            ("SESSION_CLEANUP_INTERVAL_MINUTES", "1"),
        ])
        .unwrap();
        assert_eq!((l.default_timeout, l.max_timeout), (10, 60));
        assert_eq!(l.cleanup_every(), Duration::from_secs(60));
        assert_eq!(l.duration_ceiling(), 120);
    }

    #[test]
    fn invalid_values_name_the_key() {
        let e = read(&[("SESSION_MIN_TIMEOUT_MINUTES", "abc")]).unwrap_err();
        assert_eq!(e.key, "SESSION_MIN_TIMEOUT_MINUTES");
        assert!(e.to_string().contains("SESSION_MIN_TIMEOUT_MINUTES"));
        let e = read(&[("SESSION_MAX_TIMEOUT_MINUTES", "59")]).unwrap_err();
        assert_eq!((e.min, e.max), (60, 10080));
        assert!(read(&[("SESSION_MAX_DURATION_MINUTES", "-5")]).is_err());
        assert!(read(&[("SESSION_WARNING_THRESHOLD_MINUTES", "1.5")]).is_err());
    }
}
