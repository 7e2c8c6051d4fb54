//! ROOM_JOINING (message type 1), with membership when auth is on and resume by `lastSeq`.

use agentd_core::ids::parse_uuid;
use agentd_socketio::{Frame, Socket};
use agentd_storage::{ChannelStore, MessagePage, MessageStore, StorageError};
use serde_json::{Value, json};
use uuid::Uuid;

use super::entity::{self, EntityJoined, Origin};
use super::payload::{error, message_broadcast};
use super::{Core, app};

/// Most messages a resume replays; older gaps are for the REST history API.
pub(crate) const MAX_REPLAY: usize = 10_000;
/// Page size of the history reads of a resume.
const REPLAY_PAGE: i64 = 500;

/// The elizaOS 1.7 wording of a refused join.
const DENIED: &str = "Access denied: You don't have permission to join this channel";

fn uuid_field(payload: &Value, key: &str) -> Option<Uuid> {
    payload
        .get(key)
        .and_then(Value::as_str)
        .and_then(parse_uuid)
}

/// Handles a join: validates, checks membership, joins the room, replays what the client
/// missed since `lastSeq`, then confirms with `channel_joined` and `room_joined`.
pub(crate) async fn handle(core: &Core, socket: &Socket, payload: &Value) {
    let channel_id = uuid_field(payload, "channelId").or_else(|| uuid_field(payload, "roomId"));
    let Some(channel_id) = channel_id else {
        let _ = socket.emit("messageError", &error("channelId is required for joining."));
        return;
    };
    let Some(state) = app::state(socket) else {
        return;
    };
    if core.auth_on() {
        let member = match (
            socket.entity_id(),
            core.db.list_channel_participants(channel_id).await,
        ) {
            (Some(entity), Ok(ids)) => ids.contains(&entity),
            _ => false,
        };
        if !member {
            let _ = socket.emit("messageError", &error(DENIED));
            return;
        }
    }
    let agent_id = uuid_field(payload, "agentId");
    if let Some(agent_id) = agent_id
        && let Ok(mut slot) = state.agent_id.lock()
    {
        *slot = Some(agent_id);
    }
    core.track_channel(channel_id).await;
    let last_seq = payload
        .get("lastSeq")
        .and_then(Value::as_i64)
        .filter(|s| *s >= 0);
    match last_seq {
        Some(after) => {
            state.begin_replay(channel_id, after);
            socket.join(channel_id);
            if let Err(e) = replay(core, socket, channel_id, after).await {
                tracing::warn!(channel.id = %channel_id, error = %e, "resume replay failed");
            }
            state.finish_replay(|f| emit_frame(socket, f), channel_id);
        }
        None => {
            state.join(channel_id);
            socket.join(channel_id);
        }
    }
    entity_joined(core, socket, channel_id, payload).await;
    let mut reply = json!({
        "message": format!("Socket {} successfully joined channel {channel_id}.", socket.id()),
        "channelId": channel_id,
        "roomId": channel_id,
    });
    if let (Some(agent_id), Some(o)) = (agent_id, reply.as_object_mut()) {
        o.insert("agentId".into(), json!(agent_id));
    }
    let _ = socket.emit("channel_joined", &reply);
    let _ = socket.emit("room_joined", &reply);
}

/// As in elizaOS, a join naming an `entityId` fires `ENTITY_JOINED` to the channel's agents.
/// With auth on the handshake's entity is the one that joined, whatever the payload says.
async fn entity_joined(core: &Core, socket: &Socket, channel_id: Uuid, payload: &Value) {
    let Some(named) = uuid_field(payload, "entityId") else {
        return;
    };
    let entity = match (core.auth_on(), socket.entity_id()) {
        (true, Some(entity)) => entity,
        _ => named,
    };
    // A channel that does not exist (yet) has no agents to tell.
    if let Ok(channel) = core.db.get_channel(channel_id).await {
        let event = EntityJoined::new(entity, &channel, payload, Origin::Join);
        entity::fire(core, &channel, &event).await;
    }
}

/// Emits the stored messages after `after`, oldest first, through the socket's cursor.
async fn replay(
    core: &Core,
    socket: &Socket,
    channel: Uuid,
    after: i64,
) -> Result<(), StorageError> {
    let Some(state) = app::state(socket) else {
        return Ok(());
    };
    let server_id = core.server_of(channel).await;
    let mut cursor = after;
    let mut sent = 0usize;
    while sent < MAX_REPLAY {
        let mut page = core
            .db
            .list_messages(&MessagePage {
                after_seq: Some(cursor),
                ..MessagePage::latest(channel, REPLAY_PAGE)
            })
            .await?;
        if page.is_empty() {
            break;
        }
        page.sort_by_key(|m| m.seq);
        for m in &page {
            let is_agent = core.agents.is_running(m.author_id);
            let payload = message_broadcast(m, server_id, is_agent, &core.media_root());
            match Frame::event("messageBroadcast", &payload) {
                Ok(frame) => {
                    state.replay_one(|f| emit_frame(socket, f), channel, m.seq, &frame);
                }
                Err(e) => tracing::warn!(message.id = %m.id, error = %e, "cannot encode"),
            }
            cursor = cursor.max(m.seq);
            sent += 1;
        }
    }
    Ok(())
}

/// Sends one encoded `messageBroadcast`; a closed or slow socket is handled by the
/// protocol layer.
pub(crate) fn emit_frame(socket: &Socket, frame: &Frame) {
    let _ = socket.emit_frame(frame);
}
