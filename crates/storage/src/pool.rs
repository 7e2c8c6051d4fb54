//! The connection pools behind [`Db`] and the macros that run one query body on either.

use crate::{Backend, DbConfig, StorageError};
use diesel::SqliteConnection;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::{SpawnBlocking, SyncConnectionWrapper};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::{FutureExt, TryFutureExt};
use std::sync::Arc;
use tokio::sync::Mutex;

/// A SQLite connection usable from async code; where its queries run is its
/// [`SqliteRuntime`].
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection, SqliteRuntime>;

/// Where a SQLite connection runs its queries.
///
/// Writers run on tokio's blocking pool: a write may wait on the file lock of another
/// process (the busy timeout) or pay a WAL checkpoint's fsync, and must not stall a
/// request thread meanwhile. Readers run inline, on the calling thread: in WAL mode a
/// read never waits for a writer, and the indexed reads this crate issues take
/// microseconds, less than the two thread hand-offs of the blocking pool (those were the
/// largest single cost of a history page, see docs/BENCHMARKS.md).
pub enum SqliteRuntime {
    /// On tokio's blocking pool (of the runtime the query is issued on).
    Blocking,
    /// On the calling thread.
    Inline,
}

impl SpawnBlocking for SqliteRuntime {
    fn spawn_blocking<'a, R>(
        &mut self,
        task: impl FnOnce() -> R + Send + 'static,
    ) -> futures_util::future::BoxFuture<'a, Result<R, Box<dyn std::error::Error + Send + Sync>>>
    where
        R: Send + 'static,
    {
        match self {
            SqliteRuntime::Blocking => tokio::task::spawn_blocking(task)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
                .boxed(),
            SqliteRuntime::Inline => futures_util::future::ready(Ok(task())).boxed(),
        }
    }

    fn get_runtime() -> Self {
        SqliteRuntime::Blocking
    }
}

/// Set on every new SQLite connection: WAL so readers never block the writer, a busy
/// timeout so a writer in another process waits instead of failing, foreign keys (off by
/// default in SQLite, and the cascades depend on them), and the usual WAL durability level.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// SQLite allows one writer at a time; more connections than this only add contention.
const SQLITE_MAX_POOL: usize = 4;

/// How long a request waits for a pooled connection (or for a new one to be made) before
/// it fails with `Unavailable` (503) instead of hanging while the database is unreachable.
const POOL_WAIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A handle to the database: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Db {
    pub(crate) inner: Inner,
}

/// The pool of one backend.
#[derive(Clone)]
pub(crate) enum Inner {
    /// PostgreSQL through diesel-async's native (tokio-postgres) connection.
    Pg(Pool<AsyncPgConnection>),
    /// SQLite, with an in-process writer lock: writers queue fairly on it instead of
    /// sleeping in SQLite's busy handler.
    Sqlite {
        /// The connections that write (queries on the blocking pool).
        pool: Pool<SqliteConn>,
        /// The connections that only read (queries inline, see [`SqliteRuntime`]).
        read: Pool<SqliteConn>,
        /// Held for the whole of each write transaction.
        write: Arc<Mutex<()>>,
    },
}

/// Runs `$body`, which only reads, with `$c` bound to a pooled connection of whichever
/// backend `$db` uses (on SQLite, a reader: its queries run inline, see
/// [`SqliteRuntime`]). The body is compiled once per backend, so each query is
/// type-checked against both. A body that writes must use `with_write_conn!`.
macro_rules! with_conn {
    ($db:expr, |$c:ident| $body:expr) => {
        match &$db.inner {
            $crate::pool::Inner::Pg(pool) => {
                let mut guard = pool.get().await?;
                let $c: &mut diesel_async::AsyncPgConnection = &mut guard;
                $body
            }
            $crate::pool::Inner::Sqlite { read, .. } => {
                let mut guard = read.get().await?;
                let $c: &mut $crate::pool::SqliteConn = &mut guard;
                $body
            }
        }
    };
}

/// Like `with_conn!`, for bodies that write: on SQLite it first takes the in-process
/// writer lock, so concurrent writers of this process queue instead of hitting SQLITE_BUSY.
macro_rules! with_write_conn {
    ($db:expr, |$c:ident| $body:expr) => {
        match &$db.inner {
            $crate::pool::Inner::Pg(pool) => {
                let mut guard = pool.get().await?;
                let $c: &mut diesel_async::AsyncPgConnection = &mut guard;
                $body
            }
            $crate::pool::Inner::Sqlite { pool, write, .. } => {
                let _writer = write.lock().await;
                let mut guard = pool.get().await?;
                let $c: &mut $crate::pool::SqliteConn = &mut guard;
                $body
            }
        }
    };
}

