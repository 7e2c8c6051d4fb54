//! Channels and their participants: creation (announced), the one-transaction update,
//! deletion, and the DM channel of two entities, found or created.

use agentd_bus::BusEvent;
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::Channel;
use agentd_core::time::to_iso;
use agentd_storage::prelude::*;
use agentd_storage::{DM_CHANNEL_KIND, Record, StorageError};
use chrono::Utc;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::{Messaging, MessagingError};

/// A channel to create, with its first participants.
#[derive(Debug, Clone)]
pub struct NewChannel {
    /// The channel (`last_seq` is ignored: a new channel starts at 0).
    pub channel: Channel,
    /// Its participants (duplicates are ignored).
    pub participants: Vec<Uuid>,
}

impl NewChannel {
    /// The channel created for a client posting to a channel id that does not exist yet:
    /// named `DM <id8>` or `Chat <id8>`, typed DM or GROUP, marked `auto_created`, its
    /// metadata saying who created it through which path (`created_by`) merged with the
    /// client's; `author` is its first participant.
    pub fn auto(
        id: Uuid,
        server: Uuid,
        author: Uuid,
        dm: bool,
        client_metadata: Option<&Map<String, Value>>,
        created_by: &str,
    ) -> Self {
        let kind = if dm { DM_CHANNEL_KIND } else { "GROUP" };
        let short: String = id.to_string().chars().take(8).collect();
        let now = Utc::now();
        let mut md = Map::new();
        md.insert("created_by".into(), json!(created_by));
        md.insert("created_for_user".into(), json!(author.to_string()));
        md.insert("created_at".into(), json!(to_iso(now)));
        md.insert("channel_type".into(), json!(kind));
        if let Some(extra) = client_metadata {
            md.extend(extra.clone());
        }
        let name = if dm {
            format!("DM {short}")
        } else {
            format!("Chat {short}")
        };
        let mut channel = Channel::new(id, server, name, kind, now);
        channel.source_type = Some("auto_created".to_owned());
        channel.metadata = Some(Value::Object(md));
        NewChannel {
            channel,
            participants: vec![author],
        }
    }
}

/// What [`Messaging::update_channel`] changes; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct ChannelUpdate {
    /// A new name.
    pub name: Option<String>,
    /// New metadata: `Some(None)` clears it.
    pub metadata: Option<Option<Value>>,
    /// The participants, replacing the current ones.
    pub participants: Option<Vec<Uuid>>,
}

impl Messaging {
    /// Creates a channel with its participants and announces it. `ServerNotFound` if its
    /// message server does not exist; a taken id is a storage `Duplicate(Channel)`.
    pub async fn create_channel(&self, new: NewChannel) -> Result<Channel, MessagingError> {
        let server = new.channel.message_server_id;
        let mut participants = new.participants;
        participants.sort();
        participants.dedup();
        let stored = self
            .db
            .create_channel(&new.channel, &participants)
            .await
            .map_err(|e| match e {
                StorageError::MissingReference(_) => MessagingError::ServerNotFound(server),
                other => MessagingError::Storage(other),
            })?;
        self.bus.publish(BusEvent::ChannelChanged {
            channel_id: stored.id,
            deleted: false,
        });
        Ok(stored)
    }

    /// The channel `new` describes: created, or, when a concurrent creator stored it first,
    /// that one as it is (as if this caller had come second). Returns it with its
    /// participants.
    pub async fn ensure_channel(
        &self,
        new: NewChannel,
    ) -> Result<(Channel, Vec<Uuid>), MessagingError> {
        let id = new.channel.id;
        // The participants just stored, in the order given (the first one after the author
        // is who is expected to answer).
        let mut participants = Vec::with_capacity(new.participants.len());
        for p in &new.participants {
            if !participants.contains(p) {
                participants.push(*p);
            }
        }
        match self.create_channel(new).await {
            Ok(c) => Ok((c, participants)),
            Err(MessagingError::Storage(StorageError::Duplicate(Record::Channel))) => {
                self.channel_with_participants(id).await
            }
            Err(e) => Err(e),
        }
    }

    /// Changes a channel's name, metadata and participants in one transaction and
    /// announces it.
    pub async fn update_channel(
        &self,
        id: Uuid,
        update: ChannelUpdate,
    ) -> Result<Channel, MessagingError> {
        let mut channel = self.db.get_channel(id).await?;
        if let Some(name) = update.name {
            channel.name = name;
        }
        if let Some(metadata) = update.metadata {
            channel.metadata = metadata;
        }
        let updated = self
            .db
            .update_channel(&channel, update.participants.as_deref())
            .await?;
        self.bus.publish(BusEvent::ChannelChanged {
            channel_id: id,
            deleted: false,
        });
        Ok(updated)
    }

    /// Deletes a channel with its messages and participants; announces the clearing and
    /// the deletion.
    pub async fn delete_channel(&self, id: Uuid) -> Result<(), MessagingError> {
        self.db.delete_channel(id).await?;
        self.bus
            .publish(BusEvent::ChannelCleared { channel_id: id });
        self.bus.publish(BusEvent::ChannelChanged {
            channel_id: id,
            deleted: true,
        });
        Ok(())
    }

    /// Adds a participant (already one is not an error).
    pub async fn add_participant(&self, channel: Uuid, entity: Uuid) -> Result<(), MessagingError> {
        self.db.add_channel_participants(channel, &[entity]).await?;
        Ok(())
    }

    /// Removes an agent from a channel's participants; `NotParticipantAgent` if it was not
    /// one.
    pub async fn remove_participant(
        &self,
        channel: Uuid,
        agent: Uuid,
    ) -> Result<(), MessagingError> {
        self.db.get_channel(channel).await?;
        let n = self
            .db
            .remove_channel_participants(channel, &[agent])
            .await?;
        if n == 0 {
            return Err(MessagingError::NotParticipantAgent);
        }
        Ok(())
    }

    /// The DM channel of two entities on a message server, created on first use. An
    /// unknown server means the default one (as elizaOS does); any other storage failure
    /// is an error, never a silent fallback.
    pub async fn dm_channel(
        &self,
        me: Uuid,
        other: Uuid,
        server: Option<Uuid>,
    ) -> Result<Channel, MessagingError> {
        let server = match server {
            None | Some(DEFAULT_SERVER_ID) => DEFAULT_SERVER_ID,
            Some(s) => match self.db.get_message_server(s).await {
                Ok(_) => s,
                Err(StorageError::NotFound(_)) => DEFAULT_SERVER_ID,
                Err(e) => return Err(e.into()),
            },
        };
        if let Some(c) = self.db.find_dm_channel(server, me, other).await? {
            return Ok(c);
        }
        let (a, b) = if me.to_string() < other.to_string() {
            (me, other)
        } else {
            (other, me)
        };
        let name = format!("DM-{a}-{b}");
        let mut channel = Channel::new(Uuid::new_v4(), server, name, DM_CHANNEL_KIND, Utc::now());
        channel.metadata = Some(json!({"user1": a.to_string(), "user2": b.to_string()}));
        self.create_channel(NewChannel {
            channel,
            participants: vec![a, b],
        })
        .await
    }
}
