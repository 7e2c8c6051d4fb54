//! The records agentd stores and serves: agents, message servers, channels, messages.
//!
//! These are storage-neutral values; the storage crate maps them to rows and the HTTP crate
//! renders them in the elizaOS wire shapes (which differ per route).

use crate::time::Timestamp;
use serde_json::Value;
use uuid::Uuid;

/// An agent as stored: the character's fields, one column each, as elizaOS keeps them.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// Stable id (from the character, or `string_to_uuid(name)`).
    pub id: Uuid,
    /// Whether the agent should run; agents enabled at shutdown start again at boot.
    pub enabled: bool,
    /// The message server the agent belongs to, if any.
    pub server_id: Option<Uuid>,
    /// Display name.
    pub name: String,
    /// Optional handle.
    pub username: Option<String>,
    /// System prompt.
    pub system: Option<String>,
    /// Bio: a string or an array of strings.
    pub bio: Value,
    /// Example conversations.
    pub message_examples: Value,
    /// Example posts.
    pub post_examples: Value,
    /// Topics the agent knows about.
    pub topics: Value,
    /// Adjectives describing the agent.
    pub adjectives: Value,
    /// Knowledge items.
    pub knowledge: Value,
    /// Plugin names.
    pub plugins: Value,
    /// Settings, including `secrets`.
    pub settings: Value,
    /// Style guide (`all`, `chat`, `post`).
    pub style: Value,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last update time.
    pub updated_at: Timestamp,
}

impl Agent {
    /// A new enabled agent with empty character fields, created and updated `now`.
    pub fn new(id: Uuid, name: impl Into<String>, now: Timestamp) -> Self {
        Agent {
            id,
            enabled: true,
            server_id: None,
            name: name.into(),
            username: None,
            system: None,
            bio: Value::Array(Vec::new()),
            message_examples: Value::Array(Vec::new()),
            post_examples: Value::Array(Vec::new()),
            topics: Value::Array(Vec::new()),
            adjectives: Value::Array(Vec::new()),
            knowledge: Value::Array(Vec::new()),
            plugins: Value::Array(Vec::new()),
            settings: Value::Object(Default::default()),
            style: Value::Object(Default::default()),
            created_at: now,
            updated_at: now,
        }
    }
}

/// A message server: the top-level container of channels (a Discord guild, or the UI's).
#[derive(Debug, Clone, PartialEq)]
pub struct MessageServer {
    /// Server id; the default server is [`crate::DEFAULT_SERVER_ID`].
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Where it comes from (`eliza_default`, `discord`, ...).
    pub source_type: String,
    /// The id in the source system.
    pub source_id: Option<String>,
    /// Free-form metadata.
    pub metadata: Option<Value>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last update time.
    pub updated_at: Timestamp,
}

/// A channel: a group chat or a DM inside a message server.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// Channel id.
    pub id: Uuid,
    /// The server it belongs to.
    pub message_server_id: Uuid,
    /// Display name.
    pub name: String,
    /// `GROUP`, `DM`, ... (elizaOS `ChannelType`).
    pub kind: String,
    /// Where it comes from.
    pub source_type: Option<String>,
    /// The id in the source system.
    pub source_id: Option<String>,
    /// Topic line.
    pub topic: Option<String>,
    /// Free-form metadata.
    pub metadata: Option<Value>,
    /// The `seq` of the newest message; 0 for an empty channel.
    pub last_seq: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last update time.
    pub updated_at: Timestamp,
}