pub(crate) use {with_conn, with_write_conn};

impl Db {
    /// Opens the pool for the configured backend: PostgreSQL when a URL is given, else
    /// SQLite at `sqlite_path` (its parent directory is created if needed). No connection
    /// is opened yet; [`Db::ping`] or [`Db::migrate`] opens the first.
    pub async fn connect(config: &DbConfig) -> Result<Db, StorageError> {
        match &config.postgres_url {
            Some(url) => Db::connect_postgres(url, config.pool_size),
            None => Db::connect_sqlite(&config.sqlite_path, config.pool_size).await,
        }
    }

    /// A PostgreSQL pool of at most `pool_size` connections (at least one).
    pub fn connect_postgres(url: &str, pool_size: usize) -> Result<Db, StorageError> {
        let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .runtime(deadpool::Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT_TIMEOUT))
            .create_timeout(Some(POOL_WAIT_TIMEOUT))
            .build()
            .map_err(|e| StorageError::Unavailable(e.to_string()))?;
        Ok(Db {
            inner: Inner::Pg(pool),
        })
    }

    /// A SQLite pool on the file at `path` (created with its parent directory if absent),
    /// of at most `pool_size` connections, capped at a small number.
    pub async fn connect_sqlite(
        path: &std::path::Path,
        pool_size: usize,
    ) -> Result<Db, StorageError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Once, at start-up: not worth a trip to the blocking pool.
            std::fs::create_dir_all(parent).map_err(|e| {
                StorageError::Unavailable(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let url = path
            .to_str()
            .ok_or_else(|| StorageError::Unavailable("SQLite path is not UTF-8".to_owned()))?
            .to_owned();
        let pool = sqlite_pool(&url, pool_size, false)?;
        let read = sqlite_pool(&url, pool_size, true)?;
        Ok(Db {
            inner: Inner::Sqlite {
                pool,
                read,
                write: Arc::new(Mutex::new(())),
            },
        })
    }

    /// Checks that a connection can be had and answers a trivial query.
    pub async fn ping(&self) -> Result<(), StorageError> {
        with_conn!(self, |c| {
            diesel::sql_query("SELECT 1").execute(c).await?;
            Ok(())
        })
    }

    /// Closes the pool: waiting and future requests fail with `Unavailable`; idle
    /// connections are dropped, busy ones when they are returned.
    pub fn close(&self) {
        match &self.inner {
            Inner::Pg(pool) => pool.close(),
            Inner::Sqlite { pool, .. } => pool.close(),
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match &self.inner {
            Inner::Pg(_) => Backend::Postgres,
            Inner::Sqlite { .. } => Backend::Sqlite,
        }
    }
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend())
            .finish()
    }
}

/// A pool of SQLite connections on `url`, each set up with [`SQLITE_PRAGMAS`]; `inline`
/// connections run their queries on the calling thread (readers, see [`SqliteRuntime`]).
fn sqlite_pool(
    url: &str,
    pool_size: usize,
    inline: bool,
) -> Result<Pool<SqliteConn>, StorageError> {
    let mut config = ManagerConfig::<SqliteConn>::default();
    // No test query on every checkout (the default): a SQLite connection is a file handle in
    // this process and does not go stale like a network connection, and the query was a
    // statement parse on every request. Connections left in a transaction are still discarded.
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        let url = url.to_owned();
        async move {
            // Opened on the blocking pool whatever the runtime: only queries run inline.
            let raw = tokio::task::spawn_blocking(move || {
                <SqliteConnection as diesel::Connection>::establish(&url)
            })
            .await
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))??;
            let runtime = if inline {
                SqliteRuntime::Inline
            } else {
                SqliteRuntime::Blocking
            };
            let mut conn = SyncConnectionWrapper::with_runtime(raw, runtime);
            conn.batch_execute(SQLITE_PRAGMAS)
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::<SqliteConn>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(pool_size.clamp(1, SQLITE_MAX_POOL))
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(POOL_WAIT_TIMEOUT))
        .create_timeout(Some(POOL_WAIT_TIMEOUT))
        .build()
        .map_err(|e| StorageError::Unavailable(e.to_string()))
}
