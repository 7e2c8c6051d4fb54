//! Isolated databases for tests (feature `test-util`), for this crate and any other.
//!
//! Each [`TestDb`] is a database nobody else touches: SQLite in its own temp directory, or
//! PostgreSQL in its own fresh schema (dropped when the `TestDb` is dropped, even after a
//! panic). PostgreSQL comes from `AGENTD_TEST_POSTGRES_URL`; without it, PostgreSQL tests
//! print a loud `SKIPPED` line and pass, unless `CI` is set, where they fail.

use crate::pool::{with_conn, with_write_conn};
use crate::{Backend, Db, StorageError};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use std::io::Write;
use std::ops::Deref;

/// The variable naming the PostgreSQL server tests use.
pub const POSTGRES_URL_VAR: &str = "AGENTD_TEST_POSTGRES_URL";

/// An isolated, migrated database with the default server; derefs to [`Db`].
pub struct TestDb {
    db: Db,
    cleanup: Cleanup,
}

/// One `COUNT(*)` result.
#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// What to remove when the test is over.
enum Cleanup {
    /// The temp directory holding the SQLite file.
    Sqlite(tempfile::TempDir),
    /// The PostgreSQL schema, dropped through a fresh connection to the base URL.
    Postgres { base_url: String, schema: String },
}

impl Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

/// The PostgreSQL URL for tests, or `None` (after a loud `SKIPPED` line on stderr) when it
/// is unset outside CI.
///
/// # Panics
/// When `CI` is set and the URL is not: CI must run the PostgreSQL tests.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{POSTGRES_URL_VAR} is unset but CI is set: PostgreSQL tests must run in CI")
        }
        _ => {
            let test = std::thread::current().name().unwrap_or("?").to_owned();
            // Straight to the process's stderr: libtest captures `eprintln!`, not this.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED ({POSTGRES_URL_VAR} unset): {test} on PostgreSQL did not run"
            );
            None
        }
    }
}

impl TestDb {
    /// A migrated SQLite database with the default server, in its own temp directory.
    ///
    /// # Panics
    /// When the database cannot be set up (a test helper: failing loudly is the point).
    pub async fn sqlite() -> TestDb {
        match TestDb::setup_sqlite(true).await {
            Ok(t) => t,
            Err(e) => panic!("cannot set up a test SQLite database: {e}"),
        }
    }

    /// A migrated PostgreSQL schema with the default server, or `None` when skipped
    /// (see [`postgres_url`]).
    ///
    /// # Panics
    /// When the database cannot be set up.
    pub async fn postgres() -> Option<TestDb> {
        let url = postgres_url()?;
        match TestDb::setup_postgres(url, true).await {
            Ok(t) => Some(t),
            Err(e) => panic!("cannot set up a test PostgreSQL schema: {e}"),
        }
    }

    /// A database of the given backend, `None` when skipped; `migrated = false` gives an
    /// empty one (for migration tests).
    ///
    /// # Panics
    /// When the database cannot be set up.
    pub async fn open(backend: Backend, migrated: bool) -> Option<TestDb> {
        let r = match backend {
            Backend::Sqlite => TestDb::setup_sqlite(migrated).await,
            Backend::Postgres => TestDb::setup_postgres(postgres_url()?, migrated).await,
        };
        match r {
            Ok(t) => Some(t),
            Err(e) => panic!("cannot set up a test {backend:?} database: {e}"),
        }
    }

    /// The database handle (also reachable through `Deref`).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// How another process (the `agentd` binary under test) reaches this database: the
    /// PostgreSQL URL pinned to this test's schema, or `None` for SQLite (whose file is
    /// [`TestDb::sqlite_dir`]`/agentd.db`).
    pub fn postgres_url(&self) -> Option<String> {
        match &self.cleanup {
            Cleanup::Postgres { base_url, schema } => Some(schema_url(base_url, schema)),
            Cleanup::Sqlite(_) => None,
        }
    }

