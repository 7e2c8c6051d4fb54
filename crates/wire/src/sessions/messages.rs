//! Sending a session message: the body and its checks, and the answer with its
//! `sessionStatus`.

use agentd_core::model::Session;
use agentd_core::time::to_iso;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{METADATA_NOT_OBJECT, root_field};
use crate::{BodyError, Object};

/// Longest message content, in characters.
pub const MAX_CONTENT_CHARS: usize = 4000;

/// The message of an `attachments` that is not a list of `{type, url, name?}`.
const BAD_ATTACHMENTS: &str = "Invalid content: Attachments must be an array of {type, url, name?}";

/// `POST /sessions/:id/messages`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendSessionMessage {
    /// The text (required, not blank, at most 4000 characters).
    #[serde(default)]
    pub content: Option<String>,
    /// Files sent with the message.
    #[serde(default)]
    pub attachments: Option<Vec<Attachment>>,
    /// Free-form metadata merged over the channel's, at most 10240 characters serialized.
    #[serde(default)]
    pub metadata: Option<Object>,
    /// `websocket` (default: answer at once), `http` (wait for the reply) or `sse` (stream).
    #[serde(default)]
    pub transport: Option<String>,
    /// Legacy name of `transport`: `sync` is `http`, `stream` is `sse`.
    #[serde(default)]
    pub mode: Option<String>,
    /// How long `http` and `sse` wait for the reply, 1000 to 300000 ms.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// A file sent with a session message; other keys are kept as sent.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct Attachment {
    /// Kind or MIME type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where the file is.
    pub url: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Any other keys the client sent.
    #[serde(flatten)]
    pub extra: Object,
}

/// The `raw_message` stored with a session message.
#[derive(Debug, Clone, Serialize)]
struct RawMessage<'a> {
    content: &'a str,
    attachments: &'a Option<Vec<Attachment>>,
}

impl SendSessionMessage {
    /// The message of a field that does not fit, when the route has its own.
    pub fn field_message(e: &BodyError) -> Option<&'static str> {
        match root_field(e)? {
            "content" => Some("Invalid content: Content must be a string"),
            "attachments" => Some(BAD_ATTACHMENTS),
            "metadata" => Some(METADATA_NOT_OBJECT),
            "transport" | "mode" => {
                Some("Invalid content: Invalid transport. Must be one of: http, sse, websocket")
            }
            "timeoutMs" => Some("timeoutMs must be a number between 1000 and 300000"),
            _ => None,
        }
    }

    /// The content, or the message when there is none.
    pub fn content(&self) -> Result<&str, &'static str> {
        self.content
            .as_deref()
            .ok_or("Invalid content: Content must be a string")
    }

    /// The content rules: not blank, at most [`MAX_CONTENT_CHARS`] characters.
    pub fn check_content(content: &str) -> Result<(), String> {
        if content.trim().is_empty() {
            return Err("Invalid content: Content cannot be empty".to_owned());
        }
        if content.chars().count() > MAX_CONTENT_CHARS {
            return Err(format!(
                "Invalid content: Content exceeds maximum length of {MAX_CONTENT_CHARS} characters"
            ));
        }
        Ok(())
    }

    /// The `raw_message` to store: `{content, attachments}` (`null` without attachments).
    pub fn raw_message(&self, content: &str) -> Value {
        serde_json::to_value(RawMessage {
            content,
            attachments: &self.attachments,
        })
        .unwrap_or(Value::Null)
    }
}

/// `sessionStatus` of the send answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionStatus {
    /// ISO 8601, after the renewal.
    pub expires_at: String,
    /// Renewals so far.
    pub renewal_count: i32,
    /// Whether this message renewed the session.
    pub was_renewed: bool,
    /// Whether the expiry is within the warning threshold.
    pub is_near_expiration: bool,
}

impl SessionStatus {
    /// The status of `s` after a send.
    pub fn new(s: &Session, was_renewed: bool, is_near_expiration: bool) -> Self {
        SessionStatus {
            expires_at: to_iso(s.expires_at),
            renewal_count: s.renewal_count,
            was_renewed,
            is_near_expiration,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn send_body_fields_keep_their_messages() {
        let e = crate::parse::<SendSessionMessage>(br#"{"content":5}"#).unwrap_err();
        assert_eq!(
            SendSessionMessage::field_message(&e),
            Some("Invalid content: Content must be a string")
        );
        let e = crate::parse::<SendSessionMessage>(br#"{"attachments":[{"url":1}]}"#).unwrap_err();
        assert_eq!(SendSessionMessage::field_message(&e), Some(BAD_ATTACHMENTS));
        assert!(SendSessionMessage::check_content("  ").is_err());
        assert!(SendSessionMessage::check_content(&"x".repeat(4001)).is_err());
    }

    #[test]
    fn raw_message_keeps_the_attachments_as_sent() {
        let b: SendSessionMessage = crate::parse(
            br#"{"content":"hi","attachments":[{"type":"image","url":"u","size":3}]}"#,
        )
        .unwrap();
        assert_eq!(
            b.raw_message("hi"),
            json!({"content": "hi", "attachments": [{"type": "image", "url": "u", "size": 3}]})
        );
        let b: SendSessionMessage = crate::parse(br#"{"content":"hi"}"#).unwrap();
        assert_eq!(
            b.raw_message("hi"),
            json!({"content": "hi", "attachments": null})
        );
    }
}
