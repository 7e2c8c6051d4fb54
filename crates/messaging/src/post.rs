//! Posting a message: the one path every entry point takes.

use agentd_bus::BusEvent;
use agentd_core::model::{Channel, DeliveryState, Message};
use agentd_storage::prelude::*;
use agentd_storage::{NewMessage, Record, StorageError};
use uuid::Uuid;

use crate::channels::NewChannel;
use crate::{Messaging, MessagingError};

/// Where a post goes.
#[derive(Debug, Clone)]
pub enum Destination {
    /// The channel `message.channel_id`, which must exist.
    Existing,
    /// The channel `message.channel_id`, created as described when it does not exist (a
    /// client posting to a channel it has only named). A concurrent creator winning the
    /// race is fine: its channel is used, as if this post had come second.
    CreateIfMissing(NewChannel),
    /// A channel the caller has just read, with its participants (the agent runtime
    /// answering in it), so nothing is read again.
    Known {
        /// The channel.
        channel: Channel,
        /// Its participants.
        participants: Vec<Uuid>,
    },
}

/// A message to post and the rules it is posted by.
#[derive(Debug, Clone)]
pub struct Post {
    /// The message; `channel_id` names the channel, `dispatch_to` is filled here.
    pub message: NewMessage,
    /// Where it goes.
    pub destination: Destination,
    /// Refuse the post, before anything is stored, when the channel has nobody but its
    /// author and no [`Post::target_hint`] (a client waiting for an answer).
    pub needs_recipient: bool,
    /// The agent the client names as the one to answer (`metadata.targetAgentId`), used
    /// when the channel names nobody else.
    pub target_hint: Option<Uuid>,
}

impl Post {
    /// A post to an existing channel with no further rule.
    pub fn new(message: NewMessage) -> Self {
        Post {
            message,
            destination: Destination::Existing,
            needs_recipient: false,
            target_hint: None,
        }
    }
}

/// What [`Messaging::post`] did.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The channel the message is in.
    pub channel: Channel,
    /// The stored message (on a replay, the one stored the first time).
    pub message: Message,
    /// Whether it was a replay (nothing written, nothing published).
    pub replayed: bool,
    /// The channel's participants.
    pub participants: Vec<Uuid>,
    /// The running agents the message was dispatched to (its author excluded).
    pub dispatched: Vec<Uuid>,
    /// Who is expected to answer: the first participant other than the author, else the
    /// target hint.
    pub target: Option<Uuid>,
}

impl Messaging {
    /// Posts a message: finds (or creates) its channel, checks the post's rules, stores it
    /// with its channel `seq` and its `dispatched` deliveries to the running participants
    /// in one transaction (idempotent on the author's key; an agent's second reply to one
    /// message is a replay), then, unless it was a replay, publishes the delivery changes,
    /// `new_message`, and for a reply the answered message's `replied`.
    pub async fn post(&self, post: Post) -> Result<Posted, MessagingError> {
        let Post {
            mut message,
            destination,
            needs_recipient,
            target_hint,
        } = post;
        let author = message.author_id;
        let (channel, participants) = match destination {
            Destination::Known {
                channel,
                participants,
            } => (channel, participants),
            Destination::Existing => self.channel_with_participants(message.channel_id).await?,
            Destination::CreateIfMissing(new) => {
                match self.channel_with_participants(message.channel_id).await {
                    Ok(found) => found,
                    Err(MessagingError::ChannelNotFound) => {
                        let others = new.participants.iter().any(|p| *p != author);
                        if needs_recipient && !others && target_hint.is_none() {
                            return Err(MessagingError::NoRecipient);
                        }
                        self.ensure_channel(new).await?
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        let target = participants
            .iter()
            .copied()
            .find(|p| *p != author)
            .or(target_hint);
        if needs_recipient && target.is_none() {
            return Err(MessagingError::NoRecipient);
        }
        let dispatched: Vec<Uuid> = participants
            .iter()
            .copied()
            .filter(|p| *p != author && self.agents.is_running(*p))
            .collect();
        message.channel_id = channel.id;
        message.dispatch_to = dispatched.clone();
        let created = self
            .db
            .create_message(&message)
            .await
            .map_err(|e| match e {
                StorageError::Duplicate(Record::Message) => MessagingError::DuplicateMessageId,
                StorageError::MissingReference(Record::Message) => {
                    MessagingError::ReplyTargetMissing
                }
                other => other.into(),
            })?;
        if !created.replayed {
            self.announce(&created.message, &dispatched);
        }
        Ok(Posted {
            channel,
            message: created.message,
            replayed: created.replayed,
            participants,
            dispatched,
            target,
        })
    }

    /// The bus events that follow a stored message.
    fn announce(&self, m: &Message, dispatched: &[Uuid]) {
        for agent in dispatched {
            self.bus.publish(BusEvent::DeliveryChanged {
                channel_id: m.channel_id,
                message_id: m.id,
                agent_id: *agent,
                state: DeliveryState::Dispatched,
                reason: None,
            });
        }
        self.bus.publish(BusEvent::NewMessage {
            channel_id: m.channel_id,
            seq: m.seq,
            message_id: m.id,
            author_id: m.author_id,
        });
        if let Some(answered) = m.in_reply_to {
            self.bus.publish(BusEvent::DeliveryChanged {
                channel_id: m.channel_id,
                message_id: answered,
                agent_id: m.author_id,
                state: DeliveryState::Replied,
                reason: None,
            });
        }
    }

    /// A channel and its participants; `ChannelNotFound` if it does not exist.
    pub async fn channel_with_participants(
        &self,
        id: Uuid,
    ) -> Result<(Channel, Vec<Uuid>), MessagingError> {
        let channel = self.db.get_channel(id).await?;
        let participants = self.db.list_channel_participants(id).await?;
        Ok((channel, participants))
    }
}
