//! The events that cross the bus: elizaOS's message events plus agentd's channel lifecycle.

use agentd_core::model::DeliveryState;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kind of an event, for subscribers that filter by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `new_message`
    NewMessage,
    /// `message_deleted`
    MessageDeleted,
    /// A stored message was edited (`PATCH /action/:id`).
    MessageUpdated,
    /// `channel_cleared`
    ChannelCleared,
    /// `server_agent_update`
    ServerAgentUpdate,
    /// `message_stream_chunk`
    MessageStreamChunk,
    /// `message_stream_error`
    MessageStreamError,
    /// `message_complete`
    MessageComplete,
    /// Channel created, updated or deleted.
    ChannelLifecycle,
    /// A message's delivery state changed for one agent.
    Delivery,
}

/// One bus event. Message events carry the channel `seq` so gaps can be detected.
///
/// The serde form is the wire form between instances (`crate::wire`): tagged by `type` in
/// snake_case, fields by their Rust names. Renaming a variant or field changes the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BusEvent {
    /// A message was stored in a channel.
    NewMessage {
        /// The channel.
        channel_id: Uuid,
        /// The message's position in the channel.
        seq: i64,
        /// The message id.
        message_id: Uuid,
        /// Its author.
        author_id: Uuid,
    },
    /// A stored message was edited; sockets get it again with `updatedAt`.
    MessageUpdated {
        /// The channel.
        channel_id: Uuid,
        /// The message's position in the channel (unchanged by the edit).
        seq: i64,
        /// The edited message.
        message_id: Uuid,
    },
    /// A message was deleted.
    MessageDeleted {
        /// The channel.
        channel_id: Uuid,
        /// The position the deleted message had in the channel.
        seq: i64,
        /// The deleted message.
        message_id: Uuid,
    },
    /// Every message of a channel was deleted.
    ChannelCleared {
        /// The channel.
        channel_id: Uuid,
    },
    /// An agent was added to or removed from a message server.
    ServerAgentUpdate {
        /// The message server.
        server_id: Uuid,
        /// The agent.
        agent_id: Uuid,
        /// True when added, false when removed.
        added: bool,
    },
    /// A chunk of a streamed agent reply.
    MessageStreamChunk {
        /// The channel.
        channel_id: Uuid,
        /// The reply being streamed.
        message_id: Uuid,
        /// The agent writing the reply (elizaOS's `agentId`; clients tell replies apart by it).
        /// Defaults to nil when an older instance sent the event (rolling upgrades).
        #[serde(default)]
        agent_id: Uuid,
        /// The chunk's index, from 0.
        index: u32,
        /// The text of the chunk.
        chunk: String,
    },
    /// A streamed reply failed.
    MessageStreamError {
        /// The channel.
        channel_id: Uuid,
        /// The reply that failed.
        message_id: Uuid,
        /// The agent whose reply failed (elizaOS's `agentId`); nil from an older instance.
        #[serde(default)]
        agent_id: Uuid,
        /// A stable error code.
        code: String,
    },
    /// An agent finished handling a message.
    MessageComplete {
        /// The channel.
        channel_id: Uuid,
        /// The message server.
        server_id: Uuid,
    },
    /// A channel was created, updated or deleted.
    ChannelChanged {
        /// The channel.
        channel_id: Uuid,
        /// True when the channel no longer exists.
        deleted: bool,
    },
    /// A message's delivery state changed for one agent (`dispatched`, `replied`, ...).
    DeliveryChanged {
        /// The channel.
        channel_id: Uuid,
        /// The message.
        message_id: Uuid,
        /// The agent it was delivered to.
        agent_id: Uuid,
        /// The new state.
        #[serde(with = "crate::wire::delivery_state")]
        state: DeliveryState,
        /// Why: the reason of `ignored`, the error code of `errored`; absent from older
        /// instances.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl BusEvent {
    /// The kind of this event.
    pub fn kind(&self) -> EventKind {
        match self {
            BusEvent::NewMessage { .. } => EventKind::NewMessage,
            BusEvent::MessageDeleted { .. } => EventKind::MessageDeleted,
            BusEvent::MessageUpdated { .. } => EventKind::MessageUpdated,
            BusEvent::ChannelCleared { .. } => EventKind::ChannelCleared,
            BusEvent::ServerAgentUpdate { .. } => EventKind::ServerAgentUpdate,
            BusEvent::MessageStreamChunk { .. } => EventKind::MessageStreamChunk,
            BusEvent::MessageStreamError { .. } => EventKind::MessageStreamError,
            BusEvent::MessageComplete { .. } => EventKind::MessageComplete,
            BusEvent::ChannelChanged { .. } => EventKind::ChannelLifecycle,
            BusEvent::DeliveryChanged { .. } => EventKind::Delivery,
        }
    }

    /// The channel the event concerns, if any; Socket.IO rooms are keyed by it.
    pub fn channel_id(&self) -> Option<Uuid> {
        match self {
            BusEvent::NewMessage { channel_id, .. }
            | BusEvent::MessageDeleted { channel_id, .. }
            | BusEvent::MessageUpdated { channel_id, .. }
            | BusEvent::ChannelCleared { channel_id }
            | BusEvent::MessageStreamChunk { channel_id, .. }
            | BusEvent::MessageStreamError { channel_id, .. }
            | BusEvent::MessageComplete { channel_id, .. }
            | BusEvent::ChannelChanged { channel_id, .. }
            | BusEvent::DeliveryChanged { channel_id, .. } => Some(*channel_id),
            BusEvent::ServerAgentUpdate { .. } => None,
        }
    }
}
