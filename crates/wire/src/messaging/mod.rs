//! Messaging shapes: message servers, channels, messages and the agent-facing core routes.
//! The records mirror elizaOS's `MessageServer`, `Channel` and `CentralMessage`, plus
//! agentd's per-channel `seq`/`lastSeq` and per-agent `delivery` states.

pub mod channels;
pub mod core;
pub mod messages;
pub mod records;
pub mod servers;

pub use records::{
    AgentContent, CentralMessage, Channel, HistoryItem, MessageServer, PostedMessage,
};

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The server id of a body: `message_server_id`, else the deprecated `server_id` elizaOS
/// still reads; the flag says the deprecated one was used.
pub fn server_id(message_server_id: Option<Uuid>, server_id: Option<Uuid>) -> (Option<Uuid>, bool) {
    match (message_server_id, server_id) {
        (Some(id), _) => (Some(id), false),
        (None, Some(id)) => (Some(id), true),
        (None, None) => (None, false),
    }
}

/// `{agentId}`: the body of the routes that add an agent to a server or a channel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentRef {
    /// The agent.
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub agent_id: Option<Uuid>,
}
