//! Message servers and their agents.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Channel, MessageServer};

/// `POST /message-servers`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateServer {
    /// Name (required).
    pub name: Option<String>,
    /// Source type, e.g. `discord` (required).
    pub source_type: Option<String>,
    /// External id.
    pub source_id: Option<String>,
    /// Free-form metadata; kept when it is an object.
    pub metadata: Option<Value>,
}

/// `data` of `GET /message-server/current`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CurrentServer {
    /// The server this instance serves.
    pub message_server_id: Uuid,
}

/// `data` of `GET /message-servers`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerList {
    /// Every message server.
    pub message_servers: Vec<MessageServer>,
}

/// `data` of the deprecated `GET /central-servers`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegacyServerList {
    /// Every message server.
    pub servers: Vec<MessageServer>,
}

/// `data` of `POST /message-servers`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedServer {
    /// The stored server.
    pub server: MessageServer,
}

/// `data` of `GET /message-servers/{id}/agents`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerAgents {
    /// The server.
    pub message_server_id: Uuid,
    /// Its agents.
    pub agents: Vec<Uuid>,
}

/// `data` of adding an agent to a server or removing it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerAgentChange {
    /// The server.
    pub message_server_id: Uuid,
    /// The agent.
    pub agent_id: Uuid,
    /// What happened.
    pub message: String,
}

/// `data` of `GET /agents/{agentId}/message-servers`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentServers {
    /// The agent.
    pub agent_id: Uuid,
    /// The servers it belongs to.
    pub message_servers: Vec<Uuid>,
}

/// `data` of `GET /message-servers/{id}/channels`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelList {
    /// The server's channels.
    pub channels: Vec<Channel>,
}
