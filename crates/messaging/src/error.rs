//! The errors of messaging operations, told apart by variant.

use agentd_storage::{Record, StorageError};
use uuid::Uuid;

/// Why a messaging operation refused or failed. Every variant but `Storage` is the
/// client's doing; the edge renders each in its route family's envelope.
#[derive(Debug, thiserror::Error)]
pub enum MessagingError {
    /// The channel does not exist (and the operation may not create it).
    #[error("channel not found")]
    ChannelNotFound,
    /// The message server a new channel would belong to does not exist.
    #[error("Server {0} does not exist")]
    ServerNotFound(Uuid),
    /// The message does not exist (in that channel).
    #[error("message not found")]
    MessageNotFound,
    /// The agent does not exist or does not run here.
    #[error("Agent {0} not found")]
    AgentNotFound(Uuid),
    /// No agent runs here to take a job.
    #[error("No agents available on server")]
    NoAgentAvailable,
    /// The job does not exist.
    #[error("Job not found")]
    JobNotFound,
    /// A post that needs someone to answer it names a channel with nobody but its author.
    #[error("No agent found in channel participants")]
    NoRecipient,
    /// The agent is not a participant of the channel.
    #[error("Agent is not a participant in this channel")]
    NotParticipantAgent,
    /// A different message already has this id.
    #[error("A message with this id already exists")]
    DuplicateMessageId,
    /// The reply link names no message.
    #[error("in_reply_to_message_id names no message")]
    ReplyTargetMissing,
    /// The idempotency key was used before with a different body.
    #[error("Idempotency key reused with a different body")]
    IdempotencyConflict,
    /// Storage failed for a reason that is not the client's (or is not mapped above).
    #[error(transparent)]
    Storage(StorageError),
}

impl From<StorageError> for MessagingError {
    /// The storage errors every operation reads the same way; operations that know better
    /// map before this.
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(Record::Channel) => MessagingError::ChannelNotFound,
            StorageError::NotFound(Record::Message) => MessagingError::MessageNotFound,
            StorageError::NotFound(Record::Job) => MessagingError::JobNotFound,
            StorageError::IdempotencyConflict => MessagingError::IdempotencyConflict,
            other => MessagingError::Storage(other),
        }
    }
}
