//! Storage: traits with one method per operation, implemented with diesel-async on SQLite
//! (the embedded default) and PostgreSQL (production).
//!
//! [`Db`] wraps a pool of either backend; every query is written once and compiled for
//! both (a `with_conn!` macro), against one hand-written schema whose portable column
//! types live in [`types`]. The operations are grouped into traits ([`AgentStore`],
//! [`ServerStore`], [`ChannelStore`], [`MessageStore`]) so callers can depend on the
//! operations rather than on diesel; `use agentd_storage::prelude::*` brings them all in.

mod agents;
mod channels;
mod cursors;
mod deliveries;
mod entities;
mod error;
mod jobs;
mod logs;
mod memories;
mod messages;
mod migrate;
mod participants;
mod pool;
mod rooms;
mod schema;
mod servers;
mod sessions;
#[cfg(feature = "test-util")]
pub mod testing;
pub mod types;
mod uploads;
mod worlds;

pub use agents::AgentStore;
pub use channels::ChannelStore;
pub use channels::DM_CHANNEL_KIND;
pub use cursors::CursorStore;
pub use deliveries::{Delivery, DeliveryStore};
pub use entities::EntityStore;
pub use error::{Record, StorageError};
pub use jobs::{JobOutcome, JobStore};
pub use logs::{LogQuery, LogStore};
pub use memories::{MemoryQuery, MemoryStore};
pub use messages::{
    CreatedMessage, MAX_PAGE_LIMIT, MessagePage, MessageStore, MessageUpdate, NewMessage,
};
pub use migrate::{PG_MIGRATIONS, SQLITE_MIGRATIONS};
pub use participants::ParticipantStore;
pub use pool::{Db, SqliteConn, SqliteRuntime};
pub use rooms::RoomStore;
pub use servers::{DEFAULT_SERVER_NAME, DEFAULT_SERVER_SOURCE_TYPE, ServerStore};
pub use sessions::SessionStore;
pub use uploads::UploadStore;
pub use worlds::WorldStore;

use std::path::PathBuf;

/// Every storage trait, for `use agentd_storage::prelude::*`.
pub mod prelude {
    pub use crate::{
        AgentStore, ChannelStore, CursorStore, DeliveryStore, EntityStore, JobStore, LogStore,
        MemoryStore, MessageStore, ParticipantStore, RoomStore, ServerStore, SessionStore,
        UploadStore, WorldStore,
    };
}

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
    /// Maximum pooled connections (SQLite caps this at a small number).
    pub pool_size: usize,
}

impl std::fmt::Debug for DbConfig {
    /// Redacts the PostgreSQL URL, which may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbConfig")
            .field(
                "postgres_url",
                &self.postgres_url.as_ref().map(|_| "<redacted>"),
            )
            .field("sqlite_path", &self.sqlite_path)
            .field("pool_size", &self.pool_size)
            .finish()
    }
}
