//! Answering one message: the pipeline of `crate::action`, every step of which comes from
//! the agent's plugins (the reply behaviour itself from `core`). The runtime only reads
//! the history, calls the model, streams its chunks and stores what an action sends.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use agentd_bus::BusEvent;
use agentd_core::model::{Channel, Message};
use agentd_messaging::{Destination, IgnoreReason, MessagingError, Outcome, Post};
use agentd_storage::prelude::*;
use agentd_storage::{MessagePage, NewMessage, StorageError};
use serde_json::{Value, json};
use uuid::Uuid;

use super::AgentRuntime;
use crate::action::{self, ActionInfo, Exchange, Turn};
use crate::choice::{Answer, LeadFilter, choose, parse_answer};
use crate::prompt::{AGENT_RESPONSE, history};
use crate::provider::{GenerateRequest, ProviderError};

/// The ids and clock of one run (answering one message).
struct Run {
    room_id: Option<Uuid>,
    run_id: Uuid,
    reply_id: Uuid,
    started: Instant,
    participants: Vec<Uuid>,
}

impl AgentRuntime {
    /// Mirrors `m`, then answers it if the gates say so (see `crate::action`), and records
    /// how the agent finished with it: `replied` with the reply, else `ignored` with the
    /// reason or `errored` with the provider's code.
    pub(super) async fn handle_message(
        &mut self,
        channel: &Channel,
        participants: &[Uuid],
        m: &Message,
    ) -> Result<(), StorageError> {
        let room_id = self.remember(channel, m).await;
        let page = MessagePage {
            before_seq: Some(m.seq + 1),
            ..MessagePage::latest(channel.id, self.config.history_limit)
        };
        let recent = self.db().list_messages(&page).await?;
        let max_agent_streak = channel
            .metadata
            .as_ref()
            .and_then(|v| v.get("maxAgentStreak"))
            .and_then(Value::as_u64)
            .map_or(self.config.max_agent_streak, |n| n as usize);
        let mut turn = Turn {
            agent: self.agent.clone(),
            channel: channel.clone(),
            participants: participants.len(),
            message: m.clone(),
            recent,
            max_agent_streak,
            actions: Vec::new(),
        };
        match action::decide(&self.plugins, &turn) {
            Ok(true) => {}
            Ok(false) => {
                self.settle(m, Outcome::Ignored(IgnoreReason::NotAddressed))
                    .await;
                return Ok(());
            }
            Err(gate) => {
                tracing::info!(agent.id = %self.agent.id, channel.id = %channel.id, gate,
                    "a gate refused to answer");
                let reason = if gate == crate::plugin::core::LOOP_GUARD {
                    IgnoreReason::LoopGuard
                } else {
                    IgnoreReason::Refused
                };
                self.settle(m, Outcome::Ignored(reason)).await;
                return Ok(());
            }
        }
        let valid = action::valid_actions(&self.plugins, &turn);
        turn.actions = valid
            .iter()
            .map(|a| ActionInfo {
                name: a.name,
                description: a.description,
            })
            .collect();
        let turn = Arc::new(turn);
        let request = GenerateRequest {
            agent_id: self.agent.id,
            conversation_id: channel.id,
            system: action::compose(&self.plugins, &turn).await,
            messages: history(&self.agent, &turn.recent),
        };
        let run = Run {
            room_id,
            run_id: Uuid::new_v4(),
            reply_id: Uuid::new_v4(),
            started: Instant::now(),
            participants: participants.to_vec(),
        };
        self.log_run(room_id, run.run_id, m, json!({"status": "started"}))
            .await;
        let selects = self.provider.selects_actions();
        let result = self
            .generate(&request, channel.id, run.reply_id, selects)
            .await;
        let complete = BusEvent::MessageComplete {
            channel_id: channel.id,
            server_id: channel.message_server_id,
        };
        let (raw, streamed) = result;
        let raw = match raw {
            Ok(text) => text,
            Err(e) => {
                let end = json!({"status": "error", "error": e.code()});
                self.log_run(room_id, run.run_id, m, end).await;
                tracing::warn!(agent.id = %self.agent.id, channel.id = %channel.id,
                    error = %e, "model provider failed");
                if streamed {
                    self.bus().publish(BusEvent::MessageStreamError {
                        channel_id: channel.id,
                        message_id: run.reply_id,
                        agent_id: self.agent.id,
                        code: e.code().to_owned(),
                    });
                }
                self.settle(m, Outcome::Errored(e.code().to_owned())).await;
                self.bus().publish(complete);
                return Ok(());
            }
        };
        let answer = if selects {
            parse_answer(&raw)
        } else {
            Answer::plain(raw)
        };
        let chosen = choose(&valid, &answer, selects);
        let mut ex = Exchange {
            turn,
            text: answer.text,
            actions: chosen.iter().map(|a| a.name).collect(),
            reply: None,
        };
        let mut replayed = false;
        for a in &chosen {
            let outcome = (a.handler)(ex.clone()).await;
            let Some(text) = outcome.reply.filter(|t| !t.trim().is_empty()) else {
                continue;
            };
            if ex.reply.is_some() {
                tracing::warn!(agent.id = %self.agent.id, action = a.name,
                    "one reply per message: a second reply text was dropped");
                continue;
            }
            match self
                .store_reply(&run, &ex, text, answer.thought.as_deref())
                .await?
            {
                Some(reply) => ex.reply = Some(reply),
                // Answered before (a restart mid-run): nothing runs twice.
                None => {
                    replayed = true;
                    break;
                }
            }
        }
        if ex.reply.is_none() && !replayed {
            self.settle(m, Outcome::Ignored(IgnoreReason::IgnoreAction))
                .await;
        }
        if !replayed {
            action::evaluate(&self.plugins, &ex).await;
        }
        self.log_run(room_id, run.run_id, m, json!({"status": "completed"}))
            .await;
        self.bus().publish(complete);
        Ok(())
    }