    /// The temp directory holding the SQLite file, `None` on PostgreSQL.
    pub fn sqlite_dir(&self) -> Option<&std::path::Path> {
        match &self.cleanup {
            Cleanup::Sqlite(dir) => Some(dir.path()),
            Cleanup::Postgres { .. } => None,
        }
    }

    /// Runs raw SQL (one or more statements) on this database: for tests that need rows
    /// no storage operation writes yet. Ids and timestamps may be written as string
    /// literals; they are valid on both backends.
    ///
    /// # Panics
    /// When the SQL fails.
    pub async fn exec(&self, sql: &str) {
        let r: Result<(), StorageError> = async {
            with_write_conn!(self.db, |c| {
                c.batch_execute(sql).await?;
                Ok(())
            })
        }
        .await;
        if let Err(e) = r {
            panic!("test SQL failed: {e:?}\n{sql}");
        }
    }

    /// `SELECT COUNT(*) FROM {table} WHERE {condition}`.
    ///
    /// # Panics
    /// When the query fails.
    pub async fn count(&self, table: &str, condition: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {condition}");
        let r: Result<Count, StorageError> = async {
            with_conn!(self.db, |c| {
                Ok(diesel::sql_query(&sql).get_result::<Count>(c).await?)
            })
        }
        .await;
        match r {
            Ok(n) => n.n,
            Err(e) => panic!("test count failed: {e:?}\n{sql}"),
        }
    }

    async fn setup_sqlite(migrated: bool) -> Result<TestDb, StorageError> {
        let dir = tempfile::tempdir().map_err(|e| StorageError::Unavailable(e.to_string()))?;
        let db = Db::connect_sqlite(&dir.path().join("agentd.db"), 4).await?;
        let t = TestDb {
            db,
            cleanup: Cleanup::Sqlite(dir),
        };
        if migrated {
            t.prepare().await?;
        }
        Ok(t)
    }

    async fn setup_postgres(base_url: String, migrated: bool) -> Result<TestDb, StorageError> {
        let schema = format!("agentd_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = AsyncPgConnection::establish(&base_url)
            .await
            .map_err(|e| StorageError::Unavailable(e.to_string()))?;
        diesel::sql_query(format!("CREATE SCHEMA \"{schema}\""))
            .execute(&mut admin)
            .await?;
        let url = schema_url(&base_url, &schema);
        let t = TestDb {
            db: Db::connect_postgres(&url, 8)?,
            cleanup: Cleanup::Postgres { base_url, schema },
        };
        if migrated {
            t.prepare().await?;
        }
        Ok(t)
    }

    async fn prepare(&self) -> Result<(), StorageError> {
        self.db.migrate().await?;
        self.db.ensure_default_server().await
    }
}

/// `base_url` with its search path set to `schema`.
fn schema_url(base_url: &str, schema: &str) -> String {
    let sep = if base_url.contains('?') { '&' } else { '?' };
    format!("{base_url}{sep}options=-c%20search_path%3D{schema}")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.db.close();
        if let Cleanup::Postgres { base_url, schema } = &self.cleanup {
            let (url, sql) = (
                base_url.clone(),
                format!("DROP SCHEMA \"{schema}\" CASCADE"),
            );
            // A fresh thread and runtime: drop may run inside (or after) the test's runtime.
            let dropped = std::thread::spawn(move || -> Result<(), String> {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                rt.block_on(async {
                    let mut c = AsyncPgConnection::establish(&url)
                        .await
                        .map_err(|e| e.to_string())?;
                    diesel::sql_query(sql)
                        .execute(&mut c)
                        .await
                        .map_err(|e| e.to_string())?;
                    Ok(())
                })
            })
            .join();
            if let Ok(Err(e)) | Err(e) = dropped.map_err(|_| "panicked".to_owned()) {
                eprintln!("warning: could not drop test schema {schema}: {e}");
            }
        }
    }
}
