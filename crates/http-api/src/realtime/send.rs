//! SEND_MESSAGE (spec 5.5 type 2): validate, auto-create the channel, store once
//! (idempotent on the client's `messageId`), echo and ack to the sender, publish on the bus.
//! The other sockets of the room get the message from the relay, like every message.

use agentd_bus::BusEvent;
use agentd_core::ids::parse_uuid;
use agentd_core::model::Channel;
use agentd_core::time::to_iso;
use agentd_socketio::Socket;
use agentd_storage::{
    ChannelStore, DM_CHANNEL_KIND, MessageStore, NewMessage, ServerStore, StorageError,
};
use chrono::Utc;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::Core;
use super::entity::{self, EntityJoined, Origin};
use super::payload::{error, message_broadcast};

/// Spec 5.5 wording of an invalid send (verified).
const INVALID: &str = "For SEND_MESSAGE: channelId, messageServerId (message_server_id), senderId (author_id), and message are required.";
/// Longest client `messageId` kept as an idempotency key.
const MAX_CLIENT_ID: usize = 200;
/// Spec 5.5 wording of a send to a channel the entity may not use (when auth is on).
const DENIED: &str = "Access denied: You don't have permission to send to this channel";

/// A validated send.
struct Send<'a> {
    channel_id: Uuid,
    server_id: Uuid,
    sender_id: Uuid,
    text: &'a str,
    metadata: Map<String, Value>,
    client_id: Option<&'a str>,
}

fn parse<'a>(core: &Core, socket: &Socket, p: &'a Value) -> Option<Send<'a>> {
    let uuid = |key: &str| p.get(key).and_then(Value::as_str).and_then(parse_uuid);
    let channel_id = uuid("channelId").or_else(|| uuid("roomId"))?;
    let server_id = uuid("messageServerId")?;
    let payload_sender = uuid("senderId")?;
    let text = p
        .get("message")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())?;
    // With auth on the handshake decides who speaks (design 5), not the payload.
    let sender_id = match (core.auth_on(), socket.entity_id()) {
        (true, Some(entity)) => entity,
        _ => payload_sender,
    };
    let metadata = p
        .get("metadata")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let client_id = p
        .get("messageId")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty() && id.len() <= MAX_CLIENT_ID);
    Some(Send {
        channel_id,
        server_id,
        sender_id,
        text,
        metadata,
        client_id,
    })
}

/// Handles a send; every failure is a `messageError` to the sender, never a disconnect.
pub(crate) async fn handle(core: &Core, socket: &Socket, payload: &Value) {
    let Some(send) = parse(core, socket, payload) else {
        let _ = socket.emit("messageError", &error(INVALID));
        return;
    };
    if let Err(message) = store_and_emit(core, socket, payload, send).await {
        let _ = socket.emit("messageError", &error(message));
    }
}

