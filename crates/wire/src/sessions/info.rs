//! The session as the routes answer it: `SessionInfo`, the list, the health report, the
//! create and delete answers, and the details of a refused renewal.

use agentd_core::model::Session;
use agentd_core::time::{Timestamp, to_iso};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// A session's timing, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
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

impl From<&Session> for TimeoutConfig {
    fn from(s: &Session) -> Self {
        let minutes = |v: i32| u32::try_from(v).unwrap_or(0);
        TimeoutConfig {
            timeout_minutes: minutes(s.timeout_minutes),
            auto_renew: s.auto_renew,
            max_duration_minutes: minutes(s.max_duration_minutes),
            warning_threshold_minutes: minutes(s.warning_threshold_minutes),
        }
    }
}

/// `SessionInfo`, the answer of get, renew, heartbeat and the timeout update.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// Session id.
    pub session_id: Uuid,
    /// The DM channel created for the session.
    pub channel_id: Uuid,
    /// The agent.
    pub agent_id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601: the last message, renewal or heartbeat.
    pub last_activity: String,
    /// The client's metadata (an object).
    pub metadata: Value,
    /// ISO 8601: when the session ends unless renewed.
    pub expires_at: String,
    /// The session's timing.
    pub timeout_config: TimeoutConfig,
    /// How many times it was renewed.
    pub renewal_count: i32,
    /// Milliseconds left, never negative.
    pub time_remaining: i64,
    /// Whether the expiry is within the warning threshold.
    pub is_near_expiration: bool,
}

impl SessionInfo {
    /// The info of `s`, with the expiry figures computed by the caller.
    pub fn new(s: &Session, time_remaining_ms: i64, is_near_expiration: bool) -> Self {
        SessionInfo {
            session_id: s.id,
            channel_id: s.channel_id,
            agent_id: s.agent_id,
            user_id: s.user_id,
            created_at: to_iso(s.created_at),
            last_activity: to_iso(s.last_activity),
            metadata: s.metadata.clone(),
            expires_at: to_iso(s.expires_at),
            timeout_config: TimeoutConfig::from(s),
            renewal_count: s.renewal_count,
            time_remaining: time_remaining_ms,
            is_near_expiration,
        }
    }
}

/// `GET /sessions`: the live sessions and the counts (expired rows await the sweeper).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionList {
    /// The live sessions.
    pub sessions: Vec<SessionInfo>,
    /// How many are live.
    pub total: usize,
    /// Live and expired counts.
    pub stats: SessionStats,
}

/// The counts of `GET /sessions`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionStats {
    /// Every stored session.
    pub total_sessions: usize,
    /// The live ones.
    pub active_sessions: usize,
    /// The expired ones not swept yet.
    pub expired_sessions: usize,
}

impl SessionList {
    /// The list of `live` sessions out of `stored` rows.
    pub fn new(live: Vec<SessionInfo>, stored: usize) -> Self {
        SessionList {
            total: live.len(),
            stats: SessionStats {
                total_sessions: stored,
                active_sessions: live.len(),
                expired_sessions: stored.saturating_sub(live.len()),
            },
            sessions: live,
        }
    }
}

/// `GET /sessions/health`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionsHealth {
    /// Always `healthy`.
    pub status: String,
    /// Live sessions.
    pub active_sessions: usize,
    /// ISO 8601.
    pub timestamp: String,
    /// Live sessions within their warning threshold.
    pub expiring_soon: usize,
    /// Seconds since the server started.
    pub uptime: f64,
}

impl SessionsHealth {
    /// A healthy report.
    pub fn new(active: usize, expiring_soon: usize, now: Timestamp, uptime_secs: f64) -> Self {
        SessionsHealth {
            status: "healthy".to_owned(),
            active_sessions: active,
            timestamp: to_iso(now),
            expiring_soon,
            uptime: uptime_secs,
        }
    }
}

/// `201` of `POST /sessions`: the session and its token (an agentd extension; only the
/// token's hash is stored).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionCreated {
    /// Session id.
    pub session_id: Uuid,
    /// The DM channel created for the session.
    pub channel_id: Uuid,
    /// The agent.
    pub agent_id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// ISO 8601.
    pub created_at: String,
    /// The client's metadata (an object).
    pub metadata: Value,
    /// ISO 8601.
    pub expires_at: String,
    /// The merged timing.
    pub timeout_config: TimeoutConfig,
    /// The session's bearer token (64 hex characters), shown once.
    pub session_token: String,
}

impl SessionCreated {
    /// The answer for a new session and its token.
    pub fn new(s: &Session, session_token: String) -> Self {
        SessionCreated {
            session_id: s.id,
            channel_id: s.channel_id,
            agent_id: s.agent_id,
            user_id: s.user_id,
            created_at: to_iso(s.created_at),
            metadata: s.metadata.clone(),
            expires_at: to_iso(s.expires_at),
            timeout_config: TimeoutConfig::from(s),
            session_token,
        }
    }
}

/// `DELETE /sessions/:id`: `{success:true, message}` (the channel and its history stay).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionDeleted {
    /// Always `true`.
    pub success: bool,
    /// `Session <id> deleted successfully`.
    pub message: String,
}

impl SessionDeleted {
    /// The answer for a deleted session.
    pub fn new(id: Uuid) -> Self {
        SessionDeleted {
            success: true,
            message: format!("Session {id} deleted successfully"),
        }
    }
}

/// `details` of a refused renewal.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenewalRefused {
    /// The maximum duration, in ms.
    pub max_duration: i64,
    /// ISO 8601.
    pub created_at: String,
    /// Milliseconds since creation.
    pub time_since_creation: i64,
}

impl RenewalRefused {
    /// The details for `s` at `now`.
    pub fn new(s: &Session, now: Timestamp) -> Self {
        RenewalRefused {
            max_duration: i64::from(s.max_duration_minutes) * 60_000,
            created_at: to_iso(s.created_at),
            time_since_creation: (now - s.created_at).num_milliseconds(),
        }
    }
}
