//! An agent's rooms: `POST /{agentId}/rooms`, `GET /{agentId}/rooms`, `GET /{agentId}/rooms/{roomId}`.

use agentd_core::agent_data;
use agentd_core::time::to_millis;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Object;

/// A room of an agent (elizaOS `Room`; `serverId` duplicates `messageServerId`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Room {
    /// Room id.
    pub id: Uuid,
    /// Name.
    pub name: Option<String>,
    /// The central channel it mirrors.
    pub channel_id: Option<Uuid>,
    /// Owning agent.
    pub agent_id: Option<Uuid>,
    /// Message server.
    pub message_server_id: Option<Uuid>,
    /// World.
    pub world_id: Option<Uuid>,
    /// Channel type, e.g. `DM`, `GROUP`, `API`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Source, e.g. `client`.
    pub source: String,
    /// Free-form metadata (`{}` when none).
    pub metadata: Value,
    /// Same as `messageServerId`.
    pub server_id: Option<Uuid>,
    /// Its world's name (`GET /{agentId}/rooms/{roomId}` only, when the world exists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub world_name: Option<String>,
}

impl From<&agent_data::Room> for Room {
    fn from(r: &agent_data::Room) -> Self {
        Room {
            id: r.id,
            name: r.name.clone(),
            channel_id: r.channel_id,
            agent_id: r.agent_id,
            message_server_id: r.message_server_id,
            world_id: r.world_id,
            kind: r.kind.clone(),
            source: r.source.clone(),
            metadata: r
                .metadata
                .clone()
                .unwrap_or_else(|| Value::Object(Object::new())),
            server_id: r.message_server_id,
            world_name: None,
        }
    }
}

/// `{"rooms": [Room]}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoomList {
    /// Oldest first.
    pub rooms: Vec<Room>,
}

impl RoomList {
    /// The list of `rooms`, in their order.
    pub fn new(rooms: &[agent_data::Room]) -> Self {
        RoomList {
            rooms: rooms.iter().map(Room::from).collect(),
        }
    }
}

/// `data` of `POST /{agentId}/rooms` (201).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedRoom {
    /// Room id.
    pub id: Uuid,
    /// Name.
    pub name: Option<String>,
    /// Owning agent.
    pub agent_id: Option<Uuid>,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    /// Source, e.g. `client`.
    pub source: String,
    /// Channel type, e.g. `DM`.
    #[serde(rename = "type")]
    pub kind: String,
    /// World.
    pub world_id: Option<Uuid>,
    /// Message server.
    pub message_server_id: Option<Uuid>,
    /// Free-form metadata.
    pub metadata: Option<Value>,
}

impl From<&agent_data::Room> for CreatedRoom {
    fn from(r: &agent_data::Room) -> Self {
        CreatedRoom {
            id: r.id,
            name: r.name.clone(),
            agent_id: r.agent_id,
            created_at: to_millis(r.created_at),
            source: r.source.clone(),
            kind: r.kind.clone(),
            world_id: r.world_id,
            message_server_id: r.message_server_id,
            metadata: r.metadata.clone(),
        }
    }
}

/// Body of `POST /{agentId}/rooms`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewRoom {
    /// Required, not blank.
    pub name: Option<String>,
    /// Default `DM`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Default `client`.
    pub source: Option<String>,
    /// The world (a UUID); default the agent's mirror of the message server.
    pub world_id: Option<String>,
    /// Free-form metadata (`{}` when absent).
    pub metadata: Option<Value>,
    /// The message server (a UUID); default the default server.
    pub message_server_id: Option<String>,
}
