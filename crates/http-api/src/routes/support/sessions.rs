//! Shared pieces of the session handlers: family-D errors, body parsing, loading a live
//! session (404 / 410) and its `SessionInfo`.

use agentd_core::ErrorCode;
use agentd_core::model::Session;
use agentd_core::time::{Timestamp, to_iso};
use agentd_sessions::lifecycle;
use agentd_storage::StorageError;
use agentd_storage::prelude::*;
use agentd_wire::sessions::{FieldError, SessionInfo, check_metadata};
use agentd_wire::{BodyError, Object};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{ApiError, Envelope};
use crate::state::AppState;

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

/// Parses a body into `T`; a field that does not fit answers `message_of`'s message for it
/// (else `Invalid JSON body`) with the field in `details`.
pub fn body<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    message_of: fn(&BodyError) -> Option<&'static str>,
) -> Result<T, ApiError> {
    agentd_wire::parse(bytes).map_err(|e| match &e {
        BodyError::Syntax(_) => invalid("Invalid JSON body"),
        BodyError::NotObject => invalid("Request body must be a JSON object"),
        BodyError::Field { field, message } => {
            let details = FieldError {
                field: field.clone(),
                message: message.clone(),
            };
            invalid(message_of(&e).unwrap_or("Invalid JSON body")).with_details(to_value(&details))
        }
    })
}

/// A detail struct as the JSON of an error's `details`.
pub fn to_value(details: &impl serde::Serialize) -> Value {
    serde_json::to_value(details).unwrap_or(Value::Null)
}

/// Checks optional `metadata` (at most the elizaOS size) and returns it, `{}` when absent.
pub fn metadata(m: Option<Object>) -> Result<Object, ApiError> {
    let m = m.unwrap_or_default();
    check_metadata(&m).map_err(invalid)?;
    Ok(m)
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

/// The `SessionInfo` of `s` at `now`.
pub fn info(s: &Session, now: Timestamp) -> SessionInfo {
    SessionInfo::new(
        s,
        lifecycle::time_remaining_ms(s, now),
        lifecycle::is_near_expiration(s, now),
    )
}
