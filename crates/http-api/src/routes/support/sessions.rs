//! Shared pieces of the session handlers: family-D errors, body parsing, loading a live
//! session (404 / 410) and the `SessionInfo` shape.

use agentd_core::ErrorCode;
use agentd_core::model::Session;
use agentd_core::time::{Timestamp, to_iso};
use agentd_sessions::lifecycle;
use agentd_storage::StorageError;
use agentd_storage::prelude::*;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::error::{ApiError, Envelope};
use crate::state::AppState;

/// Largest serialized `metadata`, in characters, as in elizaOS.
pub const MAX_METADATA_CHARS: usize = 10_240;

/// A family-D client error.
pub fn fail(code: ErrorCode, message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::new(code, message).with_envelope(Envelope::Session)
}

/// A family-D 400 `VALIDATION_ERROR`.
pub fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    fail(ErrorCode::ValidationError, message)
}

/// A family-D opaque server error with `code`; the cause is only logged.
pub fn opaque(code: ErrorCode, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> ApiError {
    ApiError::opaque(code, e).with_envelope(Envelope::Session)
}

/// `404 SESSION_NOT_FOUND`.
pub fn not_found(id: &str) -> ApiError {
    fail(
        ErrorCode::SessionNotFound,
        format!("Session with ID '{id}' not found"),
    )
}

/// Maps a storage error: `NotFound` is the session's 404, the rest are opaque.
pub fn storage(e: StorageError, id: &str) -> ApiError {
    match e {
        StorageError::NotFound(_) => not_found(id),
        other => {
            let code = other.code();
            opaque(code, other)
        }
    }
}

/// Parses a JSON object body (empty is `{}`); anything else is a 400.
pub fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(invalid("Request body must be a JSON object")),
        Err(_) => Err(invalid("Invalid JSON body")),
    }
}

/// Checks optional `metadata`: an object of at most [`MAX_METADATA_CHARS`] serialized.
pub fn metadata(o: &Map<String, Value>) -> Result<Option<Map<String, Value>>, ApiError> {
    match o.get("metadata") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => {
            if Value::Object(m.clone()).to_string().chars().count() > MAX_METADATA_CHARS {
                return Err(invalid(format!(
                    "Invalid metadata: Metadata exceeds maximum size of {MAX_METADATA_CHARS} characters"
                )));
            }
            Ok(Some(m.clone()))
        }
        Some(_) => Err(invalid("Invalid metadata: Metadata must be an object")),
    }
}

/// The stored session `raw` names, if it is still live. An expired one is deleted (its
/// channel stays) and answered `410 SESSION_EXPIRED`.
pub async fn load(state: &AppState, raw: &str, now: Timestamp) -> Result<Session, ApiError> {
    let id: Uuid = agentd_core::parse_uuid(raw).ok_or_else(|| not_found(raw))?;
    let s = state
        .db()
        .get_session(id)
        .await
        .map_err(|e| storage(e, raw))?;
    if lifecycle::is_expired(&s, now) {
        if let Err(e) = state.db().delete_session(id).await {
            tracing::warn!(session.id = %id, error = %e, "expired session not deleted");
        }
        return Err(fail(
            ErrorCode::SessionExpired,
            format!("Session '{id}' expired at {}", to_iso(s.expires_at)),
        ));
    }
    Ok(s)
}

/// Saves the session's mutable fields.
pub async fn save(state: &AppState, s: &Session) -> Result<Session, ApiError> {
    let id = s.id.to_string();
    state
        .db()
        .update_session(s)
        .await
        .map_err(|e| storage(e, &id))
}

/// `SessionInfo` = `{sessionId, channelId, agentId, userId, createdAt, lastActivity,
/// metadata, expiresAt, timeoutConfig, renewalCount, timeRemaining, isNearExpiration}`.
pub fn info(s: &Session, now: Timestamp) -> Value {
    json!({
        "sessionId": s.id.to_string(),
        "channelId": s.channel_id.to_string(),
        "agentId": s.agent_id.to_string(),
        "userId": s.user_id.to_string(),
        "createdAt": to_iso(s.created_at),
        "lastActivity": to_iso(s.last_activity),
        "metadata": s.metadata,
        "expiresAt": to_iso(s.expires_at),
        "timeoutConfig": lifecycle::config_of(s).to_json(),
        "renewalCount": s.renewal_count,
        "timeRemaining": lifecycle::time_remaining_ms(s, now),
        "isNearExpiration": lifecycle::is_near_expiration(s, now),
    })
}
