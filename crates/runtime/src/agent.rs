//! `AgentRuntime`: the task of one running agent, answering the channels it is in.
//!
//! Storage is the truth and the bus only a signal (design 4): on any `new_message` in a
//! channel the agent belongs to, the runtime reads every message after its cursor, in
//! `seq` order, handles each, and moves the cursor. The same loop catches up after a
//! restart or a lagged subscription, and the unique `(author, in_reply_to)` in storage
//! makes sure no message is answered twice.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use agentd_bus::{Bus, BusEvent, Received};
use agentd_core::agent_data::Entity;
use agentd_core::model::{Agent, Channel, Message};
use agentd_storage::prelude::*;
use agentd_storage::{Db, MessagePage, NewMessage, StorageError};
use chrono::Utc;
use serde_json::json;
use tokio::sync::watch;
use uuid::Uuid;

use crate::plugin::Plugin;
use crate::prompt::{AGENT_RESPONSE, agent_streak, history, should_respond, system_prompt};
use crate::provider::{GenerateRequest, ModelProvider};

/// Tuning of message handling; the defaults suit chat.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Messages of history given to the model.
    pub history_limit: i64,
    /// Consecutive agent messages after which agents stop answering each other until a
    /// human speaks (per channel: `metadata.maxAgentStreak`).
    pub max_agent_streak: usize,
    /// Messages read per catch-up page.
    pub batch: i64,
    /// Channels read at start to catch up.
    pub max_channels: i64,
    /// A channel the agent has never processed is answered only for messages this recent,
    /// so joining an old channel does not answer its whole history.
    pub first_visit_window: chrono::Duration,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            history_limit: 20,
            max_agent_streak: 3,
            batch: 100,
            max_channels: 1000,
            first_visit_window: chrono::Duration::minutes(10),
        }
    }
}

/// One running agent: its character, model provider and the handles it works with.
pub struct AgentRuntime {
    agent: Agent,
    db: Db,
    bus: Arc<dyn Bus>,
    provider: Arc<dyn ModelProvider>,
    config: RuntimeConfig,
    plugins: Vec<Arc<dyn Plugin>>,
    ensured_rooms: HashSet<Uuid>,
}

#[path = "agent_mirror.rs"]
mod mirror;

impl AgentRuntime {
    /// A runtime for `agent`; nothing runs until [`AgentRuntime::run`].
    pub fn new(
        agent: Agent,
        db: Db,
        bus: Arc<dyn Bus>,
        provider: Arc<dyn ModelProvider>,
        config: RuntimeConfig,
    ) -> Self {
        AgentRuntime {
            agent,
            db,
            bus,
            provider,
            config,
            plugins: Vec::new(),
            ensured_rooms: HashSet::new(),
        }
    }

    /// Adds the plugins whose context goes into every prompt.
    pub fn with_plugins(mut self, plugins: Vec<Arc<dyn Plugin>>) -> Self {
        self.plugins = plugins;
        self
    }

