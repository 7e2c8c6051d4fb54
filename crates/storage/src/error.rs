//! The storage error type and its mapping onto the stable error codes.

use agentd_core::ErrorCode;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// The kind of stored record an error names, so callers tell errors apart by type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Record {
    /// An agent.
    Agent,
    /// A message server.
    MessageServer,
    /// A channel.
    Channel,
    /// A channel message.
    Message,
    /// A session.
    Session,
    /// A job.
    Job,
    /// An agent memory.
    Memory,
    /// An upload's metadata.
    Upload,
    /// An agent's room.
    Room,
    /// An agent's world.
    World,
    /// An agent's entity.
    Entity,
    /// A run-log entry.
    Log,
    /// A row the operation could not name more precisely (a constraint the database
    /// reported without saying which).
    Row,
}

impl Record {
    /// The record's name in messages ("message server").
    pub const fn as_str(self) -> &'static str {
        match self {
            Record::Agent => "agent",
            Record::MessageServer => "message server",
            Record::Channel => "channel",
            Record::Message => "message",
            Record::Session => "session",
            Record::Job => "job",
            Record::Memory => "memory",
            Record::Upload => "upload",
            Record::Room => "room",
            Record::World => "world",
            Record::Entity => "entity",
            Record::Log => "log",
            Record::Row => "row",
        }
    }
}

impl std::fmt::Display for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Errors from storage operations, each with a stable code ([`StorageError::code`]).
///
/// `Display` never contains SQL or driver text for the variants a client can see
/// (`NotFound`, `Duplicate`, `MissingReference`, `IdempotencyConflict`); the cause of
/// `Internal` is kept as the error's `source()` for logs.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The addressed record does not exist.
    #[error("{0} not found")]
    NotFound(Record),
    /// A unique key refused the write: a record of this kind with the same key exists.
    #[error("{0} already exists")]
    Duplicate(Record),
    /// The write refers to a record of this kind that does not exist (a foreign key).
    #[error("the referenced {0} does not exist")]
    MissingReference(Record),
    /// The same idempotency key was used before with a different body.
    #[error("idempotency key reused with a different body")]
    IdempotencyConflict,
    /// The database cannot be reached or a connection could not be had.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Any other database failure; details are in `source()`.
    #[error("database error")]
    Internal(#[source] DieselError),
}

impl StorageError {
    /// The stable code a client sees for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            StorageError::NotFound(_) => ErrorCode::NotFound,
            StorageError::Duplicate(_) => ErrorCode::Conflict,
            StorageError::MissingReference(_) => ErrorCode::BadRequest,
            StorageError::IdempotencyConflict => ErrorCode::IdempotencyConflict,
            StorageError::Unavailable(_) => ErrorCode::ServiceUnavailable,
            StorageError::Migration(_) | StorageError::Internal(_) => ErrorCode::DbError,
        }
    }
}

impl From<DieselError> for StorageError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => StorageError::NotFound(Record::Row),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                StorageError::Duplicate(Record::Row)
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                StorageError::MissingReference(Record::Row)
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StorageError::Unavailable(info.message().to_owned())
            }
            other => StorageError::Internal(other),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for StorageError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        StorageError::Unavailable(e.to_string())
    }
}

impl StorageError {
    /// Names the records of a generic duplicate key and missing reference, where the
    /// operation knows what they are (the database does not always say).
    pub(crate) fn naming(self, duplicate: Record, missing: Record) -> Self {
        match self {
            StorageError::Duplicate(Record::Row) => StorageError::Duplicate(duplicate),
            StorageError::MissingReference(Record::Row) => StorageError::MissingReference(missing),
            other => other,
        }
    }
}

/// Turns diesel's `NotFound` into ours, naming what was looked for.
pub(crate) trait NotFoundExt<T> {
    /// Maps a missing row to `StorageError::NotFound(what)`.
    fn or_not_found(self, what: Record) -> Result<T, StorageError>;
}

impl<T> NotFoundExt<T> for Result<T, DieselError> {
    fn or_not_found(self, what: Record) -> Result<T, StorageError> {
        self.map_err(|e| match e {
            DieselError::NotFound => StorageError::NotFound(what),
            other => other.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_visible_errors_have_stable_codes_and_no_sql() {
        let unique = DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("UNIQUE constraint failed: central_messages.id".to_owned()),
        );
        let e = StorageError::from(unique);
        assert_eq!(e.code(), ErrorCode::Conflict);
        assert!(matches!(e, StorageError::Duplicate(Record::Row)));
        assert!(!e.to_string().contains("central_messages"));
        let e = e.naming(Record::Message, Record::Channel);
        assert!(matches!(e, StorageError::Duplicate(Record::Message)));
        assert_eq!(e.to_string(), "message already exists");
        assert_eq!(
            StorageError::IdempotencyConflict.code().as_str(),
            "IDEMPOTENCY_CONFLICT"
        );
        assert_eq!(
            StorageError::NotFound(Record::Agent).to_string(),
            "agent not found"
        );
        let internal = StorageError::from(DieselError::RollbackTransaction);
        assert_eq!(internal.code(), ErrorCode::DbError);
        assert_eq!(internal.to_string(), "database error");
    }
}
