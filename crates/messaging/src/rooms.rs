//! An agent's world and room for a channel: the agent's own view of a conversation, as
//! elizaOS keeps it. Written by the reply loop and by the `ENTITY_JOINED` handler alike.

use agentd_core::agent_data::{Room, World};
use agentd_core::create_unique_uuid;
use agentd_core::model::Channel;
use agentd_storage::prelude::*;
use agentd_storage::{Db, StorageError};
use chrono::Utc;
use uuid::Uuid;

/// An agent's world and room ids for a channel: elizaOS `createUniqueUuid` of the agent
/// with the message server id and with the channel id.
pub fn channel_room_ids(agent_id: Uuid, channel: &Channel) -> (Uuid, Uuid) {
    let world_id = create_unique_uuid(agent_id, &channel.message_server_id.to_string());
    let room_id = create_unique_uuid(agent_id, &channel.id.to_string());
    (world_id, room_id)
}

/// Ensures the agent's world and room for a channel exist (idempotent) and returns their
/// ids `(world, room)`. Shared by the reply loop and the `ENTITY_JOINED` handler so both
/// write the same rows; `source` is recorded on a newly created room only.
pub async fn ensure_channel_room(
    db: &Db,
    agent_id: Uuid,
    channel: &Channel,
    source: &str,
) -> Result<(Uuid, Uuid), StorageError> {
    let (world_id, room_id) = channel_room_ids(agent_id, channel);
    let now = Utc::now();
    db.ensure_world(&World {
        id: world_id,
        agent_id,
        name: format!("Server {}", &channel.message_server_id.to_string()[..8]),
        metadata: None,
        message_server_id: Some(channel.message_server_id),
        created_at: now,
    })
    .await?;
    db.ensure_room(&Room {
        id: room_id,
        agent_id: Some(agent_id),
        source: source.to_owned(),
        kind: channel.kind.clone(),
        message_server_id: Some(channel.message_server_id),
        world_id: Some(world_id),
        name: Some(channel.name.clone()),
        metadata: channel.metadata.clone(),
        channel_id: Some(channel.id),
        created_at: now,
    })
    .await?;
    Ok((world_id, room_id))
}
