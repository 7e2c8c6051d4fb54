//! The messaging records as clients read them.

use std::collections::BTreeMap;

use agentd_core::model::{self, DeliveryState};
use agentd_core::time::{to_iso, to_millis};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Object;

/// A message server (elizaOS `MessageServer`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageServer {
    /// Server id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Source type, e.g. `eliza_default`.
    pub source_type: String,
    /// External id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Free-form metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub updated_at: String,
}

impl From<&model::MessageServer> for MessageServer {
    fn from(s: &model::MessageServer) -> Self {
        MessageServer {
            id: s.id,
            name: s.name.clone(),
            source_type: s.source_type.clone(),
            source_id: s.source_id.clone(),
            metadata: s.metadata.clone(),
            created_at: to_iso(s.created_at),
            updated_at: to_iso(s.updated_at),
        }
    }
}

/// A channel (elizaOS `Channel`), plus `lastSeq`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    /// Channel id.
    pub id: Uuid,
    /// Its message server.
    pub message_server_id: Uuid,
    /// Name.
    pub name: String,
    /// `DM`, `GROUP`, `API`...
    #[serde(rename = "type")]
    pub kind: String,
    /// Source type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// External id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Free-form metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub updated_at: String,
    /// The newest message's per-channel sequence number (0: none yet).
    pub last_seq: i64,
}

impl From<&model::Channel> for Channel {
    fn from(c: &model::Channel) -> Self {
        Channel {
            id: c.id,
            message_server_id: c.message_server_id,
            name: c.name.clone(),
            kind: c.kind.clone(),
            source_type: c.source_type.clone(),
            source_id: c.source_id.clone(),
            topic: c.topic.clone(),
            metadata: c.metadata.clone(),
            created_at: to_iso(c.created_at),
            updated_at: to_iso(c.updated_at),
            last_seq: c.last_seq,
        }
    }
}

/// The metadata key under which `@elizaos/api-client` reads and writes a channel's
/// participants (`addUserToChannel` and its siblings read it from the channel's details, then
/// send the whole list back as `participantCentralUserIds`).
pub const PARTICIPANTS_KEY: &str = "participantCentralUserIds";

impl Channel {
    /// The channel with its current participants under `metadata.participantCentralUserIds`.
    /// The list is rendered from the participant rows; it is never stored in the metadata.
    pub fn with_participants(mut self, participants: &[Uuid]) -> Self {
        let mut meta = match self.metadata.take() {
            Some(Value::Object(o)) => o,
            _ => Object::new(),
        };
        let ids = participants.iter().map(|p| Value::String(p.to_string()));
        meta.insert(PARTICIPANTS_KEY.into(), Value::Array(ids.collect()));
        self.metadata = Some(Value::Object(meta));
        self
    }
}

/// A stored message (elizaOS `CentralMessage`), plus its per-channel `seq`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CentralMessage {
    /// Message id.
    pub id: Uuid,
    /// Channel.
    pub channel_id: Uuid,
    /// Author (user or agent).
    pub author_id: Uuid,
    /// Text.
    pub content: String,
    /// The message as the client sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_message: Option<Value>,
    /// The message it answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_reply_to_root_message_id: Option<Uuid>,
    /// Source type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// External id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Free-form metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub updated_at: String,
    /// Gap-free per-channel sequence number.
    pub seq: i64,
}

impl From<&model::Message> for CentralMessage {
    fn from(m: &model::Message) -> Self {
        CentralMessage {
            id: m.id,
            channel_id: m.channel_id,
            author_id: m.author_id,
            content: m.content.clone(),
            raw_message: m.raw_message.clone(),
            in_reply_to_root_message_id: m.in_reply_to_root_message_id,
            source_type: m.source_type.clone(),
            source_id: m.source_id.clone(),
            metadata: m.metadata.clone(),
            created_at: to_iso(m.created_at),
            updated_at: to_iso(m.updated_at),
            seq: m.seq,
        }
    }
}

/// Where a message stands with each agent: `{agentId: state}` (`dispatched`, `replied`,
/// `ignored`, `errored`); empty when no agent has it.
pub type DeliveryMap = BTreeMap<Uuid, DeliveryName>;

/// A delivery state's wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryName {
    /// Stored, not yet handed to the agent.
    Stored,
    /// The agent has it.
    Dispatched,
    /// The agent answered.
    Replied,
    /// The agent's turn failed.
    Errored,
    /// The agent chose not to answer, or stopped.
    Ignored,
}

impl From<DeliveryState> for DeliveryName {
    fn from(s: DeliveryState) -> Self {
        match s {
            DeliveryState::Stored => DeliveryName::Stored,
            DeliveryState::Dispatched => DeliveryName::Dispatched,
            DeliveryState::Replied => DeliveryName::Replied,
            DeliveryState::Errored => DeliveryName::Errored,
            DeliveryState::Ignored => DeliveryName::Ignored,
        }
    }
}

