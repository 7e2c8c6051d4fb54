//! Posting to a channel and the answers of its transports.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{AgentContent, HistoryItem, PostedMessage};
use crate::sessions::SessionStatus;

/// `POST /channels/{id}/messages`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PostMessage {
    /// The author (required).
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub author_id: Option<Uuid>,
    /// The text (required, non-empty).
    pub content: Option<String>,
    /// The message server (required).
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub message_server_id: Option<Uuid>,
    /// Deprecated spelling of `message_server_id`.
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub server_id: Option<Uuid>,
    /// `websocket` (default), `http` or `sse`.
    pub transport: Option<String>,
    /// Legacy spelling of `transport`: `sync` is `http`, `stream` is `sse`.
    pub mode: Option<String>,
    /// How long `http` and `sse` wait for the reply, in ms (1000..=300000; default 60000).
    #[serde(rename = "timeoutMs")]
    pub timeout_ms: Option<u64>,
    /// The message it answers.
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub in_reply_to_message_id: Option<Uuid>,
    /// Free-form metadata; kept when it is an object. `isDm`/`channelType: "DM"`,
    /// `targetUserId`/`recipientId` and `targetAgentId` shape a channel this post creates.
    pub metadata: Option<Value>,
    /// The idempotency key; also the message's id when it is a UUID.
    #[serde(rename = "messageId")]
    pub message_id: Option<String>,
    /// The idempotency key when neither the header nor `messageId` gives one.
    pub client_message_id: Option<String>,
    /// The message as the client produced it.
    pub raw_message: Option<Value>,
    /// Source type; `eliza_gui` when absent.
    pub source_type: Option<String>,
}

/// What the agents did with a posted message by the time the answer was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Processing {
    /// Handed to the agents; the reply comes over Socket.IO.
    Queued,
    /// No agent will process it.
    None,
    /// The agent answered (`agentResponse`).
    Replied,
    /// The agent chose not to answer.
    Ignored,
    /// The agent's turn failed.
    Errored,
    /// No answer within the timeout.
    Timeout,
}

/// The `201` answer of a post with the `websocket` or `http` transport. A session post adds
/// `sessionStatus` and mirrors the fields under `data`, so `@elizaos/api-client` callers,
/// which return `body.data`, get them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostAnswer {
    /// Always `true`.
    pub success: bool,
    /// The stored user message.
    pub user_message: PostedMessage,
    /// `http` only: the agent's reply, `null` without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_response: Option<Option<AgentContent>>,
    /// What the agents did with it.
    pub processing: Processing,
    /// Sessions only: where the session stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_status: Option<SessionStatus>,
    /// Sessions only: the same fields again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<PostAnswerData>,
}

/// The `data` mirror of a [`PostAnswer`].
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostAnswerData {
    /// The stored user message.
    pub user_message: PostedMessage,
    /// `http` only: the agent's reply, `null` without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_response: Option<Option<AgentContent>>,
    /// What the agents did with it.
    pub processing: Processing,
    /// Where the session stands.
    pub session_status: SessionStatus,
}

impl PostAnswer {
    /// An answer without session fields.
    pub fn new(
        user_message: PostedMessage,
        agent_response: Option<Option<AgentContent>>,
        processing: Processing,
    ) -> Self {
        PostAnswer {
            success: true,
            user_message,
            agent_response,
            processing,
            session_status: None,
            data: None,
        }
    }

    /// Adds the session's status and the `data` mirror.
    pub fn in_session(mut self, status: SessionStatus) -> Self {
        self.data = Some(PostAnswerData {
            user_message: self.user_message.clone(),
            agent_response: self.agent_response.clone(),
            processing: self.processing,
            session_status: status.clone(),
        });
        self.session_status = Some(status);
        self
    }
}

/// `data` of `GET /channels/{id}/messages`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessagePage {
    /// Newest first.
    pub messages: Vec<HistoryItem>,
}

/// An `error` event of the `sse` transport.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamError {
    /// Why the stream ends without a reply.
    pub error: String,
}

/// A `chunk` event of the `sse` transport.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StreamChunk {
    /// The piece of text.
    pub chunk: String,
    /// The chunk's index, from 0.
    pub index: u32,
    /// The reply being streamed.
    pub message_id: Uuid,
}