async fn store_and_emit(
    core: &Core,
    socket: &Socket,
    payload: &Value,
    send: Send<'_>,
) -> Result<(), String> {
    let channel = ensure_channel(core, payload, &send).await?;
    if core.auth_on() {
        let members = core
            .db
            .list_channel_participants(channel.id)
            .await
            .map_err(internal)?;
        if !members.contains(&send.sender_id) {
            return Err(DENIED.to_owned());
        }
    }
    // Step 1: a DM introduces the sender to the channel's agents first.
    if is_dm(&send.metadata) {
        let event = EntityJoined::new(send.sender_id, &channel, payload, Origin::DmMessage);
        entity::fire(core, &channel, &event).await;
    }
    let sender_name = payload
        .get("senderName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let mut metadata = send.metadata.clone();
    metadata.insert(
        "user_display_name".into(),
        json!(sender_name.unwrap_or("User")),
    );
    metadata.insert("socket_id".into(), json!(socket.id()));
    metadata.insert("messageServerId".into(), json!(send.server_id));
    if let Some(attachments) = payload.get("attachments").filter(|a| !a.is_null()) {
        metadata.insert("attachments".into(), attachments.clone());
    }
    let source = payload
        .get("source")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let source_id = send.client_id.map_or_else(
        || {
            format!(
                "socketio-{}-{}",
                Utc::now().timestamp_millis(),
                &Uuid::new_v4().simple().to_string()[..9]
            )
        },
        str::to_owned,
    );
    let new = NewMessage {
        raw_message: Some(payload.clone()),
        source_type: Some(source.unwrap_or("socketio_client").to_owned()),
        source_id: Some(source_id),
        metadata: Some(Value::Object(metadata)),
        client_message_id: send.client_id.map(str::to_owned),
        ..NewMessage::text(channel.id, send.sender_id, send.text)
    };
    let created = core.db.create_message(&new).await.map_err(|e| match e {
        StorageError::IdempotencyConflict => {
            "Error processing your message: messageId was already used for a different message"
                .to_owned()
        }
        other => internal(other),
    })?;
    let m = &created.message;
    let mut echo = message_broadcast(
        m,
        Some(channel.message_server_id),
        false,
        &core.media_root(),
    );
    if let (Some(id), Some(o)) = (send.client_id, echo.as_object_mut()) {
        o.insert("clientMessageId".into(), json!(id));
    }
    let _ = socket.emit("messageBroadcast", &echo);
    let _ = socket.emit(
        "messageAck",
        &json!({
            "clientMessageId": send.client_id,
            "messageId": m.id,
            "status": "received_by_server_and_processing",
            "channelId": channel.id,
            "roomId": channel.id,
            "seq": m.seq,
        }),
    );
    if !created.replayed {
        core.bus.publish(BusEvent::NewMessage {
            channel_id: channel.id,
            seq: m.seq,
            message_id: m.id,
            author_id: m.author_id,
        });
    }
    Ok(())
}

fn internal(e: StorageError) -> String {
    tracing::warn!(error = %e, "socket.io send failed");
    "Error processing your message: internal error".to_owned()
}

fn is_dm(metadata: &Map<String, Value>) -> bool {
    metadata.get("isDm").and_then(Value::as_bool) == Some(true)
        || ["channelType", "channel_type"]
            .iter()
            .any(|k| metadata.get(*k).and_then(Value::as_str) == Some(DM_CHANNEL_KIND))
}

/// The channel, created as spec 3.5 step 2 says if missing (`created_by` marks the socket
/// path). A concurrent creator winning the race is fine: its channel is used.
async fn ensure_channel(core: &Core, payload: &Value, send: &Send<'_>) -> Result<Channel, String> {
    match core.db.get_channel(send.channel_id).await {
        Ok(channel) => {
            core.remember_server(channel.id, channel.message_server_id);
            return Ok(channel);
        }
        Err(StorageError::NotFound(_)) => {}
        Err(e) => return Err(internal(e)),
    }
    match core.db.get_message_server(send.server_id).await {
        Ok(_) => {}
        Err(StorageError::NotFound(_)) => {
            return Err(format!("Server {} does not exist", send.server_id));
        }
        Err(e) => return Err(internal(e)),
    }
    let dm = is_dm(&send.metadata);
    let kind = if dm { DM_CHANNEL_KIND } else { "GROUP" };
    let short = &send.channel_id.to_string()[..8];
    let mut metadata = Map::new();
    metadata.insert("created_by".into(), json!("socketio_auto_creation"));
    metadata.insert("created_for_user".into(), json!(send.sender_id));
    metadata.insert("created_at".into(), json!(to_iso(Utc::now())));
    metadata.insert("channel_type".into(), json!(kind));
    metadata.extend(send.metadata.clone());
    let mut participants = vec![send.sender_id];
    if dm {
        let other = ["targetUserId", "recipientId"]
            .iter()
            .find_map(|k| {
                send.metadata
                    .get(*k)
                    .and_then(Value::as_str)
                    .and_then(parse_uuid)
            })
            .or_else(|| {
                payload
                    .get("targetUserId")
                    .and_then(Value::as_str)
                    .and_then(parse_uuid)
            });
        participants.extend(other.filter(|o| *o != send.sender_id));
    }
    let now = Utc::now();
    let channel = Channel {
        id: send.channel_id,
        message_server_id: send.server_id,
        name: if dm {
            format!("DM {short}")
        } else {
            format!("Chat {short}")
        },
        kind: kind.to_owned(),
        source_type: Some("auto_created".to_owned()),
        source_id: None,
        topic: None,
        metadata: Some(Value::Object(metadata)),
        last_seq: 0,
        created_at: now,
        updated_at: now,
    };
    match core.db.create_channel(&channel, &participants).await {
        Ok(created) => {
            core.remember_server(created.id, created.message_server_id);
            core.bus.publish(BusEvent::ChannelChanged {
                channel_id: created.id,
                deleted: false,
            });
            Ok(created)
        }
        Err(StorageError::Conflict(_)) => {
            core.db.get_channel(send.channel_id).await.map_err(internal)
        }
        Err(e) => Err(internal(e)),
    }
}
