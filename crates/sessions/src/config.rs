//! Merging a session's timeout configuration: the request's `timeoutConfig` over
//! the agent's settings over the server limits, each value clamped by the elizaOS rules.

use serde_json::{Map, Value};

use crate::limits::SessionLimits;

/// Session timing, in minutes, after defaults, agent settings and request are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutConfig {
    /// Inactivity (or absolute, without auto-renew) timeout.
    pub timeout_minutes: u32,
    /// Whether activity extends the session.
    pub auto_renew: bool,
    /// The longest a session may live, renewals included.
    pub max_duration_minutes: u32,
    /// How close to expiry `isNearExpiration` turns true.
    pub warning_threshold_minutes: u32,
}

impl Default for TimeoutConfig {
    /// The elizaOS 1.7 defaults: 30 minutes, auto-renew, 12 hours at most, warn at 5 minutes.
    fn default() -> Self {
        TimeoutConfig::from_limits(&SessionLimits::default())
    }
}

impl TimeoutConfig {
    /// The configuration of a session when neither agent nor request says anything.
    pub fn from_limits(l: &SessionLimits) -> Self {
        TimeoutConfig {
            timeout_minutes: l.default_timeout,
            auto_renew: true,
            max_duration_minutes: l.max_duration,
            warning_threshold_minutes: l.warning_threshold,
        }
    }

    /// The wire shape `{timeoutMinutes, autoRenew, maxDurationMinutes, warningThresholdMinutes}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "timeoutMinutes": self.timeout_minutes,
            "autoRenew": self.auto_renew,
            "maxDurationMinutes": self.max_duration_minutes,
            "warningThresholdMinutes": self.warning_threshold_minutes,
        })
    }
}

/// A number given as a JSON number or a numeric string (elizaOS `parseInt`-like, but a
/// fraction is truncated and garbage is `None`).
pub fn minutes(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| f as i64),
        _ => None,
    }
}

fn clamp(v: i64, lo: u32, hi: u32) -> u32 {
    let hi = hi.max(lo);
    u32::try_from(v.clamp(i64::from(lo), i64::from(hi))).unwrap_or(lo)
}

/// The agent's configuration: its character settings `SESSION_TIMEOUT_MINUTES` (clamped to
/// MIN..MAX), `SESSION_AUTO_RENEW` (`"true"`/`true` → on, any other value → off, unset →
/// on), `SESSION_MAX_DURATION_MINUTES` (MIN..2×MAX) and `SESSION_WARNING_THRESHOLD_MINUTES`
/// (1..MAX) over the server defaults. Values that are not numbers are ignored.
pub fn agent_config(l: &SessionLimits, settings: &Value) -> TimeoutConfig {
    let get = |k: &str| {
        settings
            .get(k)
            .or_else(|| settings.get("secrets").and_then(|s| s.get(k)))
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
    };
    let mut c = TimeoutConfig::from_limits(l);
    if let Some(n) = get("SESSION_TIMEOUT_MINUTES").and_then(minutes) {
        c.timeout_minutes = clamp(n, l.min_timeout, l.max_timeout);
    }
    if let Some(v) = get("SESSION_AUTO_RENEW") {
        c.auto_renew = matches!(v, Value::Bool(true)) || v.as_str() == Some("true");
    }
    if let Some(n) = get("SESSION_MAX_DURATION_MINUTES").and_then(minutes) {
        c.max_duration_minutes = clamp(n, l.min_timeout, l.duration_ceiling());
    }
    if let Some(n) = get("SESSION_WARNING_THRESHOLD_MINUTES").and_then(minutes) {
        c.warning_threshold_minutes = clamp(n, 1, l.max_timeout);
    }
    c
}

/// Merges a request `timeoutConfig` over `base` (the agent configuration):
/// `timeoutMinutes` clamped to MIN..MAX (non-numeric → the base value), `autoRenew` as
/// given, `maxDurationMinutes` clamped to `[timeoutMinutes, 2×MAX]`,
/// `warningThresholdMinutes` at least 1. Fields of the wrong type are ignored.
pub fn merge(l: &SessionLimits, base: &TimeoutConfig, req: &Map<String, Value>) -> TimeoutConfig {
    let timeout = req
        .get("timeoutMinutes")
        .and_then(minutes)
        .unwrap_or(i64::from(base.timeout_minutes));
    let timeout_minutes = clamp(timeout, l.min_timeout, l.max_timeout);
    let auto_renew = req
        .get("autoRenew")
        .and_then(Value::as_bool)
        .unwrap_or(base.auto_renew);
    let max = req
        .get("maxDurationMinutes")
        .and_then(minutes)
        .unwrap_or(i64::from(base.max_duration_minutes));
    let max_duration_minutes = clamp(max, timeout_minutes, l.duration_ceiling());
    let warning = req
        .get("warningThresholdMinutes")
        .and_then(minutes)
        .unwrap_or(i64::from(base.warning_threshold_minutes));
    TimeoutConfig {
        timeout_minutes,
        auto_renew,
        max_duration_minutes,
        warning_threshold_minutes: clamp(warning, 1, u32::MAX),
    }
}

