//! Session expiry arithmetic, as elizaOS does it, over a stored [`Session`]. Every function
//! takes `now`, so the clock is the caller's (the server passes `Utc::now()`, tests pass fixed
//! instants).

use agentd_core::model::Session;
use agentd_core::time::Timestamp;
use chrono::Duration;
use serde_json::Value;
use uuid::Uuid;

use crate::config::TimeoutConfig;

fn mins(m: i32) -> Duration {
    Duration::minutes(i64::from(m))
}

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// The configuration stored on a session.
pub fn config_of(s: &Session) -> TimeoutConfig {
    let u = |v: i32| u32::try_from(v).unwrap_or(0);
    TimeoutConfig {
        timeout_minutes: u(s.timeout_minutes),
        auto_renew: s.auto_renew,
        max_duration_minutes: u(s.max_duration_minutes),
        warning_threshold_minutes: u(s.warning_threshold_minutes),
    }
}

/// Stores `c` on the session (the expiry is not recomputed: see [`refresh_expiry`]).
pub fn set_config(s: &mut Session, c: &TimeoutConfig) {
    s.timeout_minutes = to_i32(c.timeout_minutes);
    s.auto_renew = c.auto_renew;
    s.max_duration_minutes = to_i32(c.max_duration_minutes);
    s.warning_threshold_minutes = to_i32(c.warning_threshold_minutes);
}

/// `(autoRenew ? lastActivity : createdAt) + timeout`, capped at `createdAt + maxDuration`
/// when `now - createdAt + timeout > maxDuration`.
pub fn expires_at(s: &Session, now: Timestamp) -> Timestamp {
    let base = if s.auto_renew {
        s.last_activity
    } else {
        s.created_at
    };
    let timeout = mins(s.timeout_minutes);
    let max = mins(s.max_duration_minutes);
    if now - s.created_at + timeout > max {
        (base + timeout).min(s.created_at + max)
    } else {
        base + timeout
    }
}

/// Recomputes and stores the expiry.
pub fn refresh_expiry(s: &mut Session, now: Timestamp) {
    s.expires_at = expires_at(s, now);
}

/// A new session: `created_at = last_activity = now`, expiry from `c`.
pub fn new_session(
    ids: (Uuid, Uuid, Uuid, Uuid),
    metadata: Value,
    c: &TimeoutConfig,
    now: Timestamp,
) -> Session {
    let (id, agent_id, channel_id, user_id) = ids;
    let mut s = Session {
        id,
        agent_id,
        channel_id,
        user_id,
        metadata,
        timeout_minutes: 0,
        auto_renew: true,
        max_duration_minutes: 0,
        warning_threshold_minutes: 0,
        created_at: now,
        last_activity: now,
        expires_at: now,
        renewal_count: 0,
        token_hash: None,
    };
    set_config(&mut s, c);
    refresh_expiry(&mut s, now);
    s
}

/// Whether the session is over: strictly past its stored expiry (as elizaOS).
pub fn is_expired(s: &Session, now: Timestamp) -> bool {
    now > s.expires_at
}

/// Milliseconds left, never negative.
pub fn time_remaining_ms(s: &Session, now: Timestamp) -> i64 {
    (s.expires_at - now).num_milliseconds().max(0)
}

/// `0 < remaining ≤ warningThreshold`.
pub fn is_near_expiration(s: &Session, now: Timestamp) -> bool {
    let left = time_remaining_ms(s, now);
    left > 0 && left <= mins(s.warning_threshold_minutes).num_milliseconds()
}

/// Why a renewal was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewRefused {
    /// The session has lived its maximum duration.
    MaxDuration,
    /// The session does not auto-renew.
    AutoRenewOff,
}

/// Renews: only with auto-renew on and `now - createdAt < maxDuration`; then
/// `lastActivity = now`, `renewalCount += 1` and the expiry is recomputed.
pub fn renew(s: &mut Session, now: Timestamp) -> Result<(), RenewRefused> {
    if !s.auto_renew {
        return Err(RenewRefused::AutoRenewOff);
    }
    if now - s.created_at >= mins(s.max_duration_minutes) {
        return Err(RenewRefused::MaxDuration);
    }
    s.last_activity = now;
    s.renewal_count = s.renewal_count.saturating_add(1);
    refresh_expiry(s, now);
    Ok(())
}

