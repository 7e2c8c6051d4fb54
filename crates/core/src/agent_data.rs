//! An agent's own view of the conversation (elizaOS's per-agent tables): worlds mirror
//! message servers, rooms mirror channels, memories mirror messages, logs record work.
//!
//! Storage-neutral values, like [`crate::model`]; kept apart from it because they belong
//! to one agent, while `model` holds the shared, central records.

use crate::time::Timestamp;
use serde_json::Value;
use uuid::Uuid;

/// An agent's world: its mirror of a message server.
#[derive(Debug, Clone, PartialEq)]
pub struct World {
    /// World id (`create_unique_uuid(agent, server id)` for mirrored servers).
    pub id: Uuid,
    /// The agent owning it.
    pub agent_id: Uuid,
    /// Display name.
    pub name: String,
    /// Free-form metadata (settings, roles, ...).
    pub metadata: Option<Value>,
    /// The message server it mirrors, if any.
    pub message_server_id: Option<Uuid>,
    /// Creation time.
    pub created_at: Timestamp,
}

/// An agent's room: its mirror of a channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Room {
    /// Room id (`create_unique_uuid(agent, channel id)` for mirrored channels).
    pub id: Uuid,
    /// The agent owning it.
    pub agent_id: Option<Uuid>,
    /// Where it comes from (`client`, `central-bus`, ...).
    pub source: String,
    /// `DM`, `GROUP`, `API`, ... (elizaOS `ChannelType`).
    pub kind: String,
    /// The message server it belongs to.
    pub message_server_id: Option<Uuid>,
    /// The world it belongs to.
    pub world_id: Option<Uuid>,
    /// Display name.
    pub name: Option<String>,
    /// Free-form metadata.
    pub metadata: Option<Value>,
    /// The central channel it mirrors.
    pub channel_id: Option<Uuid>,
    /// Creation time.
    pub created_at: Timestamp,
}

/// Someone an agent knows: a user or another agent, by the id they have in channels.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// Entity id (for users, the central author id).
    pub id: Uuid,
    /// The agent that recorded it.
    pub agent_id: Uuid,
    /// Names it is known by.
    pub names: Vec<String>,
    /// Free-form metadata.
    pub metadata: Value,
    /// Creation time.
    pub created_at: Timestamp,
}

/// One memory: a message, document or fact as one agent remembers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Memory {
    /// Memory id.
    pub id: Uuid,
    /// The table name elizaOS uses as the type (`messages`, `documents`, ...).
    pub kind: String,
    /// Creation time.
    pub created_at: Timestamp,
    /// `{text, source, inReplyTo, ...}`.
    pub content: Value,
    /// Who said it.
    pub entity_id: Option<Uuid>,
    /// The agent remembering it.
    pub agent_id: Uuid,
    /// The room it happened in.
    pub room_id: Option<Uuid>,
    /// The world it happened in.
    pub world_id: Option<Uuid>,
    /// Whether it is unique (deduplicated) in elizaOS's sense.
    pub unique: bool,
    /// Free-form metadata (`type`, `source`, `sourceId`, ...).
    pub metadata: Value,
}

/// One log entry of an agent's work (a model call, an action, a run event).
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Log id.
    pub id: Uuid,
    /// The entity concerned (the agent itself for its own work).
    pub entity_id: Uuid,
    /// The room it happened in (logs are scoped to an agent through its rooms).
    pub room_id: Uuid,
    /// What happened (`{modelType, ...}` for model calls).
    pub body: Value,
    /// The kind of entry (`useModel`, `run_event`, ...).
    pub kind: String,
    /// When.
    pub created_at: Timestamp,
}