/// Why a `PATCH …/timeout` body is refused (the text after "Invalid timeout configuration: ").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// A field of the wrong type.
    #[error("Invalid timeout configuration format")]
    Format,
    /// A timeout outside MIN..MAX.
    #[error("Timeout must be between {0} and {1} minutes")]
    TimeoutRange(u32, u32),
}

/// Checks a `PATCH …/timeout` body: every given field of the right type, and
/// `timeoutMinutes` within MIN..MAX (refused, not clamped, as in elizaOS).
pub fn validate_patch(l: &SessionLimits, req: &Map<String, Value>) -> Result<(), PatchError> {
    for key in [
        "timeoutMinutes",
        "maxDurationMinutes",
        "warningThresholdMinutes",
    ] {
        if let Some(v) = req.get(key).filter(|v| !v.is_null())
            && minutes(v).is_none()
        {
            return Err(PatchError::Format);
        }
    }
    if let Some(v) = req.get("autoRenew").filter(|v| !v.is_null())
        && !v.is_boolean()
    {
        return Err(PatchError::Format);
    }
    if let Some(n) = req.get("timeoutMinutes").and_then(minutes)
        && !(i64::from(l.min_timeout)..=i64::from(l.max_timeout)).contains(&n)
    {
        return Err(PatchError::TimeoutRange(l.min_timeout, l.max_timeout));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn spec_example_is_clamped() {
        let l = SessionLimits::default();
        let base = TimeoutConfig::from_limits(&l);
        let c = merge(
            &l,
            &base,
            &obj(json!({"timeoutMinutes": 2, "maxDurationMinutes": 9999})),
        );
        assert_eq!(
            c,
            TimeoutConfig {
                timeout_minutes: 5,
                auto_renew: true,
                max_duration_minutes: 2880,
                warning_threshold_minutes: 5
            }
        );
    }

    #[test]
    fn request_over_agent_over_defaults() {
        let l = SessionLimits::default();
        let agent = agent_config(
            &l,
            &json!({"SESSION_TIMEOUT_MINUTES": "60", "SESSION_AUTO_RENEW": "no",
                    "SESSION_WARNING_THRESHOLD_MINUTES": 0}),
        );
        assert_eq!(agent.timeout_minutes, 60);
        assert!(!agent.auto_renew);
        assert_eq!(agent.warning_threshold_minutes, 1);
        assert_eq!(agent.max_duration_minutes, 720);
        let c = merge(
            &l,
            &agent,
            &obj(json!({"autoRenew": true, "timeoutMinutes": "abc"})),
        );
        assert_eq!((c.timeout_minutes, c.auto_renew), (60, true));
        // max duration never below the timeout
        let c = merge(
            &l,
            &agent,
            &obj(json!({"timeoutMinutes": 1000, "maxDurationMinutes": 10})),
        );
        assert_eq!(c.max_duration_minutes, 1000);
        let c = merge(&l, &agent, &obj(json!({"warningThresholdMinutes": -3})));
        assert_eq!(c.warning_threshold_minutes, 1);
    }

    #[test]
    fn agent_overrides_are_clamped_and_unset_means_on() {
        let l = SessionLimits::default();
        let c = agent_config(
            &l,
            &json!({"SESSION_TIMEOUT_MINUTES": 1, "SESSION_MAX_DURATION_MINUTES": 99999}),
        );
        assert_eq!((c.timeout_minutes, c.max_duration_minutes), (5, 2880));
        assert!(c.auto_renew);
        assert!(agent_config(&l, &json!({"SESSION_AUTO_RENEW": "true"})).auto_renew);
        assert!(
            agent_config(&l, &json!({"secrets": {"SESSION_AUTO_RENEW": "false"}}))
                .auto_renew
                .eq(&false)
        );
    }

    #[test]
    fn patch_is_validated() {
        let l = SessionLimits::default();
        assert_eq!(
            validate_patch(&l, &obj(json!({"timeoutMinutes": 10, "autoRenew": false}))),
            Ok(())
        );
        assert_eq!(
            validate_patch(&l, &obj(json!({"timeoutMinutes": "20"}))),
            Ok(())
        );
        assert_eq!(
            validate_patch(&l, &obj(json!({"timeoutMinutes": 2}))),
            Err(PatchError::TimeoutRange(5, 1440))
        );
        assert_eq!(
            validate_patch(&l, &obj(json!({"autoRenew": "yes"}))),
            Err(PatchError::Format)
        );
        assert_eq!(
            validate_patch(&l, &obj(json!({"timeoutMinutes": [1]}))),
            Err(PatchError::Format)
        );
        assert_eq!(
            PatchError::TimeoutRange(5, 1440).to_string(),
            "Timeout must be between 5 and 1440 minutes"
        );
    }
}