    /// Handles messages until `stop` turns true or the bus closes. Subscribes before
    /// catching up, so nothing published meanwhile is missed.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut sub = self.bus.subscribe();
        let self_entity = Entity {
            id: self.agent.id,
            agent_id: self.agent.id,
            names: vec![self.agent.name.clone()],
            metadata: json!({}),
            created_at: Utc::now(),
        };
        if let Err(e) = self.db.ensure_entity(&self_entity).await {
            tracing::warn!(agent.id = %self.agent.id, error = %e, "cannot record the agent entity");
        }
        self.catch_up_all().await;
        loop {
            tokio::select! {
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        break;
                    }
                }
                received = sub.recv() => match received {
                    Received::Event(BusEvent::NewMessage { channel_id, author_id, .. }) => {
                        if author_id != self.agent.id {
                            self.process_channel(channel_id).await;
                        }
                    }
                    Received::Event(BusEvent::MessageDeleted { message_id, .. }) => {
                        self.forget_message(message_id).await;
                    }
                    Received::Event(BusEvent::ChannelCleared { channel_id }) => {
                        self.forget_channel(channel_id).await;
                    }
                    Received::Event(_) => {}
                    Received::Lagged(_) => self.catch_up_all().await,
                    Received::Closed => break,
                },
            }
        }
    }

    async fn catch_up_all(&mut self) {
        match self
            .db
            .list_entity_channels(self.agent.id, self.config.max_channels)
            .await
        {
            Ok(channels) => {
                for c in channels {
                    self.process_channel(c).await;
                }
            }
            Err(e) => tracing::warn!(agent.id = %self.agent.id, error = %e, "catch-up failed"),
        }
    }

    /// Handles every message after the cursor in a channel the agent participates in.
    async fn process_channel(&mut self, channel_id: Uuid) {
        if let Err(e) = self.try_process_channel(channel_id).await {
            tracing::warn!(agent.id = %self.agent.id, channel.id = %channel_id, error = %e,
                "message handling failed");
        }
    }

    async fn try_process_channel(&mut self, channel_id: Uuid) -> Result<(), StorageError> {
        let participants = self.db.list_channel_participants(channel_id).await?;
        if !participants.contains(&self.agent.id) {
            return Ok(());
        }
        let channel = self.db.get_channel(channel_id).await?;
        let mut cursor = self.db.get_agent_cursor(self.agent.id, channel_id).await?;
        let first_visit = cursor == 0;
        loop {
            let page = MessagePage {
                after_seq: Some(cursor),
                ..MessagePage::latest(channel_id, self.config.batch)
            };
            let mut batch = self.db.list_messages(&page).await?;
            batch.reverse();
            let full = batch.len() as i64 >= self.config.batch;
            for m in batch {
                let recent = Utc::now() - m.created_at <= self.config.first_visit_window;
                if m.author_id != self.agent.id && (!first_visit || recent) {
                    self.handle_message(&channel, participants.len(), &m)
                        .await?;
                }
                self.db
                    .advance_agent_cursor(self.agent.id, channel_id, m.seq)
                    .await?;
                cursor = m.seq;
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn handle_message(
        &mut self,
        channel: &Channel,
        participants: usize,
        m: &Message,
    ) -> Result<(), StorageError> {
        let room_id = self.remember(channel, m).await;
        if !should_respond(&self.agent, channel, participants, m) {
            return Ok(());
        }
        let page = MessagePage {
            before_seq: Some(m.seq + 1),
            ..MessagePage::latest(channel.id, self.config.history_limit)
        };
        let recent = self.db.list_messages(&page).await?;
        let max_streak = channel
            .metadata
            .as_ref()
            .and_then(|v| v.get("maxAgentStreak"))
            .and_then(serde_json::Value::as_u64)
            .map_or(self.config.max_agent_streak, |n| n as usize);
        if agent_streak(&recent) >= max_streak {
            tracing::info!(agent.id = %self.agent.id, channel.id = %channel.id,
                "loop guard: not answering another agent");
            return Ok(());
        }
        let request = GenerateRequest {
            agent_id: self.agent.id,
            conversation_id: channel.id,
            system: self.system(),
            messages: history(&self.agent, &recent),
        };
        let reply_id = Uuid::new_v4();
        let run_id = Uuid::new_v4();
        self.log_run(room_id, run_id, m, json!({"status": "started"}))
            .await;
        let started = Instant::now();
        let (bus, channel_id, agent_id) = (self.bus.clone(), channel.id, self.agent.id);
        let index = std::sync::atomic::AtomicU32::new(0);
        let on_chunk = move |chunk: &str| {
            bus.publish(BusEvent::MessageStreamChunk {
                channel_id,
                message_id: reply_id,
                agent_id,
                index: index.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                chunk: chunk.to_owned(),
            });
        };
        let result = self.provider.generate_stream(&request, &on_chunk).await;
        let complete = BusEvent::MessageComplete {
            channel_id: channel.id,
            server_id: channel.message_server_id,
        };
        let text = match result {
            Ok(text) if !text.trim().is_empty() => text,
            Ok(_) => {
                self.log_run(room_id, run_id, m, json!({"status": "completed"}))
                    .await;
                self.bus.publish(complete);
                return Ok(());
            }
            Err(e) => {
                let end = json!({"status": "error", "error": e.code()});
                self.log_run(room_id, run_id, m, end).await;
                tracing::warn!(agent.id = %self.agent.id, channel.id = %channel.id,
                    error = %e, "model provider failed");
                self.bus.publish(BusEvent::MessageStreamError {
                    channel_id: channel.id,
                    message_id: reply_id,
                    agent_id: self.agent.id,
                    code: e.code().to_owned(),
                });
                self.bus.publish(complete);
                return Ok(());
            }
        };
        let is_dm = participants <= 2 || channel.kind == "DM";
        let mut exchange = crate::action::Exchange {
            agent_id: self.agent.id,
            channel_id: channel.id,
            message: m.content.clone(),
            reply: String::new(),
        };
        let actions = crate::action::applying_actions(&self.plugins, &exchange);
        exchange.reply = text.clone();
        let names: Vec<&str> = std::iter::once("REPLY")
            .chain(actions.iter().map(|a| a.name))
            .collect();
        let reply = NewMessage {
            id: reply_id,
            raw_message: Some(json!({"text": text, "thought": "", "actions": names})),
            in_reply_to_root_message_id: Some(m.id),
            source_type: Some(AGENT_RESPONSE.to_owned()),
            metadata: Some(json!({
                "agent_id": self.agent.id, "agentName": self.agent.name,
                "channelType": channel.kind, "isDm": is_dm,
            })),
            in_reply_to: Some(m.id),
            ..NewMessage::text(channel.id, self.agent.id, text.clone())
        };
        let created = self.db.create_message(&reply).await?;
        if !created.replayed {
            self.bus.publish(BusEvent::NewMessage {
                channel_id: channel.id,
                seq: created.message.seq,
                message_id: created.message.id,
                author_id: self.agent.id,
            });
            if let Some(room_id) = room_id {
                self.after_reply(room_id, run_id, &created.message, started)
                    .await;
            }
            crate::action::after_reply(&self.plugins, &actions, &exchange).await;
        }
        self.log_run(room_id, run_id, m, json!({"status": "completed"}))
            .await;
        self.bus.publish(complete);
        Ok(())
    }

    /// The character's system prompt followed by the plugins' context.
    fn system(&self) -> String {
        let mut system = system_prompt(&self.agent);
        for c in self.plugins.iter().filter_map(|p| p.context(&self.agent)) {
            system.push_str("\n\n");
            system.push_str(&c);
        }
        system
    }
}
