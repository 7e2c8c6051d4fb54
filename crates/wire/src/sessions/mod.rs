//! `/api/messaging/sessions`: the session shapes. Successes are raw bodies (no `success`
//! wrapper); errors are the family-D [`crate::envelope::SessionError`], whose `details` are
//! the structs at the end of this module.
//!
//! The expiry arithmetic (time remaining, near expiration) belongs to `agentd-sessions`;
//! these shapes take its results as arguments.

mod messages;

pub use messages::{
    Attachment, Cursors, HISTORY_LIMITS, HistoryPage, MAX_CONTENT_CHARS, SendSessionMessage,
    SessionMessageSent, SessionMessageSentData, SessionMessages, SessionMessagesQuery,
    SessionStatus, SimplifiedMessage,
};

use agentd_core::model::Session;
use agentd_core::time::{Timestamp, to_iso};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{BodyError, Object};

/// Largest serialized `metadata`, in characters, as in elizaOS.
pub const MAX_METADATA_CHARS: usize = 10_240;

/// The top-level field a body error is about (`metadata` for `metadata.a[2]`).
pub(crate) fn root_field(e: &BodyError) -> Option<&str> {
    let field = e.field()?;
    let end = field.find(['.', '[']).unwrap_or(field.len());
    Some(&field[..end])
}

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

/// A `timeoutConfig` as a client sends it. Every field is optional; the minutes are numbers
/// or numeric strings (a fraction is truncated). On create, a value that is not a number
/// falls back to the agent's setting; `PATCH …/timeout` refuses it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimeoutConfigInput {
    /// Inactivity timeout (clamped to the server's bounds on create, refused outside them
    /// on `PATCH`).
    #[serde(default)]
    pub timeout_minutes: Option<Value>,
    /// Whether activity extends the session.
    #[serde(default)]
    pub auto_renew: Option<bool>,
    /// The longest a session may live (at least the timeout).
    #[serde(default)]
    pub max_duration_minutes: Option<Value>,
    /// How close to expiry `isNearExpiration` turns true (at least 1).
    #[serde(default)]
    pub warning_threshold_minutes: Option<Value>,
}

impl TimeoutConfigInput {
    /// The given fields as the JSON object the configuration merge reads.
    pub fn to_object(&self) -> Object {
        let mut o = Object::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                o.insert(k.to_owned(), v);
            }
        };
        put("timeoutMinutes", self.timeout_minutes.clone());
        put("autoRenew", self.auto_renew.map(Value::Bool));
        put("maxDurationMinutes", self.max_duration_minutes.clone());
        put(
            "warningThresholdMinutes",
            self.warning_threshold_minutes.clone(),
        );
        o
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

/// `POST /sessions`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateSession {
    /// The agent (required; it must be running).
    #[serde(default)]
    pub agent_id: Option<String>,
    /// The user (required).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Free-form metadata, at most 10240 characters serialized.
    #[serde(default)]
    pub metadata: Option<Object>,
    /// Timing over the agent's configuration.
    #[serde(default)]
    pub timeout_config: Option<TimeoutConfigInput>,
}

impl CreateSession {
    /// The message of a field that does not fit, when the route has its own.
    pub fn field_message(e: &BodyError) -> Option<&'static str> {
        match root_field(e)? {
            "agentId" => Some("Invalid UUID format for field 'agentId'"),
            "userId" => Some("Invalid UUID format for field 'userId'"),
            "metadata" => Some(METADATA_NOT_OBJECT),
            _ => None,
        }
    }

    /// The names of the required fields that are absent or empty.
    pub fn missing(&self) -> Vec<&'static str> {
        let absent = |v: &Option<String>| v.as_deref().is_none_or(str::is_empty);
        let mut out = Vec::new();
        if absent(&self.agent_id) {
            out.push("agentId");
        }
        if absent(&self.user_id) {
            out.push("userId");
        }
        out
    }
}

/// The message of a `metadata` that is not an object.
pub const METADATA_NOT_OBJECT: &str = "Invalid metadata: Metadata must be an object";

/// Checks the size of a client's `metadata`: the message when it is too large.
pub fn check_metadata(m: &Object) -> Result<(), String> {
    let size = serde_json::to_string(m).map_or(0, |s| s.chars().count());
    if size > MAX_METADATA_CHARS {
        return Err(format!(
            "Invalid metadata: Metadata exceeds maximum size of {MAX_METADATA_CHARS} characters"
        ));
    }
    Ok(())
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

/// `details` of a 400 for missing create fields.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MissingFields {
    /// The absent or empty fields.
    pub missing_fields: Vec<String>,
}

/// `details` of a 400 for an id field that is not a UUID.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvalidUuid {
    /// What the client sent.
    pub provided_value: String,
    /// Always `UUID v4`.
    pub expected_format: String,
}

impl InvalidUuid {
    /// The details for `provided`.
    pub fn new(provided: &str) -> Self {
        InvalidUuid {
            provided_value: provided.to_owned(),
            expected_format: "UUID v4".to_owned(),
        }
    }
}

/// `details` of a 400 for a body field that does not fit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's path, e.g. `metadata` or `attachments[0].url`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_reports_missing_and_typed_fields() {
        let b: CreateSession = crate::parse(br#"{"userId":""}"#).unwrap();
        assert_eq!(b.missing(), ["agentId", "userId"]);
        let e = crate::parse::<CreateSession>(br#"{"metadata":[1]}"#).unwrap_err();
        assert_eq!(CreateSession::field_message(&e), Some(METADATA_NOT_OBJECT));
        let e = crate::parse::<CreateSession>(br#"{"agentId":5}"#).unwrap_err();
        assert_eq!(
            CreateSession::field_message(&e),
            Some("Invalid UUID format for field 'agentId'")
        );
    }

    #[test]
    fn timeout_input_keeps_only_given_fields() {
        let t: TimeoutConfigInput =
            serde_json::from_value(json!({"timeoutMinutes": "60", "autoRenew": false,
                "maxDurationMinutes": null}))
            .unwrap();
        assert_eq!(
            Value::Object(t.to_object()),
            json!({"timeoutMinutes": "60", "autoRenew": false})
        );
    }

    #[test]
    fn metadata_size_is_bounded() {
        let mut m = Object::new();
        m.insert("b".into(), "x".repeat(MAX_METADATA_CHARS).into());
        assert!(check_metadata(&m).is_err());
        m.insert("b".into(), "x".into());
        assert!(check_metadata(&m).is_ok());
    }
}
