//! Storage: traits with one method per operation, implemented with diesel on SQLite
//! (the embedded default) and PostgreSQL (production).
//!
//! PLACEHOLDER: the public surface below (`Db`, `DbConfig`, `Backend`, `StorageError`) is
//! the contract other crates compile against; the implementation is being written.

use std::path::PathBuf;

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// How to reach the database.
#[derive(Clone)]
pub struct DbConfig {
    /// A PostgreSQL URL selects PostgreSQL; `None` selects SQLite at `sqlite_path`.
    pub postgres_url: Option<String>,
    /// The SQLite file (`<data dir>/agentd.db`).
    pub sqlite_path: PathBuf,
    /// Maximum pooled connections.
    pub pool_size: usize,
}

/// Errors from storage operations, each with a stable code.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database cannot be reached or a connection could not be had.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

/// A handle to the database: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Db {
    backend: Backend,
}

impl Db {
    /// Opens the pool for the configured backend.
    pub async fn connect(config: &DbConfig) -> Result<Db, StorageError> {
        Ok(Db {
            backend: if config.postgres_url.is_some() {
                Backend::Postgres
            } else {
                Backend::Sqlite
            },
        })
    }
    /// Applies pending migrations; safe to re-run. Returns the names of those applied.
    pub async fn migrate(&self) -> Result<Vec<String>, StorageError> {
        Ok(Vec::new())
    }
    /// Inserts the default message server if it is absent.
    pub async fn ensure_default_server(&self) -> Result<(), StorageError> {
        Ok(())
    }
    /// Checks that a connection can be had and answers a trivial query.
    pub async fn ping(&self) -> Result<(), StorageError> {
        Ok(())
    }
    /// Closes the pool: no new connections; idle ones are dropped.
    pub fn close(&self) {}
    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }
}
