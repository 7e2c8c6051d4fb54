//! Bus → sockets: one task per server turns bus events into emits to channel rooms.
//!
//! Messages leave in `seq` order per channel. The bus is only a signal: the message itself
//! is read from storage, a `seq` gap (out-of-order publishes, or a lag notice) is filled
//! by reading the range from storage, and a `seq` already relayed is skipped.

use std::sync::Arc;

use agentd_bus::{BusEvent, Received};
use agentd_core::model::{DeliveryState, Message};
use agentd_core::time::to_millis;
use agentd_socketio::{Frame, SocketIoServer};
use agentd_storage::{ChannelStore, MessagePage, MessageStore, StorageError};
use serde_json::{Value, json};
use uuid::Uuid;

use super::payload::{channel_json, message_broadcast};
use super::{Core, app};

/// Page size when filling a gap from storage.
const GAP_PAGE: i64 = 500;

struct Relay {
    core: Arc<Core>,
    io: SocketIoServer,
}

/// Runs until the bus closes.
pub(crate) async fn run(core: Arc<Core>, io: SocketIoServer) {
    let mut sub = core.bus.subscribe();
    let mut relay = Relay { core, io };
    loop {
        match sub.recv().await {
            Received::Event(event) => relay.on_event(event).await,
            Received::Lagged(missed) => {
                tracing::warn!(missed, "socket.io relay lagged; recovering from storage");
                relay.recover_all().await;
            }
            Received::Closed => break,
        }
    }
}

impl Relay {
    /// Whether no socket of this instance is in the channel's room.
    fn room_empty(&self, channel: Uuid) -> bool {
        self.io.to(channel).is_empty()
    }

    fn emit(&self, channel: Uuid, event: &str, data: &Value) {
        let _ = self.io.to(channel).emit(event, data);
    }

    async fn on_event(&mut self, event: BusEvent) {
        match event {
            // agentd's own event (the elizaOS clients ignore it): each change of a message's
            // delivery state; an `errored` one also reaches the room as `messageError`, as
            // elizaOS reports a failed turn.
            BusEvent::DeliveryChanged {
                channel_id,
                message_id,
                agent_id,
                state,
                reason,
            } => {
                let mut body = json!({"messageId": message_id, "agentId": agent_id,
                                      "state": state.as_str(), "channelId": channel_id,
                                      "roomId": channel_id});
                if let (Some(r), Some(o)) = (&reason, body.as_object_mut()) {
                    o.insert("reason".into(), json!(r));
                }
                self.emit(channel_id, "messageDelivery", &body);
                if state == DeliveryState::Errored {
                    let code = reason.unwrap_or_else(|| "MODEL_ERROR".to_owned());
                    self.emit(
                        channel_id,
                        "messageError",
                        &json!({"messageId": message_id, "channelId": channel_id,
                                "roomId": channel_id, "agentId": agent_id,
                                "error": code, "code": code}),
                    );
                }
            }
            BusEvent::NewMessage {
                channel_id,
                seq,
                message_id,
                ..
            } => {
                if let Err(e) = self.new_message(channel_id, seq, message_id).await {
                    tracing::warn!(channel.id = %channel_id, error = %e, "relay cannot read message");
                }
            }
            BusEvent::MessageUpdated {
                channel_id,
                message_id,
                ..
            } => self.message_updated(channel_id, message_id).await,
            BusEvent::MessageDeleted {
                channel_id,
                seq,
                message_id,
            } => self.emit(
                channel_id,
                "messageDeleted",
                &json!({"messageId": message_id, "channelId": channel_id, "roomId": channel_id,
                        "seq": seq}),
            ),
            BusEvent::ChannelCleared { channel_id } => self.emit(
                channel_id,
                "channelCleared",
                &json!({"channelId": channel_id, "roomId": channel_id}),
            ),
            BusEvent::ChannelChanged {
                channel_id,
                deleted: true,
            } => {
                self.core.forget_server(channel_id);
                self.core.relayed().remove(&channel_id);
                self.emit(
                    channel_id,
                    "channelDeleted",
                    &json!({"channelId": channel_id, "roomId": channel_id}),
                );
            }
            BusEvent::ChannelChanged {
                channel_id,
                deleted: false,
            } => {
                if self.room_empty(channel_id) {
                    return;
                }
                if let Ok(channel) = self.core.db.get_channel(channel_id).await {
                    self.emit(
                        channel_id,
                        "channelUpdated",
                        &json!({"channelId": channel_id, "roomId": channel_id, "updates": channel_json(&channel)}),
                    );
                }
            }
            BusEvent::MessageStreamChunk {
                channel_id,
                message_id,
                agent_id,
                index,
                chunk,
            } => self.emit(
                channel_id,
                "messageStreamChunk",
                &json!({"messageId": message_id, "chunk": chunk, "index": index,
                        "agentId": agent_id, "channelId": channel_id, "roomId": channel_id}),
            ),
            BusEvent::MessageStreamError {
                channel_id,
                message_id,
                agent_id,
                code,
            } => {
                // The failed turn itself reaches the room as `messageError` with the
                // delivery's `errored` state.
                let body = json!({"messageId": message_id, "channelId": channel_id,
                                  "roomId": channel_id, "agentId": agent_id,
                                  "error": code, "code": code});
                self.emit(channel_id, "messageStreamError", &body);
            }
            BusEvent::MessageComplete {
                channel_id,
                server_id,
            } => {
                self.emit(
                    channel_id,
                    "messageComplete",
                    &json!({"channelId": channel_id, "roomId": channel_id,
                            "serverId": server_id, "messageServerId": server_id}),
                );
                self.emit(
                    channel_id,
                    "controlMessage",
                    &json!({"action": "enable_input", "channelId": channel_id, "roomId": channel_id}),
                );
            }
            BusEvent::ServerAgentUpdate { .. } => {}
        }
    }

