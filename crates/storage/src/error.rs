//! The storage error type and its mapping onto the stable error codes.

use agentd_core::ErrorCode;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Errors from storage operations, each with a stable code ([`StorageError::code`]).
///
/// `Display` never contains SQL or driver text for the variants a client can see
/// (`NotFound`, `Conflict`, `IdempotencyConflict`); the cause of `Internal` is kept as the
/// error's `source()` for logs.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The addressed row does not exist; the payload names what was looked for.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique or foreign-key constraint refused the write; the payload is our own
    /// description, never the database's message.
    #[error("conflict: {0}")]
    Conflict(&'static str),
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
            StorageError::Conflict(_) => ErrorCode::Conflict,
            StorageError::IdempotencyConflict => ErrorCode::IdempotencyConflict,
            StorageError::Unavailable(_) => ErrorCode::ServiceUnavailable,
            StorageError::Migration(_) | StorageError::Internal(_) => ErrorCode::DbError,
        }
    }
}

impl From<DieselError> for StorageError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => StorageError::NotFound("row"),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                StorageError::Conflict("already exists")
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                StorageError::Conflict("refers to a row that does not exist")
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

/// Turns diesel's `NotFound` into ours, naming what was looked for.
pub(crate) trait NotFoundExt<T> {
    /// Maps a missing row to `StorageError::NotFound(what)`.
    fn or_not_found(self, what: &'static str) -> Result<T, StorageError>;
}

impl<T> NotFoundExt<T> for Result<T, DieselError> {
    fn or_not_found(self, what: &'static str) -> Result<T, StorageError> {
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
        assert!(!e.to_string().contains("central_messages"));
        assert_eq!(
            StorageError::IdempotencyConflict.code().as_str(),
            "IDEMPOTENCY_CONFLICT"
        );
        assert_eq!(
            StorageError::NotFound("agent").to_string(),
            "agent not found"
        );
        let internal = StorageError::from(DieselError::RollbackTransaction);
        assert_eq!(internal.code(), ErrorCode::DbError);
        assert_eq!(internal.to_string(), "database error");
    }
}
