//! Embedded migrations, one set per backend, applied at start-up.

use crate::pool::Inner;
use crate::{Db, StorageError};
use diesel::SqliteConnection;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The PostgreSQL migrations, compiled into the binary.
pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
/// The SQLite migrations, compiled into the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

impl Db {
    /// Applies pending migrations, each in its own transaction; safe to re-run (a second
    /// run applies nothing). Returns the names of those applied.
    ///
    /// Runs the synchronous migration harness on the blocking pool, which works on
    /// current-thread runtimes too (diesel-async's `AsyncMigrationHarness` panics there).
    pub async fn migrate(&self) -> Result<Vec<String>, StorageError> {
        match &self.inner {
            Inner::Pg(pool) => {
                let conn = deadpool::managed::Object::take(pool.get().await?);
                tokio::task::spawn_blocking(move || {
                    let mut wrapped: AsyncConnectionWrapper<AsyncPgConnection> = conn.into();
                    wrapped
                        .run_pending_migrations(PG_MIGRATIONS)
                        .map(|v| v.iter().map(ToString::to_string).collect())
                        .map_err(|e| StorageError::Migration(e.to_string()))
                })
                .await
                .map_err(|e| StorageError::Migration(e.to_string()))?
            }
            Inner::Sqlite { pool, write, .. } => {
                let _writer = write.lock().await;
                let mut conn = pool.get().await?;
                conn.spawn_blocking(|inner: &mut SqliteConnection| {
                    inner
                        .run_pending_migrations(SQLITE_MIGRATIONS)
                        .map(|v| v.iter().map(ToString::to_string).collect::<Vec<_>>())
                        .map_err(diesel::result::Error::QueryBuilderError)
                })
                .await
                .map_err(|e| StorageError::Migration(e.to_string()))
            }
        }
    }
}