    /// Records how the agent finished with `m` (a failure is logged: the turn itself is
    /// over either way).
    async fn settle(&self, m: &Message, outcome: Outcome) {
        if let Err(e) = self
            .messaging
            .settle(m.channel_id, m.id, self.agent.id, outcome)
            .await
        {
            tracing::warn!(agent.id = %self.agent.id, message.id = %m.id, error = %e,
                "delivery state not recorded");
        }
    }

    /// Calls the model, publishing its chunks as `MessageStreamChunk` (a leading action
    /// block held back when the model chooses actions); returns the whole answer, and
    /// whether any chunk reached the stream.
    async fn generate(
        &self,
        request: &GenerateRequest,
        channel_id: Uuid,
        reply_id: Uuid,
        selects: bool,
    ) -> (Result<String, ProviderError>, bool) {
        let index = AtomicU32::new(0);
        let filter = std::sync::Mutex::new(selects.then(LeadFilter::new));
        let emit = |chunk: String| {
            self.bus().publish(BusEvent::MessageStreamChunk {
                channel_id,
                message_id: reply_id,
                agent_id: self.agent.id,
                index: index.fetch_add(1, Ordering::Relaxed),
                chunk,
            });
        };
        let on_chunk = |chunk: &str| {
            let shown = match filter.lock().as_deref_mut() {
                Ok(Some(f)) => f.push(chunk),
                _ => Some(chunk.to_owned()),
            };
            if let Some(c) = shown {
                emit(c);
            }
        };
        let result = self.provider.generate_stream(request, &on_chunk).await;
        if result.is_ok()
            && let Ok(Some(f)) = filter.lock().as_deref_mut()
            && let Some(rest) = f.finish()
        {
            emit(rest);
        }
        (result, index.load(Ordering::Relaxed) > 0)
    }

    /// Stores `text` as the reply to the turn's message through the same operation as
    /// any message; `None` when the message was answered before (storage's unique
    /// `(author, in_reply_to)`).
    async fn store_reply(
        &self,
        run: &Run,
        ex: &Exchange,
        text: String,
        thought: Option<&str>,
    ) -> Result<Option<Message>, StorageError> {
        let (channel, m) = (&ex.turn.channel, &ex.turn.message);
        let is_dm = ex.turn.participants <= 2 || channel.kind == "DM";
        let reply = NewMessage {
            id: run.reply_id,
            raw_message: Some(json!({
                "text": text, "thought": thought.unwrap_or(""), "actions": ex.actions,
            })),
            in_reply_to_root_message_id: Some(m.id),
            source_type: Some(AGENT_RESPONSE.to_owned()),
            metadata: Some(json!({
                "agent_id": self.agent.id, "agentName": self.agent.name,
                "channelType": channel.kind, "isDm": is_dm,
            })),
            in_reply_to: Some(m.id),
            ..NewMessage::text(channel.id, self.agent.id, text)
        };
        let post = Post {
            destination: Destination::Known {
                channel: channel.clone(),
                participants: run.participants.clone(),
            },
            ..Post::new(reply)
        };
        let created = match self.messaging.post(post).await {
            Ok(p) => p,
            Err(MessagingError::Storage(e)) => return Err(e),
            Err(e) => {
                tracing::warn!(agent.id = %self.agent.id, message.id = %m.id, error = %e,
                    "reply not stored");
                return Ok(None);
            }
        };
        if created.replayed {
            return Ok(None);
        }
        if let Some(room_id) = run.room_id {
            self.after_reply(room_id, run.run_id, &created.message, run.started)
                .await;
        }
        Ok(Some(created.message))
    }
}
