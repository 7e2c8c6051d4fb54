//! Start-up: the bind-time security check, the database, the listener and the server.
//!
//! [`Application::build`] does everything up to accepting connections and exposes the bound
//! port, so tests start the real server on `127.0.0.1:0` exactly as `main` does.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use agentd_bus::{Bus, LocalBus, NatsBus, NatsConfig};
use agentd_http_api::AppState;
use agentd_runtime::{AgentManager, AgentRegistry};
use agentd_socketio::SocketIoServer;
use agentd_storage::{Db, StorageError};

use crate::settings::{BusSettings, Settings};

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A public bind without an API key.
    #[error(
        "refusing to listen on {0} without an API key: anyone who can reach it could control \
         the agents. Set ELIZA_SERVER_AUTH_TOKEN, bind SERVER_HOST=127.0.0.1, or set \
         AGENTD_ALLOW_UNAUTHENTICATED=true to accept the risk"
    )]
    Unauthenticated(SocketAddr),
    /// The address could not be bound (in use, no permission, not local).
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// The OS error.
        source: io::Error,
    },
    /// The SQLite data directory could not be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// Connecting, migrating or seeding the database failed.
    #[error("database: {0}")]
    Database(#[from] StorageError),
    /// An agent named on the command line (or the default agent) could not be set up.
    #[error("agents: {0}")]
    Agents(String),
    /// The HTTP server could not be started on the bound listener.
    #[error("cannot start the HTTP server: {0}")]
    Serve(io::Error),
    /// `bus = "nats"` but NATS could not be reached (docs/SCALE-OUT.md): running alone would
    /// split the deployment silently, so start-up stops.
    #[error("bus: {0} (check AGENTD_NATS_URL / `nats_url`, or set AGENTD_BUS=local)")]
    Bus(agentd_bus::BusError),
}

/// The bus a server runs on, with the NATS handle kept for the flush at shutdown.
#[derive(Clone)]
pub struct ServerBus {
    bus: Arc<dyn Bus>,
    nats: Option<NatsBus>,
}

impl ServerBus {
    /// The in-process bus (one instance).
    pub fn local() -> Self {
        ServerBus {
            bus: Arc::new(LocalBus::default()),
            nats: None,
        }
    }

    /// The bus handle the application uses.
    pub fn bus(&self) -> &Arc<dyn Bus> {
        &self.bus
    }
}

/// Builds the configured bus; for NATS, connects and subscribes now, so an unreachable
/// server stops start-up with a message naming the setting.
pub async fn connect_bus(settings: &Settings) -> Result<ServerBus, StartupError> {
    match &settings.bus {
        BusSettings::Local => Ok(ServerBus::local()),
        BusSettings::Nats { url, prefix } => {
            let mut config = NatsConfig::new(url.expose()).with_prefix(prefix.clone());
            config.name = format!("agentd {}", settings.address());
            let nats = NatsBus::connect(config).await.map_err(StartupError::Bus)?;
            Ok(ServerBus {
                bus: Arc::new(nats.clone()),
                nats: Some(nats),
            })
        }
    }
}

/// Without a key, only loopback binds are allowed unless the operator opts out explicitly.
pub fn check_bind_security(settings: &Settings) -> Result<(), StartupError> {
    let keyless = settings.api.auth_token.is_none();
    if keyless && !settings.host.is_loopback() && !settings.allow_unauthenticated {
        return Err(StartupError::Unauthenticated(settings.address()));
    }
    Ok(())
}

/// Connects to the configured database, creating the SQLite data directory if needed.
pub async fn connect_database(settings: &Settings) -> Result<Db, StartupError> {
    if settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartupError::DataDir {
            path: settings.data_dir.clone(),
            source,
        })?;
    }
    Ok(Db::connect(&settings.db_config()).await?)
}

