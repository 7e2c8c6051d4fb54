//! `/api/memory` (also mounted under `/api/agents`): an agent's memories here, its rooms
//! and the group routes in their submodules.

pub mod groups;
pub mod rooms;

use agentd_core::agent_data;
use agentd_core::parse_uuid;
use agentd_core::time::to_millis;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// An agent memory (elizaOS `Memory`; `worldId` is not returned, nor `embedding`, which
/// agentd does not store).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Memory {
    /// Memory id.
    pub id: Uuid,
    /// Table, e.g. `messages`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    /// elizaOS `Content` (`text`, `source`, `actions`...).
    pub content: Value,
    /// Author entity: its id, else `metadata.entityId` as stored, else `null`.
    pub entity_id: Value,
    /// Owning agent.
    pub agent_id: Uuid,
    /// Room.
    pub room_id: Option<Uuid>,
    /// Deduplicated memory.
    pub unique: bool,
    /// Free-form metadata.
    pub metadata: Value,
}

impl From<&agent_data::Memory> for Memory {
    fn from(m: &agent_data::Memory) -> Self {
        let entity_id = m
            .entity_id
            .map(|e| Value::String(e.to_string()))
            .or_else(|| m.metadata.get("entityId").cloned())
            .unwrap_or(Value::Null);
        Memory {
            id: m.id,
            kind: m.kind.clone(),
            created_at: to_millis(m.created_at),
            content: m.content.clone(),
            entity_id,
            agent_id: m.agent_id,
            room_id: m.room_id,
            unique: m.unique,
            metadata: m.metadata.clone(),
        }
    }
}

/// `{"memories": [Memory]}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemoryList {
    /// Newest first.
    pub memories: Vec<Memory>,
}

impl MemoryList {
    /// The list of `memories`, in their order.
    pub fn new(memories: &[agent_data::Memory]) -> Self {
        MemoryList {
            memories: memories.iter().map(Memory::from).collect(),
        }
    }
}

/// Body of `PATCH /{agentId}/memories/{memoryId}`. As in elizaOS, a field of the wrong
/// kind is ignored rather than refused: `content` and `metadata` are taken only when they
/// are objects, the ids only when they are UUIDs.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemoryUpdate {
    /// Replaces the content.
    #[schema(value_type = Option<Object>)]
    pub content: Option<Value>,
    /// Replaces the metadata.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Moves it to this room.
    #[schema(value_type = Option<Uuid>)]
    pub room_id: Option<Value>,
    /// Changes its author.
    #[schema(value_type = Option<Uuid>)]
    pub entity_id: Option<Value>,
    /// Moves it to this world.
    #[schema(value_type = Option<Uuid>)]
    pub world_id: Option<Value>,
}

fn uuid_of(v: &Option<Value>) -> Option<Uuid> {
    v.as_ref()?.as_str().and_then(parse_uuid)
}

impl MemoryUpdate {
    /// Applies the fields that fit to `memory`.
    pub fn apply(&self, memory: &mut agent_data::Memory) {
        if let Some(c) = self.content.as_ref().filter(|c| c.is_object()) {
            memory.content = c.clone();
        }
        if let Some(m) = self.metadata.as_ref().filter(|m| m.is_object()) {
            memory.metadata = m.clone();
        }
        if let Some(r) = uuid_of(&self.room_id) {
            memory.room_id = Some(r);
        }
        if let Some(e) = uuid_of(&self.entity_id) {
            memory.entity_id = Some(e);
        }
        if let Some(w) = uuid_of(&self.world_id) {
            memory.world_id = Some(w);
        }
    }
}

/// `data` of `PATCH /{agentId}/memories/{memoryId}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemoryUpdated {
    /// Memory id.
    pub id: Uuid,
    /// `Memory updated successfully`.
    pub message: String,
}

/// `data` of `DELETE /{agentId}/memories`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemoriesDeleted {
    /// How many memories were deleted.
    pub deleted: u64,
    /// `All agent memories cleared successfully`.
    pub message: String,
}
