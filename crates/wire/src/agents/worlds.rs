//! Worlds: `GET /api/agents/worlds`, `POST /{agentId}/worlds`, `PATCH /{agentId}/worlds/{worldId}`.

use agentd_core::agent_data;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Object;

/// A world of an agent (elizaOS `World`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct World {
    /// World id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Owning agent.
    pub agent_id: Uuid,
    /// The message server it mirrors.
    pub message_server_id: Option<Uuid>,
    /// Free-form metadata (`{}` when none).
    pub metadata: Value,
}

impl From<&agent_data::World> for World {
    fn from(w: &agent_data::World) -> Self {
        World {
            id: w.id,
            name: w.name.clone(),
            agent_id: w.agent_id,
            message_server_id: w.message_server_id,
            metadata: w
                .metadata
                .clone()
                .unwrap_or_else(|| Value::Object(Object::new())),
        }
    }
}

/// `{"world": World}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorldData {
    /// The world.
    pub world: World,
}

impl From<&agent_data::World> for WorldData {
    fn from(w: &agent_data::World) -> Self {
        WorldData { world: w.into() }
    }
}

/// `{"worlds": [World]}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorldList {
    /// Oldest first.
    pub worlds: Vec<World>,
}

impl WorldList {
    /// The list of `worlds`, in their order.
    pub fn new(worlds: &[agent_data::World]) -> Self {
        WorldList {
            worlds: worlds.iter().map(World::from).collect(),
        }
    }
}

/// `data` of `PATCH /api/agents/{agentId}/worlds/{worldId}`: the world, and its id and
/// settings as `@elizaos/api-client`'s `updateAgentWorldSettings` returns them
/// (`AgentWorldSettings`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorldUpdated {
    /// The updated world.
    pub world: World,
    /// Its id.
    pub world_id: Uuid,
    /// `metadata.settings` (`{}` when none).
    pub settings: Value,
}

impl From<&agent_data::World> for WorldUpdated {
    fn from(w: &agent_data::World) -> Self {
        let settings = w
            .metadata
            .as_ref()
            .and_then(|m| m.get("settings"))
            .cloned()
            .unwrap_or_else(|| Value::Object(Object::new()));
        WorldUpdated {
            world: w.into(),
            world_id: w.id,
            settings,
        }
    }
}

/// Body of `POST /api/agents/{agentId}/worlds`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewWorld {
    /// Required, not blank.
    pub name: Option<String>,
    /// The message server it mirrors (a UUID).
    pub message_server_id: Option<String>,
    /// Free-form metadata (`{}` when absent).
    pub metadata: Option<Value>,
}

/// Body of `PATCH /api/agents/{agentId}/worlds/{worldId}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct WorldUpdate {
    /// New name (ignored when blank).
    pub name: Option<String>,
    /// Shallow-merged into the metadata.
    pub metadata: Option<Object>,
    /// What the api-client sends: stored as `metadata.settings`.
    pub settings: Option<Value>,
}

impl WorldUpdate {
    /// Applies the update to `world`.
    pub fn apply(self, world: &mut agent_data::World) {
        if let Some(name) = self.name.filter(|n| !n.trim().is_empty()) {
            world.name = name;
        }
        let mut meta = match world.metadata.take() {
            Some(Value::Object(m)) => m,
            _ => Object::new(),
        };
        meta.extend(self.metadata.unwrap_or_default());
        if let Some(settings) = self.settings {
            meta.insert("settings".into(), settings);
        }
        world.metadata = Some(Value::Object(meta));
    }
}