/// An item of `GET /channels/{id}/messages`: the central message with `metadata` merged with
/// the raw message's `thought`, `actions` and `attachments`, times also in epoch ms, and
/// where it stands with each agent.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    /// Message id.
    pub id: Uuid,
    /// Channel.
    pub channel_id: Uuid,
    /// Author (user or agent).
    pub author_id: Uuid,
    /// Text.
    pub content: String,
    /// The message as the client sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_message: Option<Value>,
    /// The message it answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_reply_to_root_message_id: Option<Uuid>,
    /// Source type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// External id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Metadata with the raw message's `thought`, `actions` and `attachments`.
    pub metadata: Object,
    /// ISO 8601.
    pub created_at: String,
    /// ISO 8601.
    pub updated_at: String,
    /// Gap-free per-channel sequence number.
    pub seq: i64,
    /// Epoch milliseconds.
    #[serde(rename = "created_at")]
    pub created_at_ms: i64,
    /// Epoch milliseconds.
    #[serde(rename = "updated_at")]
    pub updated_at_ms: i64,
    /// Where it stands with each agent.
    #[schema(value_type = BTreeMap<String, DeliveryName>)]
    pub delivery: DeliveryMap,
    /// Why an agent ended its delivery (`ignored` reason, `errored` code), when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    pub delivery_reasons: Option<BTreeMap<Uuid, String>>,
}

impl HistoryItem {
    /// Renders `m`; `attachments` rewrites the attachment list's URLs for this server.
    pub fn new(m: &model::Message, attachments: &dyn Fn(&Value) -> Value) -> Self {
        let raw = m.raw_message.as_ref();
        let mut meta = match &m.metadata {
            Some(Value::Object(o)) => o.clone(),
            _ => Object::new(),
        };
        for key in ["thought", "actions"] {
            match raw.and_then(|r| r.get(key)).filter(|v| !v.is_null()) {
                Some(v) => meta.insert(key.into(), v.clone()),
                None => meta.remove(key),
            };
        }
        if let Some(a) = raw
            .and_then(|r| r.get("attachments"))
            .filter(|a| !a.is_null())
        {
            meta.insert("attachments".into(), a.clone());
        }
        if let Some(a) = meta.get_mut("attachments") {
            *a = attachments(a);
        }
        HistoryItem {
            id: m.id,
            channel_id: m.channel_id,
            author_id: m.author_id,
            content: m.content.clone(),
            raw_message: m.raw_message.clone(),
            in_reply_to_root_message_id: m.in_reply_to_root_message_id,
            source_type: m.source_type.clone(),
            source_id: m.source_id.clone(),
            metadata: meta,
            created_at: to_iso(m.created_at),
            updated_at: to_iso(m.updated_at),
            seq: m.seq,
            created_at_ms: to_millis(m.created_at),
            updated_at_ms: to_millis(m.updated_at),
            delivery: DeliveryMap::new(),
            delivery_reasons: None,
        }
    }

    /// Records one agent's delivery state and, when it ended with one, its reason.
    pub fn deliver(&mut self, agent: Uuid, state: DeliveryState, reason: Option<&str>) {
        self.delivery.insert(agent, state.into());
        if let Some(r) = reason {
            self.delivery_reasons
                .get_or_insert_with(BTreeMap::new)
                .insert(agent, r.to_owned());
        }
    }
}

/// The user message of a `POST /channels/{id}/messages` answer (elizaOS's snake_case
/// `BusMessage`), plus `seq` and where it stands with each agent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostedMessage {
    /// Message id.
    pub id: Uuid,
    /// Channel.
    pub channel_id: Uuid,
    /// The channel's message server.
    pub message_server_id: Uuid,
    /// Author.
    pub author_id: Uuid,
    /// Text.
    pub content: String,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// Source type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<String>,
    /// The message as the client sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_message: Option<Value>,
    /// Free-form metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// `metadata.user_display_name` or `metadata.author_display_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_display_name: Option<String>,
    /// The message it answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_reply_to_message_id: Option<Uuid>,
    /// External id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Gap-free per-channel sequence number.
    pub seq: i64,
    /// Where it stands with each agent.
    #[schema(value_type = BTreeMap<String, DeliveryName>)]
    pub delivery: DeliveryMap,
}

impl PostedMessage {
    /// Renders `m`, posted to a channel of `server`, handed to the `dispatched` agents.
    pub fn new(m: &model::Message, server: Uuid, dispatched: &[Uuid]) -> Self {
        let display = m
            .metadata
            .as_ref()
            .and_then(|d| {
                d.get("user_display_name")
                    .or_else(|| d.get("author_display_name"))
            })
            .and_then(Value::as_str)
            .map(str::to_owned);
        PostedMessage {
            id: m.id,
            channel_id: m.channel_id,
            message_server_id: server,
            author_id: m.author_id,
            content: m.content.clone(),
            created_at: to_millis(m.created_at),
            source_type: m.source_type.clone(),
            raw_message: m.raw_message.clone(),
            metadata: m.metadata.clone(),
            author_display_name: display,
            in_reply_to_message_id: m.in_reply_to_root_message_id,
            source_id: m.source_id.clone(),
            seq: m.seq,
            delivery: dispatched
                .iter()
                .map(|a| (*a, DeliveryName::Dispatched))
                .collect(),
        }
    }
}

/// An agent's reply as the `http` and `sse` transports return it: the response `Content`
/// (`{text, thought?, actions?}`) plus the stored message's `messageId` and `seq`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentContent {
    /// The reply's text.
    pub text: String,
    /// The agent's reasoning, when the model gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thought: Option<Value>,
    /// The actions the agent took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Value>,
    /// The stored reply's id.
    pub message_id: Uuid,
    /// The stored reply's seq.
    pub seq: i64,
}

impl From<&model::Message> for AgentContent {
    fn from(m: &model::Message) -> Self {
        let raw = |k: &str| {
            m.raw_message
                .as_ref()
                .and_then(|r| r.get(k))
                .filter(|v| !v.is_null())
                .cloned()
        };
        AgentContent {
            text: m.content.clone(),
            thought: raw("thought"),
            actions: raw("actions"),
            message_id: m.id,
            seq: m.seq,
        }
    }
}
