//! `/api/messaging/sessions`: the session shapes. Successes are raw bodies (no `success`
//! wrapper); errors are the family-D [`crate::envelope::SessionError`], whose `details` are
//! the `details` structs here.
//!
//! The expiry arithmetic (time remaining, near expiration) belongs to `agentd-sessions`;
//! these shapes take its results as arguments.

mod create;
mod history;
mod info;
mod messages;

pub use create::{CreateSession, InvalidUuid, MissingFields, TimeoutConfigInput};
pub use history::{
    Cursors, HISTORY_LIMITS, HistoryPage, SessionMessages, SessionMessagesQuery, SimplifiedMessage,
};
pub use info::{
    RenewalRefused, SessionCreated, SessionDeleted, SessionInfo, SessionList, SessionStats,
    SessionsHealth, TimeoutConfig,
};
pub use messages::{Attachment, MAX_CONTENT_CHARS, SendSessionMessage, SessionStatus};

use serde::Serialize;
use utoipa::ToSchema;

use crate::{BodyError, Object};

/// Largest serialized `metadata`, in characters, as in elizaOS.
pub const MAX_METADATA_CHARS: usize = 10_240;

/// The top-level field a body error is about (`metadata` for `metadata.a[2]`).
pub(crate) fn root_field(e: &BodyError) -> Option<&str> {
    let field = e.field()?;
    let end = field.find(['.', '[']).unwrap_or(field.len());
    Some(&field[..end])
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

/// `details` of a 400 for a body field that does not fit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's path, e.g. `metadata` or `attachments[0].url`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_size_is_bounded() {
        let mut m = Object::new();
        m.insert("b".into(), "x".repeat(MAX_METADATA_CHARS).into());
        assert!(check_metadata(&m).is_err());
        m.insert("b".into(), "x".into());
        assert!(check_metadata(&m).is_ok());
    }
}
