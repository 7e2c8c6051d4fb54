//! SEND_MESSAGE (message type 2): validate, auto-create the channel, store once
//! (idempotent on the client's `messageId`), echo and ack to the sender, publish on the bus.
//! The other sockets of the room get the message from the relay, like every message.

use agentd_core::ids::parse_uuid;
use agentd_core::model::Channel;
use agentd_messaging::{Destination, MessagingError, NewChannel, Post};
use agentd_socketio::Socket;
use agentd_storage::{DM_CHANNEL_KIND, NewMessage};
use chrono::Utc;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::Core;
use super::entity::{self, EntityJoined, Origin};
use super::payload::{error, message_broadcast};

/// The elizaOS 1.7 wording of an invalid send (verified).
const INVALID: &str = "For SEND_MESSAGE: channelId, messageServerId (message_server_id), senderId (author_id), and message are required.";
/// Longest client `messageId` kept as an idempotency key.
const MAX_CLIENT_ID: usize = 200;
/// The elizaOS 1.7 wording of a send to a channel the entity may not use (when auth is on).
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
    // With auth on the handshake decides who speaks, not the payload.
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
    let (channel, participants) = ensure_channel(core, payload, &send).await?;
    core.remember_server(channel.id, channel.message_server_id);
    if core.auth_on() && !participants.contains(&send.sender_id) {
        return Err(DENIED.to_owned());
    }
    // As in elizaOS, a DM introduces the sender to the channel's agents first.
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
    let server_id = channel.message_server_id;
    let post = Post {
        destination: Destination::Known {
            channel,
            participants,
        },
        ..Post::new(new)
    };
    let posted = core.messaging.post(post).await.map_err(|e| match e {
        MessagingError::IdempotencyConflict => {
            "Error processing your message: messageId was already used for a different message"
                .to_owned()
        }
        other => internal(other),
    })?;
    let m = &posted.message;
    let mut echo = message_broadcast(m, Some(server_id), false, &core.media_root());
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
            "channelId": m.channel_id,
            "roomId": m.channel_id,
            "seq": m.seq,
        }),
    );
    Ok(())
}

fn internal(e: impl std::fmt::Display) -> String {
    tracing::warn!(error = %e, "socket.io send failed");
    "Error processing your message: internal error".to_owned()
}

fn is_dm(metadata: &Map<String, Value>) -> bool {
    metadata.get("isDm").and_then(Value::as_bool) == Some(true)
        || ["channelType", "channel_type"]
            .iter()
            .any(|k| metadata.get(*k).and_then(Value::as_str) == Some(DM_CHANNEL_KIND))
}

/// The channel with its participants, created if missing as a client's post creates it
/// (`created_by` marks the socket path; a DM's other party joins it).
async fn ensure_channel(
    core: &Core,
    payload: &Value,
    send: &Send<'_>,
) -> Result<(Channel, Vec<Uuid>), String> {
    match core
        .messaging
        .channel_with_participants(send.channel_id)
        .await
    {
        Ok(found) => return Ok(found),
        Err(MessagingError::ChannelNotFound) => {}
        Err(e) => return Err(internal(e)),
    }
    let dm = is_dm(&send.metadata);
    let mut new = NewChannel::auto(
        send.channel_id,
        send.server_id,
        send.sender_id,
        dm,
        Some(&send.metadata),
        "socketio_auto_creation",
    );
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
        new.participants
            .extend(other.filter(|o| *o != send.sender_id));
    }
    core.messaging
        .ensure_channel(new)
        .await
        .map_err(|e| match e {
            e @ MessagingError::ServerNotFound(_) => e.to_string(),
            other => internal(other),
        })
}
