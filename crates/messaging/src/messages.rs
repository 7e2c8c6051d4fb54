//! Editing, deleting and clearing messages, each announced after its commit.

use agentd_bus::BusEvent;
use agentd_core::model::Message;
use agentd_storage::prelude::*;
use agentd_storage::{MessageUpdate, Record, StorageError};
use uuid::Uuid;

use crate::{Messaging, MessagingError};

impl Messaging {
    /// Changes the given fields of a message; sockets get it again (`message_updated`).
    pub async fn edit_message(
        &self,
        id: Uuid,
        update: &MessageUpdate,
    ) -> Result<Message, MessagingError> {
        let updated = self
            .db
            .update_message(id, update)
            .await
            .map_err(|e| match e {
                StorageError::MissingReference(Record::Message) => {
                    MessagingError::ReplyTargetMissing
                }
                other => other.into(),
            })?;
        self.bus.publish(BusEvent::MessageUpdated {
            channel_id: updated.channel_id,
            seq: updated.seq,
            message_id: updated.id,
        });
        Ok(updated)
    }

    /// Deletes one message of a channel; `message_deleted` carries the seq it had.
    pub async fn delete_message(&self, channel: Uuid, message: Uuid) -> Result<(), MessagingError> {
        let seq = self.db.delete_message(channel, message).await?;
        self.bus.publish(BusEvent::MessageDeleted {
            channel_id: channel,
            seq,
            message_id: message,
        });
        Ok(())
    }

    /// Deletes every message of a channel (its `seq` continues); `channel_cleared`.
    pub async fn clear_channel(&self, channel: Uuid) -> Result<u64, MessagingError> {
        self.db.get_channel(channel).await?;
        let n = self.db.clear_channel(channel).await?;
        self.bus.publish(BusEvent::ChannelCleared {
            channel_id: channel,
        });
        Ok(n)
    }

    /// Announces that an agent finished with a channel's message (`message_complete`).
    pub fn complete(&self, channel: Uuid, server: Uuid) {
        self.bus.publish(BusEvent::MessageComplete {
            channel_id: channel,
            server_id: server,
        });
    }

    /// Announces that an agent finished with this message (`message_complete` on the
    /// message's channel and server), as `@elizaos/api-client`'s `completeMessage` asks.
    pub async fn complete_message(&self, message: Uuid) -> Result<(), MessagingError> {
        let m = self.db.get_message(message).await?;
        let channel = self.db.get_channel(m.channel_id).await?;
        self.complete(channel.id, channel.message_server_id);
        Ok(())
    }

    /// A stored message, by id.
    pub async fn message(&self, id: Uuid) -> Result<Message, MessagingError> {
        Ok(self.db.get_message(id).await?)
    }
}