/// A heartbeat: records activity (`lastActivity = now`, expiry recomputed and capped) but
/// counts no renewal and never fails, so repeating it changes nothing but the clock.
pub fn heartbeat(s: &mut Session, now: Timestamp) {
    s.last_activity = now;
    refresh_expiry(s, now);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn t0() -> Timestamp {
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
    }

    fn session(c: TimeoutConfig) -> Session {
        let id = Uuid::new_v4();
        new_session((id, id, id, id), Value::Null, &c, t0())
    }

    fn cfg(timeout: u32, auto: bool, max: u32, warn: u32) -> TimeoutConfig {
        TimeoutConfig {
            timeout_minutes: timeout,
            auto_renew: auto,
            max_duration_minutes: max,
            warning_threshold_minutes: warn,
        }
    }

    #[test]
    fn expiry_is_timeout_after_creation() {
        let s = session(cfg(30, true, 720, 5));
        assert_eq!(s.expires_at, t0() + Duration::minutes(30));
        assert!(!is_expired(&s, t0() + Duration::minutes(30)));
        assert!(is_expired(
            &s,
            t0() + Duration::minutes(30) + Duration::milliseconds(1)
        ));
        assert_eq!(time_remaining_ms(&s, t0() + Duration::minutes(40)), 0);
    }

    #[test]
    fn auto_renew_extends_from_last_activity() {
        let mut s = session(cfg(30, true, 720, 5));
        let now = t0() + Duration::minutes(20);
        renew(&mut s, now).unwrap();
        assert_eq!(s.renewal_count, 1);
        assert_eq!(s.last_activity, now);
        assert_eq!(s.expires_at, now + Duration::minutes(30));
    }

    #[test]
    fn without_auto_renew_expiry_stays_from_creation() {
        let mut s = session(cfg(30, false, 720, 5));
        assert_eq!(
            renew(&mut s, t0() + Duration::minutes(10)),
            Err(RenewRefused::AutoRenewOff)
        );
        heartbeat(&mut s, t0() + Duration::minutes(10));
        assert_eq!(s.expires_at, t0() + Duration::minutes(30));
    }

    #[test]
    fn max_duration_caps_expiry_and_refuses_renewal() {
        let mut s = session(cfg(30, true, 60, 5));
        renew(&mut s, t0() + Duration::minutes(50)).unwrap();
        // 50 + 30 > 60: capped at creation + 60.
        assert_eq!(s.expires_at, t0() + Duration::minutes(60));
        assert_eq!(
            renew(&mut s, t0() + Duration::minutes(60)),
            Err(RenewRefused::MaxDuration)
        );
        assert_eq!(s.renewal_count, 1);
    }

    #[test]
    fn near_expiration_window() {
        let s = session(cfg(30, true, 720, 5));
        assert!(!is_near_expiration(&s, t0() + Duration::minutes(24)));
        assert!(is_near_expiration(&s, t0() + Duration::minutes(25)));
        assert!(is_near_expiration(&s, t0() + Duration::minutes(29)));
        assert!(!is_near_expiration(&s, t0() + Duration::minutes(30)));
        // elizaOS quirk kept: a 5-minute timeout with a 5-minute warning is always "near".
        let s = session(cfg(5, true, 720, 5));
        assert!(is_near_expiration(&s, t0()));
    }

    #[test]
    fn heartbeat_is_idempotent() {
        let mut s = session(cfg(30, true, 720, 5));
        let now = t0() + Duration::minutes(7);
        heartbeat(&mut s, now);
        let once = s.clone();
        heartbeat(&mut s, now);
        assert_eq!(s, once);
        assert_eq!(s.renewal_count, 0);
        assert_eq!(s.expires_at, now + Duration::minutes(30));
        // Past the max duration it neither fails nor extends beyond the cap.
        heartbeat(&mut s, t0() + Duration::minutes(719));
        assert_eq!(s.expires_at, t0() + Duration::minutes(720));
    }
}