impl Channel {
    /// A new, empty channel (no source, topic or metadata; `last_seq` 0), created and
    /// updated `now`.
    pub fn new(
        id: Uuid,
        message_server_id: Uuid,
        name: impl Into<String>,
        kind: impl Into<String>,
        now: Timestamp,
    ) -> Self {
        Channel {
            id,
            message_server_id,
            name: name.into(),
            kind: kind.into(),
            source_type: None,
            source_id: None,
            topic: None,
            metadata: None,
            last_seq: 0,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A message in a channel (elizaOS "central message"), with its durable sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Message id.
    pub id: Uuid,
    /// The channel it was posted to.
    pub channel_id: Uuid,
    /// Position in the channel: strictly increasing and gap-free, starting at 1.
    pub seq: i64,
    /// The author (a user entity or an agent).
    pub author_id: Uuid,
    /// Text content.
    pub content: String,
    /// The raw message as the author's client or runtime produced it.
    pub raw_message: Option<Value>,
    /// The message this one replies to.
    pub in_reply_to_root_message_id: Option<Uuid>,
    /// Where it comes from (`eliza_gui`, `agent_response`, ...).
    pub source_type: Option<String>,
    /// The id in the source system.
    pub source_id: Option<String>,
    /// Free-form metadata (attachments, display names, ...).
    pub metadata: Option<Value>,
    /// The idempotency key the author sent, if any.
    pub client_message_id: Option<String>,
    /// On an agent's reply only: the message it answers. Unique per author, so an agent
    /// never answers one message twice, even after a crash or a duplicated event.
    pub in_reply_to: Option<Uuid>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last update time.
    pub updated_at: Timestamp,
}

/// An asynchronous message job (`/api/messaging/jobs`): a user message waiting for an
/// agent's reply, stored so a poll works on any instance and after a restart.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Job id.
    pub id: Uuid,
    /// The agent expected to answer.
    pub agent_id: Uuid,
    /// The channel the user message was posted to.
    pub channel_id: Uuid,
    /// The user message the job waits on.
    pub user_message_id: Uuid,
    /// `pending`, `processing`, `completed`, `failed` or `timeout` (elizaOS `JobStatus`).
    pub status: String,
    /// The outcome (the agent's reply) once completed.
    pub result: Option<Value>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last status change.
    pub updated_at: Timestamp,
    /// After this the job is reported as timed out and may be deleted.
    pub expires_at: Timestamp,
}

/// Metadata of an uploaded file; the bytes live on disk under `stored_name`.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// Upload id.
    pub id: Uuid,
    /// The agent it was uploaded for, if any.
    pub agent_id: Option<Uuid>,
    /// The channel it was uploaded to, if any.
    pub channel_id: Option<Uuid>,
    /// The file name we generated (unique); never the client's.
    pub stored_name: String,
    /// The client's file name, for display only.
    pub original_name: String,
    /// The type sniffed from the content.
    pub mime: String,
    /// Size in bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Upload time.
    pub created_at: Timestamp,
}

/// A messaging session (`/api/messaging/sessions`): a user talking to one agent in one
/// channel, with an expiry that activity may renew. Stored, so it survives restarts.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Session id.
    pub id: Uuid,
    /// The agent.
    pub agent_id: Uuid,
    /// The channel created for the session.
    pub channel_id: Uuid,
    /// The user.
    pub user_id: Uuid,
    /// Free-form metadata from the client.
    pub metadata: Value,
    /// Inactivity timeout.
    pub timeout_minutes: i32,
    /// Whether activity renews the session.
    pub auto_renew: bool,
    /// Hard limit on the session's total life.
    pub max_duration_minutes: i32,
    /// How long before expiry a warning is due.
    pub warning_threshold_minutes: i32,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last message or renewal.
    pub last_activity: Timestamp,
    /// When the session ends unless renewed.
    pub expires_at: Timestamp,
    /// How many times it was renewed.
    pub renewal_count: i32,
    /// Hash of a per-session token, if one was issued.
    pub token_hash: Option<String>,
}

/// Where a message stands with one participating agent: `stored` (no agent has it yet),
/// `dispatched` to the agent, then `replied`, `errored` or `ignored`. Terminal states are
/// never replaced by `dispatched`, so a late dispatch record cannot hide a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Stored; not yet handed to the agent.
    Stored,
    /// Published to the agent.
    Dispatched,
    /// The agent's reply is stored.
    Replied,
    /// The agent failed to handle it.
    Errored,
    /// The agent chose not to reply.
    Ignored,
}

impl DeliveryState {
    /// The wire and storage spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Stored => "stored",
            DeliveryState::Dispatched => "dispatched",
            DeliveryState::Replied => "replied",
            DeliveryState::Errored => "errored",
            DeliveryState::Ignored => "ignored",
        }
    }

    /// Parses [`DeliveryState::as_str`] output.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "stored" => DeliveryState::Stored,
            "dispatched" => DeliveryState::Dispatched,
            "replied" => DeliveryState::Replied,
            "errored" => DeliveryState::Errored,
            "ignored" => DeliveryState::Ignored,
            _ => return None,
        })
    }

    /// Whether the agent is done with the message.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            DeliveryState::Replied | DeliveryState::Errored | DeliveryState::Ignored
        )
    }
}