    async fn new_message(&mut self, channel: Uuid, seq: i64, id: Uuid) -> Result<(), StorageError> {
        let last = self.core.relayed().get(&channel).copied();
        if last.is_some_and(|l| seq <= l) {
            return Ok(());
        }
        if self.room_empty(channel) {
            // Nobody here listens: only keep the position of channels already tracked.
            if let Some(l) = self.core.relayed().get_mut(&channel) {
                *l = seq;
            }
            return Ok(());
        }
        match last {
            Some(l) if seq > l + 1 => self.catch_up(channel, l, Some(seq)).await,
            _ => {
                let m = self.core.db.get_message(id).await?;
                self.deliver(&m).await;
                Ok(())
            }
        }
    }

    /// An edited message goes to the whole room again as `messageBroadcast` with
    /// `updatedAt` (ms) and `rawMessage`; it does not move the seq cursor, as the
    /// message keeps its place in the channel.
    async fn message_updated(&self, channel: Uuid, id: Uuid) {
        if self.room_empty(channel) {
            return;
        }
        let m = match self.core.db.get_message(id).await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(channel.id = %channel, error = %e, "relay cannot read updated message");
                return;
            }
        };
        let is_agent = self.core.agents.is_running(m.author_id);
        let server_id = self.core.server_of(channel).await;
        let mut payload = message_broadcast(&m, server_id, is_agent, &self.core.media_root());
        if let Some(o) = payload.as_object_mut() {
            o.insert("updatedAt".into(), json!(to_millis(m.updated_at)));
            if let Some(raw) = &m.raw_message {
                o.insert("rawMessage".into(), raw.clone());
            }
        }
        self.emit(channel, "messageBroadcast", &payload);
    }

    /// Relays the stored messages after `after` (up to `until` when given), in order.
    async fn catch_up(
        &mut self,
        channel: Uuid,
        after: i64,
        until: Option<i64>,
    ) -> Result<(), StorageError> {
        let mut cursor = after;
        loop {
            let mut page = self
                .core
                .db
                .list_messages(&MessagePage {
                    after_seq: Some(cursor),
                    ..MessagePage::latest(channel, GAP_PAGE)
                })
                .await?;
            if page.is_empty() {
                return Ok(());
            }
            page.sort_by_key(|m| m.seq);
            for m in &page {
                self.deliver(m).await;
                cursor = m.seq;
                if until.is_some_and(|u| m.seq >= u) {
                    return Ok(());
                }
            }
        }
    }

    /// After a lag notice: every channel with sockets here is read forward from storage.
    async fn recover_all(&mut self) {
        let channels: Vec<(Uuid, i64)> =
            self.core.relayed().iter().map(|(c, l)| (*c, *l)).collect();
        for (channel, last) in channels {
            if self.room_empty(channel) {
                continue;
            }
            if let Err(e) = self.catch_up(channel, last, None).await {
                tracing::warn!(channel.id = %channel, error = %e, "relay recovery failed");
            }
        }
    }

    /// Sends one message to the room through each socket's cursor; the sender's own socket
    /// (named in the metadata by the socket path) already has it. The packet is encoded
    /// once for the whole room; each socket's queue shares it.
    async fn deliver(&mut self, m: &Message) {
        self.core.relayed().insert(m.channel_id, m.seq);
        let is_agent = self.core.agents.is_running(m.author_id);
        let server_id = self.core.server_of(m.channel_id).await;
        let payload = message_broadcast(m, server_id, is_agent, &self.core.media_root());
        let frame = match Frame::event("messageBroadcast", &payload) {
            Ok(frame) => frame,
            Err(e) => {
                tracing::warn!(message.id = %m.id, error = %e, "cannot encode broadcast");
                return;
            }
        };
        let sender_socket = m
            .metadata
            .as_ref()
            .and_then(|v| v.get("socket_id"))
            .and_then(Value::as_str);
        self.io.to(m.channel_id).for_each(|socket| {
            let is_sender = sender_socket == Some(socket.id());
            match app::state(socket) {
                Some(state) => state.deliver(
                    |f| super::join::emit_frame(socket, f),
                    m.channel_id,
                    m.seq,
                    &frame,
                    is_sender,
                ),
                None if !is_sender => super::join::emit_frame(socket, &frame),
                None => {}
            }
        });
        if !is_agent && self.agent_will_answer(m).await {
            self.emit(
                m.channel_id,
                "controlMessage",
                &json!({"action": "disable_input", "channelId": m.channel_id, "roomId": m.channel_id}),
            );
        }
    }

    /// Whether a running agent other than the author takes part in the channel, so the
    /// UI should wait for its `enable_input`.
    async fn agent_will_answer(&self, m: &Message) -> bool {
        if self.core.agents.running_count() == 0 {
            return false;
        }
        match self.core.db.list_channel_participants(m.channel_id).await {
            Ok(ids) => ids
                .iter()
                .any(|id| *id != m.author_id && self.core.agents.is_running(*id)),
            Err(_) => false,
        }
    }
}