/// Connects, applies pending migrations and makes sure the default message server exists.
pub async fn prepare_database(settings: &Settings) -> Result<Db, StartupError> {
    let db = connect_database(settings).await?;
    let applied = db.migrate().await?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "migrations applied");
    }
    db.ensure_default_server().await?;
    Ok(db)
}

/// A bound, ready-to-run server.
pub struct Application {
    address: SocketAddr,
    server: Server,
    db: Db,
    agents: AgentManager,
    io: SocketIoServer,
    /// Removes expired sessions every `SESSION_CLEANUP_INTERVAL_MINUTES`.
    sweeper: tokio::task::JoinHandle<()>,
    /// Flushed at shutdown so the last events reach the other instances.
    bus: ServerBus,
}

/// Stops a running [`Application`] gracefully: real-time sockets are closed first (an open
/// websocket would otherwise hold the drain open until the shutdown timeout), then the
/// listener stops accepting and in-flight requests finish.
#[derive(Clone)]
pub struct ShutdownHandle {
    server: ServerHandle,
    io: SocketIoServer,
}

impl ShutdownHandle {
    /// Closes every Socket.IO session, then stops the HTTP server and waits for the drain.
    pub async fn stop(&self) {
        self.io.close_all();
        self.server.stop(true).await;
    }
}

impl Application {
    /// Checks the bind policy, binds the listener, prepares the database and builds the
    /// server. A busy port is an error naming the address; no other port is tried.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        check_bind_security(&settings)?;
        let listener = bind(settings.address())?;
        let bus = connect_bus(&settings).await?;
        let db = prepare_database(&settings).await?;
        let boot = crate::agents::Boot::from_settings(&settings);
        let app = Self::with_parts(settings, listener, db, AgentRegistry::new(), bus)?;
        boot.run(&app.db, &app.agents).await?;
        Ok(app)
    }

    /// Builds from an already bound listener, prepared database and connected bus (for
    /// callers that own them; [`connect_bus`] builds the configured bus).
    pub fn with_parts(
        settings: Settings,
        listener: TcpListener,
        db: Db,
        agents: AgentRegistry,
        bus: ServerBus,
    ) -> Result<Self, StartupError> {
        let address = listener.local_addr().map_err(StartupError::Serve)?;
        let state = AppState::new(settings.api.clone(), db.clone(), agents, bus.bus.clone());
        let agents = state.agent_manager().clone();
        let io = state.realtime().io().clone();
        let server = agentd_http_api::serve(listener, state, settings.shutdown_timeout)
            .map_err(StartupError::Serve)?;
        let sweeper = agentd_sessions::sweeper::spawn(
            db.clone(),
            settings.api.sessions.cleanup_every(),
            settings.api.sessions.delete_history,
        );
        Ok(Application {
            address,
            server,
            db,
            agents,
            io,
            sweeper,
            bus,
        })
    }

    /// The bound port (the real one when the settings asked for port 0).
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The bound address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A handle to stop the server (tests; the binary stops on SIGINT/SIGTERM).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// A handle for a graceful stop that also closes real-time sessions.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle {
            server: self.server.handle(),
            io: self.io.clone(),
        }
    }

    /// Serves until stopped, then closes the database pool once in-flight requests drained.
    pub async fn run_until_stopped(self) -> io::Result<()> {
        tracing::info!(address = %self.address, "listening on http://{}", self.address);
        let result = self.server.await;
        self.sweeper.abort();
        // Agents stop without changing `enabled`, so the same ones start at the next boot.
        self.agents.shutdown().await;
        if let Some(nats) = &self.bus.nats
            && !nats.flush(std::time::Duration::from_secs(2)).await
        {
            tracing::warn!("the last bus events may not have reached the other instances");
        }
        self.db.close();
        tracing::info!("server stopped");
        result
    }
}

/// Binds exactly `address`, with an error that names it.
pub fn bind(address: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(address).map_err(|source| StartupError::Bind { address, source })
}
