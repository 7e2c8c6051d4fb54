//! The history of a session: `GET /sessions/:id/messages` as `SimplifiedMessage`s, newest
//! first, with epoch-ms cursors.

use std::collections::HashMap;

use agentd_core::model::Message;
use agentd_core::time::{Timestamp, parse_millis_or_iso, to_iso, to_millis};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::Object;

/// Default and largest history page.
pub const HISTORY_LIMITS: (i64, i64) = (50, 100);

/// `SimplifiedMessage`: a history item, with the reply's `thought` and `actions` folded into
/// `metadata`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SimplifiedMessage {
    /// Message id.
    pub id: Uuid,
    /// Text.
    pub content: String,
    /// The user or the agent.
    pub author_id: Uuid,
    /// Whether the agent wrote it.
    pub is_agent: bool,
    /// ISO 8601.
    pub created_at: String,
    /// The message's metadata plus `thought` and `actions` of a reply.
    pub metadata: Object,
}

impl From<&Message> for SimplifiedMessage {
    fn from(m: &Message) -> Self {
        let mut metadata = match &m.metadata {
            Some(Value::Object(o)) => o.clone(),
            _ => Object::new(),
        };
        for key in ["thought", "actions"] {
            if let Some(v) = m.raw_message.as_ref().and_then(|r| r.get(key)) {
                metadata.insert(key.into(), v.clone());
            }
        }
        SimplifiedMessage {
            id: m.id,
            content: m.content.clone(),
            author_id: m.author_id,
            is_agent: m.source_type.as_deref() == Some("agent_response"),
            created_at: to_iso(m.created_at),
            metadata,
        }
    }
}

/// `GET /sessions/:id/messages` query (a repeated key is its last value).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(from = "HashMap<String, String>")]
#[into_params(parameter_in = Query)]
pub struct SessionMessagesQuery {
    /// Page size, 1 to 100 (default 50; not a number is the default).
    pub limit: Option<String>,
    /// Older than this time: epoch ms or ISO 8601.
    pub before: Option<String>,
    /// Newer than this time: epoch ms or ISO 8601.
    pub after: Option<String>,
}

impl From<HashMap<String, String>> for SessionMessagesQuery {
    fn from(mut q: HashMap<String, String>) -> Self {
        SessionMessagesQuery {
            limit: q.remove("limit"),
            before: q.remove("before"),
            after: q.remove("after"),
        }
    }
}

/// A history page request read from [`SessionMessagesQuery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryPage {
    /// Page size.
    pub limit: i64,
    /// Older than this.
    pub before: Option<Timestamp>,
    /// Newer than this.
    pub after: Option<Timestamp>,
}

impl SessionMessagesQuery {
    /// The page asked for, or the message for a cursor that is not a time.
    pub fn page(&self) -> Result<HistoryPage, String> {
        let limit = self
            .limit
            .as_deref()
            .and_then(|l| l.trim().parse::<i64>().ok())
            .unwrap_or(HISTORY_LIMITS.0)
            .clamp(1, HISTORY_LIMITS.1);
        let cursor = |v: &Option<String>, key: &str| {
            v.as_deref()
                .map(|v| {
                    parse_millis_or_iso(v).ok_or_else(|| {
                        format!("Invalid pagination parameter '{key}': Must be a valid timestamp")
                    })
                })
                .transpose()
        };
        Ok(HistoryPage {
            limit,
            before: cursor(&self.before, "before")?,
            after: cursor(&self.after, "after")?,
        })
    }
}

/// `GET /sessions/:id/messages`: newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionMessages {
    /// The page, newest first.
    pub messages: Vec<SimplifiedMessage>,
    /// Whether the page is full (there may be more).
    pub has_more: bool,
    /// The page's oldest and newest times, when it is not empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursors: Option<Cursors>,
}

/// The cursors of a history page, in epoch ms.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cursors {
    /// The oldest message's time: pass as `before` for the next older page.
    pub before: i64,
    /// The newest message's time: pass as `after` for newer messages.
    pub after: i64,
}

impl SessionMessages {
    /// The page of `messages` asked for with `limit`.
    pub fn new(messages: &[Message], limit: i64) -> Self {
        let oldest = messages.iter().map(|m| m.created_at).min();
        let newest = messages.iter().map(|m| m.created_at).max();
        SessionMessages {
            messages: messages.iter().map(SimplifiedMessage::from).collect(),
            has_more: i64::try_from(messages.len()).unwrap_or(i64::MAX) == limit,
            cursors: oldest.zip(newest).map(|(o, n)| Cursors {
                before: to_millis(o),
                after: to_millis(n),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_query_is_clamped_and_cursors_checked() {
        let q = SessionMessagesQuery {
            limit: Some("500".into()),
            before: Some("1700000000000".into()),
            after: None,
        };
        let p = q.page().unwrap();
        assert_eq!(p.limit, 100);
        assert!(p.before.is_some() && p.after.is_none());
        let q = SessionMessagesQuery {
            before: Some("yesterday".into()),
            ..Default::default()
        };
        assert_eq!(
            q.page().unwrap_err(),
            "Invalid pagination parameter 'before': Must be a valid timestamp"
        );
    }
}
