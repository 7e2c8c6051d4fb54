//! `AgentRuntime`: the task of one running agent, answering the channels it is in.
//!
//! Storage is the truth and the bus only a signal: on any `new_message` in a channel the agent
//! belongs to, the runtime reads every message after its cursor, in `seq` order, handles each,
//! and moves the cursor. The same loop catches up after a restart or a lagged subscription, and
//! the unique `(author, in_reply_to)` in storage makes sure no message is answered twice.
//! Answering one message is in `agent_turn.rs`.

use std::collections::HashSet;
use std::sync::Arc;

use agentd_bus::{Bus, BusEvent, Received};
use agentd_core::agent_data::Entity;
use agentd_core::model::Agent;
use agentd_messaging::Messaging;
use agentd_storage::prelude::*;
use agentd_storage::{Db, MessagePage, StorageError};
use chrono::Utc;
use serde_json::json;
use tokio::sync::watch;
use uuid::Uuid;

use crate::plugin::Plugin;
use crate::provider::ModelProvider;

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
    agent: Arc<Agent>,
    messaging: Messaging,
    provider: Arc<dyn ModelProvider>,
    config: RuntimeConfig,
    plugins: Vec<Arc<dyn Plugin>>,
    ensured_rooms: HashSet<Uuid>,
}

pub(crate) mod mirror;
mod turn;

pub use mirror::ensure_channel_room;

impl AgentRuntime {
    /// A runtime for `agent` with the [`core`](crate::plugin::core) plugin only; nothing
    /// runs until [`AgentRuntime::run`].
    pub fn new(
        agent: Agent,
        messaging: Messaging,
        provider: Arc<dyn ModelProvider>,
        config: RuntimeConfig,
    ) -> Self {
        AgentRuntime {
            agent: Arc::new(agent),
            messaging,
            provider,
            config,
            plugins: vec![Arc::new(crate::plugin::core::CorePlugin)],
            ensured_rooms: HashSet::new(),
        }
    }

    /// The database, through the messaging service.
    fn db(&self) -> &Db {
        self.messaging.db()
    }

    /// The bus, through the messaging service.
    fn bus(&self) -> &Arc<dyn Bus> {
        self.messaging.bus()
    }

    /// Replaces the plugins (as `PluginRegistry::resolve` gives them: `core` first; without
    /// `core` the agent listens but never answers).
    pub fn with_plugins(mut self, plugins: Vec<Arc<dyn Plugin>>) -> Self {
        self.plugins = plugins;
        self
    }

    /// Handles messages until `stop` turns true or the bus closes. Subscribes before
    /// catching up, so nothing published meanwhile is missed.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut sub = self.bus().subscribe();
        let self_entity = Entity {
            id: self.agent.id,
            agent_id: self.agent.id,
            names: vec![self.agent.name.clone()],
            metadata: json!({}),
            created_at: Utc::now(),
        };
        if let Err(e) = self.db().ensure_entity(&self_entity).await {
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
            .db()
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
        let participants = self.db().list_channel_participants(channel_id).await?;
        if !participants.contains(&self.agent.id) {
            return Ok(());
        }
        let channel = self.db().get_channel(channel_id).await?;
        let mut cursor = self
            .db()
            .get_agent_cursor(self.agent.id, channel_id)
            .await?;
        let first_visit = cursor == 0;
        loop {
            let page = MessagePage {
                after_seq: Some(cursor),
                ..MessagePage::latest(channel_id, self.config.batch)
            };
            let mut batch = self.db().list_messages(&page).await?;
            batch.reverse();
            let full = batch.len() as i64 >= self.config.batch;
            for m in batch {
                let recent = Utc::now() - m.created_at <= self.config.first_visit_window;
                if m.author_id != self.agent.id && (!first_visit || recent) {
                    self.handle_message(&channel, &participants, &m).await?;
                }
                self.db()
                    .advance_agent_cursor(self.agent.id, channel_id, m.seq)
                    .await?;
                cursor = m.seq;
            }
            if !full {
                return Ok(());
            }
        }
    }
}
