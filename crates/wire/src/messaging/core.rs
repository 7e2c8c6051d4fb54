//! The agent-facing core routes: `/submit`, `/action`, `PATCH /action/{id}`,
//! `/ingest-external` and `/complete`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::filled;

/// `POST /submit` and `POST /action`: an agent's message. Ids are strings here because a
/// missing field is reported before a malformed one, as elizaOS does.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Submit {
    /// The channel (required).
    pub channel_id: Option<String>,
    /// The message server (required).
    pub message_server_id: Option<String>,
    /// Deprecated spelling of `message_server_id`.
    pub server_id: Option<String>,
    /// The author, usually the agent (required).
    pub author_id: Option<String>,
    /// The text (required).
    pub content: Option<String>,
    /// Source type, e.g. `agent_response` (required).
    pub source_type: Option<String>,
    /// The message as the runtime produced it (required, truthy).
    pub raw_message: Option<Value>,
    /// The message it answers.
    pub in_reply_to_message_id: Option<String>,
    /// The message's id; also its idempotency key.
    #[serde(rename = "messageId")]
    pub message_id: Option<String>,
    /// The idempotency key when neither the header nor `messageId` gives one.
    pub client_message_id: Option<String>,
    /// Free-form metadata; kept when it is an object.
    pub metadata: Option<Value>,
    /// `@elizaos/api-client`'s `submitMessage` form: the agent that writes.
    #[serde(rename = "agentId")]
    pub agent_id: Option<String>,
    /// `submitMessage` form: the channel.
    #[serde(rename = "channelId")]
    pub channel_id_camel: Option<String>,
    /// `submitMessage` form: the message it answers.
    #[serde(rename = "inReplyToMessageId")]
    pub in_reply_to_message_id_camel: Option<String>,
}

impl Submit {
    /// The channel of `@elizaos/api-client`'s `submitMessage` form (`{agentId, channelId,
    /// content, inReplyToMessageId?, metadata?}`), when the body has that form.
    pub fn client_form_channel(&self) -> Option<&str> {
        match filled(&self.channel_id) {
            Some(_) => None,
            None => filled(&self.channel_id_camel),
        }
    }

    /// Reads the `submitMessage` form as the agent's reply it is: the agent is the author,
    /// `server` (the channel's) the message server, `agent_response` the source and
    /// `{text}` the raw message unless the body gives them.
    pub fn adopt_client_form(&mut self, server: Uuid) {
        self.channel_id = self.channel_id_camel.take();
        self.author_id = self.author_id.take().or_else(|| self.agent_id.take());
        self.in_reply_to_message_id = self
            .in_reply_to_message_id
            .take()
            .or_else(|| self.in_reply_to_message_id_camel.take());
        self.message_server_id = Some(server.to_string());
        self.source_type = self
            .source_type
            .take()
            .or_else(|| Some("agent_response".to_owned()));
        if !truthy(self.raw_message.as_ref()) {
            self.raw_message = filled(&self.content).map(|t| serde_json::json!({ "text": t }));
        }
    }

    /// The message server, from either spelling.
    pub fn server(&self) -> Option<&str> {
        filled(&self.message_server_id).or_else(|| filled(&self.server_id))
    }

    /// The required fields that are missing, in elizaOS's order.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (name, v) in [
            ("channel_id", filled(&self.channel_id)),
            ("message_server_id", self.server()),
            ("author_id", filled(&self.author_id)),
            ("content", filled(&self.content)),
            ("source_type", filled(&self.source_type)),
        ] {
            if v.is_none() {
                out.push(name);
            }
        }
        if !truthy(self.raw_message.as_ref()) {
            out.push("raw_message");
        }
        out
    }
}

/// JavaScript truthiness, as elizaOS checks `raw_message`.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(_) => true,
    }
}

/// `PATCH /action/{id}`: the fields to change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateAction {
    /// New text.
    pub content: Option<String>,
    /// New raw message.
    pub raw_message: Option<Value>,
    /// New source type.
    pub source_type: Option<String>,
    /// New reply target.
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub in_reply_to_message_id: Option<Uuid>,
    /// New metadata; kept when it is an object.
    pub metadata: Option<Value>,
    /// New author.
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub author_id: Option<Uuid>,
}

/// `POST /ingest-external`: a message from an outside platform.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Ingest {
    /// The channel (required).
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub channel_id: Option<Uuid>,
    /// The message server (required).
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub message_server_id: Option<Uuid>,
    /// Deprecated spelling of `message_server_id`.
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub server_id: Option<Uuid>,
    /// The author (required).
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub author_id: Option<Uuid>,
    /// The text (required).
    pub content: Option<String>,
    /// The message as the platform gave it.
    pub raw_message: Option<Value>,
    /// The id on the platform.
    pub source_id: Option<String>,
    /// The platform, e.g. `discord`.
    pub source_type: Option<String>,
    /// The message it answers.
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub in_reply_to_message_id: Option<Uuid>,
    /// Free-form metadata; kept when it is an object.
    pub metadata: Option<Value>,
    /// The author's name on the platform; stored in `metadata`.
    pub author_display_name: Option<String>,
    /// The message's idempotency key.
    #[serde(rename = "messageId")]
    pub message_id: Option<String>,
    /// The idempotency key when neither the header nor `messageId` gives one.
    pub client_message_id: Option<String>,
}

/// The `202` answer of `/ingest-external`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ingested {
    /// Always `true`.
    pub success: bool,
    /// `Message ingested and published to bus`.
    pub message: String,
    /// The stored message.
    pub data: IngestedMessage,
}

/// `data` of [`Ingested`].
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngestedMessage {
    /// The stored message's id.
    pub message_id: Uuid,
    /// Its per-channel seq.
    pub seq: i64,
}

/// `POST /complete`: either the channel and its server, or (as `@elizaos/api-client`'s
/// `completeMessage` sends it) the message the agent finished with.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Complete {
    /// The message the agent finished with; its channel and server are looked up.
    #[serde(rename = "messageId")]
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub message_id: Option<Uuid>,
    /// `completed` or `failed` (with `message_id`; informational).
    pub status: Option<CompletionStatus>,
    /// What failed, with `status: failed` (informational).
    pub error: Option<String>,
    /// The channel whose agent turn completed.
    pub channel_id: Option<String>,
    /// The message server.
    pub message_server_id: Option<String>,
    /// Deprecated spelling of `message_server_id`.
    pub server_id: Option<String>,
}

/// How the agent's turn ended, as `completeMessage` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CompletionStatus {
    /// The agent answered.
    Completed,
    /// The agent's turn failed.
    Failed,
}

/// The answer of `/complete`: `{"success":true,"message":...,"data":{"success":true}}`
/// (`data` is what `@elizaos/api-client` returns to its caller).
#[derive(Debug, Serialize, ToSchema)]
pub struct Completed {
    /// Always `true`.
    pub success: bool,
    /// What happened.
    pub message: String,
    /// `{success: true}`.
    pub data: CompletedData,
}

/// `data` of [`Completed`].
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletedData {
    /// Always `true`.
    pub success: bool,
}

impl Completed {
    /// The completion event is published.
    pub fn new() -> Self {
        Completed {
            success: true,
            message: "Completion event emitted".into(),
            data: CompletedData { success: true },
        }
    }
}

impl Default for Completed {
    fn default() -> Self {
        Self::new()
    }
}
