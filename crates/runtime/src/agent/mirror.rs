//! The agent's own copy of a conversation: world, room, entity, memories and model-call
//! logs, written best effort: a failure here never stops a reply.

use agentd_core::agent_data::{Entity, LogEntry, Memory};
use agentd_core::create_unique_uuid;
use agentd_core::model::{Channel, Message};
use agentd_storage::StorageError;
use agentd_storage::prelude::*;
use chrono::Utc;
use serde_json::json;
use std::time::Instant;
use uuid::Uuid;

use super::AgentRuntime;

pub use agentd_messaging::rooms::{channel_room_ids, ensure_channel_room};

impl AgentRuntime {
    /// Mirrors a message into the agent's world, room and memories (best effort: a
    /// failure is logged and does not stop the reply). Returns the room id.
    pub(super) async fn remember(&mut self, channel: &Channel, m: &Message) -> Option<Uuid> {
        match self.try_remember(channel, m).await {
            Ok(room) => Some(room),
            Err(e) => {
                tracing::warn!(agent.id = %self.agent.id, error = %e, "cannot record memory");
                None
            }
        }
    }

    async fn try_remember(&mut self, channel: &Channel, m: &Message) -> Result<Uuid, StorageError> {
        let agent_id = self.agent.id;
        let (world_id, room_id) = channel_room_ids(agent_id, channel);
        if !self.ensured_rooms.contains(&room_id) {
            ensure_channel_room(self.db(), agent_id, channel, "central-bus").await?;
            self.ensured_rooms.insert(room_id);
        }
        self.store_memory(room_id, world_id, m).await?;
        Ok(room_id)
    }

    async fn store_memory(
        &self,
        room_id: Uuid,
        world_id: Uuid,
        m: &Message,
    ) -> Result<(), StorageError> {
        let agent_id = self.agent.id;
        let entity = self
            .db()
            .ensure_entity(&Entity {
                id: m.author_id,
                agent_id,
                names: vec![format!("User-{}", &m.author_id.to_string()[..8])],
                metadata: json!({}),
                created_at: Utc::now(),
            })
            .await?;
        let source = m
            .source_type
            .clone()
            .unwrap_or_else(|| "central-bus".into());
        let mut content = json!({"text": m.content, "source": source});
        if let Some(r) = m.in_reply_to.or(m.in_reply_to_root_message_id) {
            content["inReplyTo"] = create_unique_uuid(agent_id, &r.to_string())
                .to_string()
                .into();
        }
        let memory = Memory {
            id: create_unique_uuid(agent_id, &format!("{}-{agent_id}", m.id)),
            kind: "messages".into(),
            created_at: m.created_at,
            content,
            entity_id: (entity.agent_id == agent_id).then_some(m.author_id),
            agent_id,
            room_id: Some(room_id),
            world_id: Some(world_id),
            unique: true,
            metadata: json!({"type": "message", "source": source, "sourceId": m.id,
                "entityId": m.author_id}),
        };
        self.db().create_memory(&memory).await?;
        Ok(())
    }

    /// Records the reply as a memory and the model call as a log entry (best effort).
    pub(super) async fn after_reply(
        &self,
        room_id: Uuid,
        run_id: Uuid,
        reply: &Message,
        started: Instant,
    ) {
        let world_id = self
            .db()
            .get_room(room_id)
            .await
            .ok()
            .and_then(|r| r.world_id)
            .unwrap_or(room_id);
        if let Err(e) = self.store_memory(room_id, world_id, reply).await {
            tracing::warn!(agent.id = %self.agent.id, error = %e, "cannot record the reply");
        }
        let log = LogEntry {
            id: Uuid::new_v4(),
            entity_id: self.agent.id,
            room_id,
            body: json!({
                "modelType": "TEXT_LARGE", "provider": self.provider.name(), "runId": run_id,
                "messageId": reply.id, "durationMs": started.elapsed().as_millis() as u64,
            }),
            kind: "useModel".into(),
            created_at: Utc::now(),
        };
        if let Err(e) = self.db().create_log(&log).await {
            tracing::warn!(agent.id = %self.agent.id, error = %e, "cannot record the model call");
        }
    }

    /// Records a step of a run (answering one message) as a `run_event` log, which the
    /// `/runs` routes summarise. `fields` holds `status` and, on failure, `error`.
    pub(super) async fn log_run(
        &self,
        room_id: Option<Uuid>,
        run_id: Uuid,
        m: &Message,
        fields: serde_json::Value,
    ) {
        let Some(room_id) = room_id else { return };
        let mut body = json!({"runId": run_id, "messageId": m.id, "roomId": room_id,
            "entityId": m.author_id, "source": "central-bus"});
        if let (Some(b), Some(f)) = (body.as_object_mut(), fields.as_object()) {
            b.extend(f.clone());
        }
        let log = LogEntry {
            id: Uuid::new_v4(),
            entity_id: self.agent.id,
            room_id,
            body,
            kind: "run_event".into(),
            created_at: Utc::now(),
        };
        if let Err(e) = self.db().create_log(&log).await {
            tracing::warn!(agent.id = %self.agent.id, error = %e, "cannot record a run event");
        }
    }

    /// Forgets a deleted message (the id is derived as when it was stored, which elizaOS
    /// gets wrong). Not finding it is fine: the agent may never have seen it.
    pub(super) async fn forget_message(&self, message_id: Uuid) {
        let agent_id = self.agent.id;
        let id = create_unique_uuid(agent_id, &format!("{message_id}-{agent_id}"));
        match self.db().delete_memory(agent_id, id).await {
            Ok(()) | Err(StorageError::NotFound(_)) => {}
            Err(e) => tracing::warn!(agent.id = %agent_id, error = %e, "cannot forget a message"),
        }
    }

    /// Forgets every message of a cleared channel.
    pub(super) async fn forget_channel(&self, channel_id: Uuid) {
        let agent_id = self.agent.id;
        let room = create_unique_uuid(agent_id, &channel_id.to_string());
        if let Err(e) = self
            .db()
            .delete_room_memories(agent_id, room, &["messages"])
            .await
        {
            tracing::warn!(agent.id = %agent_id, error = %e, "cannot forget a channel");
        }
    }
}
