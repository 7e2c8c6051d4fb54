//! `ENTITY_JOINED`: when an entity joins a channel over Socket.IO, the agents of that channel
//! learn about it before it speaks.
//!
//! In elizaOS this is a core runtime event, not a Socket.IO emit: the server fires it on the
//! *first* running agent only, whose bootstrap handler then syncs the user into the agent's
//! world and room (`ensureConnection`). agentd keeps the event name and payload and fixes the
//! receiver: every running agent that participates in the channel (the one source of truth for
//! which agents react, as for messages) gets it.
//!
//! Handling it means what the bootstrap handler does, written through the same ids as the
//! runtime's own mirror (`create_unique_uuid(agent, server)` for the world,
//! `create_unique_uuid(agent, channel)` for the room), so the reply loop later finds the
//! same rows: the agent's world and room for the channel, and the entity with the names
//! the client gave. Every write is an idempotent "ensure"; a failure is logged and never
//! stops the join or the send.

use agentd_core::model::Channel;
use agentd_storage::prelude::*;
use agentd_storage::{DM_CHANNEL_KIND, StorageError};
use chrono::Utc;
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::Core;

/// elizaOS's `EventType.ENTITY_JOINED`; the log line of each delivery carries it.
pub(crate) const ENTITY_JOINED: &str = "ENTITY_JOINED";

/// The event's payload, exactly as elizaOS builds it on a join: `{entityId, worldId, roomId,
/// metadata:{originalId, username, displayName, type, isDm, ...metadata}, source}`. `roomId` is
/// the central channel id, `worldId` the message server.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EntityJoined {
    pub(crate) entity_id: Uuid,
    pub(crate) world_id: Uuid,
    pub(crate) room_id: Uuid,
    pub(crate) metadata: Map<String, Value>,
    pub(crate) source: &'static str,
}

/// Where the entity came from: a join (`socketio`) or a DM send (`socketio_message`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Join,
    DmMessage,
}

impl EntityJoined {
    /// Builds the payload from a join or send payload. `entity_id` is already decided by
    /// the caller (the handshake's entity when auth is on); `originalId` is the id the
    /// client wrote. `username`/`displayName` come from the payload (`senderName` on a send).
    pub(crate) fn new(
        entity_id: Uuid,
        channel: &Channel,
        payload: &Value,
        origin: Origin,
    ) -> EntityJoined {
        let text = |key: &str| payload.get(key).and_then(Value::as_str);
        let client_meta = payload
            .get("metadata")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let is_dm = client_meta.get("isDm").and_then(Value::as_bool) == Some(true)
            || client_meta.get("channelType").and_then(Value::as_str) == Some(DM_CHANNEL_KIND)
            || channel.kind == DM_CHANNEL_KIND;
        let (original, username, display) = match origin {
            Origin::Join => (text("entityId"), text("username"), text("displayName")),
            Origin::DmMessage => (text("senderId"), text("senderName"), text("senderName")),
        };
        let mut metadata = Map::new();
        metadata.insert("originalId".into(), json!(original.unwrap_or_default()));
        metadata.insert("username".into(), json!(username));
        metadata.insert("displayName".into(), json!(display));
        metadata.insert(
            "type".into(),
            json!(if is_dm { DM_CHANNEL_KIND } else { "GROUP" }),
        );
        metadata.insert("isDm".into(), json!(is_dm));
        metadata.extend(client_meta);
        let world_id = text("messageServerId")
            .and_then(agentd_core::parse_uuid)
            .unwrap_or(channel.message_server_id);
        EntityJoined {
            entity_id,
            world_id,
            room_id: channel.id,
            metadata,
            source: match origin {
                Origin::Join => "socketio",
                Origin::DmMessage => "socketio_message",
            },
        }
    }

    fn meta_str(&self, key: &str) -> Option<&str> {
        self.metadata
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    }
}

/// Delivers the event to every running agent of the channel (other than the entity
/// itself) and returns which agents handled it.
pub(crate) async fn fire(core: &Core, channel: &Channel, event: &EntityJoined) -> Vec<Uuid> {
    let participants = match core.db.list_channel_participants(channel.id).await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::warn!(channel.id = %channel.id, error = %e, "ENTITY_JOINED: no participants");
            return Vec::new();
        }
    };
    let payload = serde_json::to_string(event).unwrap_or_default();
    let mut handled = Vec::new();
    for agent in participants
        .into_iter()
        .filter(|id| *id != event.entity_id && core.agents.is_running(*id))
    {
        tracing::info!(event = ENTITY_JOINED, agent.id = %agent, entity.id = %event.entity_id,
            channel.id = %channel.id, source = event.source, %payload, "entity joined");
        match sync_entity(core, agent, channel, event).await {
            Ok(()) => handled.push(agent),
            Err(e) => {
                tracing::warn!(agent.id = %agent, entity.id = %event.entity_id, error = %e,
                    "ENTITY_JOINED: cannot sync the entity");
            }
        }
    }
    handled
}

/// The bootstrap handler's `ensureConnection`: the agent's world and room for the channel,
/// and the entity with its names.
async fn sync_entity(
    core: &Core,
    agent_id: Uuid,
    channel: &Channel,
    event: &EntityJoined,
) -> Result<(), StorageError> {
    let now = Utc::now();
    agentd_messaging::rooms::ensure_channel_room(&core.db, agent_id, channel, event.source).await?;
    let display = event.meta_str("displayName");
    let username = event.meta_str("username");
    let mut names: Vec<String> = [display, username]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    names.dedup();
    if names.is_empty() {
        names.push(format!("User-{}", &event.entity_id.to_string()[..8]));
    }
    core.db
        .ensure_entity(&agentd_core::agent_data::Entity {
            id: event.entity_id,
            agent_id,
            names,
            metadata: json!({
                event.source.to_owned(): {"id": event.entity_id, "name": display, "userName": username}
            }),
            created_at: now,
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(kind: &str) -> Channel {
        let now = Utc::now();
        Channel::new(
            Uuid::new_v4(),
            agentd_core::DEFAULT_SERVER_ID,
            "c",
            kind,
            now,
        )
    }

    #[test]
    fn join_payload_has_the_spec_shape() {
        let ch = channel("GROUP");
        let entity = Uuid::new_v4();
        let payload = json!({"channelId": ch.id, "entityId": entity.to_string(),
            "username": "ada", "displayName": "Ada", "metadata": {"extra": 1}});
        let event = EntityJoined::new(entity, &ch, &payload, Origin::Join);
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            json!({
                "entityId": entity, "worldId": ch.message_server_id, "roomId": ch.id,
                "metadata": {"originalId": entity.to_string(), "username": "ada",
                    "displayName": "Ada", "type": "GROUP", "isDm": false, "extra": 1},
                "source": "socketio",
            })
        );
    }

    #[test]
    fn dm_send_payload_marks_dm_and_its_source() {
        let ch = channel("GROUP");
        let entity = Uuid::new_v4();
        let server = Uuid::new_v4();
        let payload = json!({"senderId": entity.to_string(), "senderName": "Bo",
            "messageServerId": server.to_string(), "metadata": {"isDm": true}});
        let event = EntityJoined::new(entity, &ch, &payload, Origin::DmMessage);
        assert_eq!(event.source, "socketio_message");
        assert_eq!(event.world_id, server);
        assert_eq!(event.metadata["type"], "DM");
        assert_eq!(event.metadata["isDm"], true);
        assert_eq!(event.metadata["displayName"], "Bo");
    }
}
