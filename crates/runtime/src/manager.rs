//! `AgentManager`: starts and stops agent runtimes, hot and idempotently.
//!
//! A lock per agent serialises its start and stop, so two concurrent starts of one agent
//! cannot run it twice, while a slow start (a plugin's `init`) never holds up another
//! agent; each agent is its own task, so starting or stopping one never touches another.
//! A start initialises the agent's plugins in order (a failure or timeout ends the start,
//! the agent stays inactive), then spawns its runtime and its plugins' services; a stop
//! signals both and waits for them with a bound. The `enabled` column records the
//! operator's intent: `start` sets it, `stop` clears it, and a shutdown leaves it, so
//! agents running at shutdown start again at boot.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use agentd_bus::Bus;
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::Agent;
use agentd_messaging::Messaging;
use agentd_storage::prelude::*;
use agentd_storage::{Db, StorageError};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::AgentRegistry;
use crate::agent::{AgentRuntime, RuntimeConfig};
use crate::plugin::{Plugin, PluginContext, PluginRegistry};
use crate::provider::{ModelProvider, provider_for};
use crate::service::Services;

/// How long a stopping agent (the message in hand, its services) may take before its
/// tasks are aborted.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// How long one plugin's `init` may take before the start fails.
const INIT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why an agent could not be started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ManagerError {
    /// The agent's configuration cannot run (for example an unknown model provider).
    #[error("{0}")]
    Invalid(String),
    /// A plugin's `init` failed (or took too long), so the agent did not start.
    #[error("plugin \"{plugin}\" failed to initialise: {message}")]
    PluginInit {
        /// The plugin.
        plugin: &'static str,
        /// What it said.
        message: String,
    },
    /// Storage failed (including `NotFound` for an unknown agent).
    #[error(transparent)]
    Storage(#[from] StorageError),
}

struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    services: Services,
    plugins: Vec<Arc<dyn Plugin>>,
    provider: Arc<dyn ModelProvider>,
}

struct Inner {
    /// The messaging service over the database, the bus and the running agents; every
    /// runtime answers through it.
    messaging: Messaging,
    config: RuntimeConfig,
    spawner: Option<tokio::runtime::Handle>,
    plugins: PluginRegistry,
    running: Mutex<HashMap<Uuid, Running>>,
    /// One lock per agent being started or stopped (removed when no one holds it).
    locks: std::sync::Mutex<HashMap<Uuid, Arc<Mutex<()>>>>,
}

/// Holds an agent's start/stop lock; drops the map entry when no one else waits for it.
struct AgentLock {
    inner: Arc<Inner>,
    id: Uuid,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Drop for AgentLock {
    fn drop(&mut self) {
        let Some(guard) = self.guard.take() else {
            return;
        };
        if let Ok(mut locks) = self.inner.locks.lock() {
            // The map's reference and the guard's: nobody else is waiting.
            if Arc::strong_count(OwnedMutexGuard::mutex(&guard)) == 2 {
                locks.remove(&self.id);
            }
        }
        drop(guard);
    }
}

/// Starts, stops and tracks the agents running in this process; cheap to clone.
#[derive(Clone)]
pub struct AgentManager {
    inner: Arc<Inner>,
}

impl AgentManager {
    /// A manager with no agent running. Created inside a tokio runtime, it spawns agents on
    /// that runtime whichever thread later asks for a start (an actix worker's runtime ends
    /// with the worker); created outside one, on the runtime of the caller of `start`.
    pub fn new(db: Db, bus: Arc<dyn Bus>, registry: AgentRegistry, config: RuntimeConfig) -> Self {
        Self::with_plugins(db, bus, registry, config, PluginRegistry::builtin())
    }

    /// [`AgentManager::new`] with another set of plugins characters may name.
    pub fn with_plugins(
        db: Db,
        bus: Arc<dyn Bus>,
        registry: AgentRegistry,
        config: RuntimeConfig,
        plugins: PluginRegistry,
    ) -> Self {
        AgentManager {
            inner: Arc::new(Inner {
                messaging: Messaging::new(db, bus, registry),
                config,
                spawner: tokio::runtime::Handle::try_current().ok(),
                plugins,
                running: Mutex::new(HashMap::new()),
                locks: std::sync::Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The plugins characters may name here; create and update validate against it.
    pub fn plugin_registry(&self) -> &PluginRegistry {
        &self.inner.plugins
    }

    async fn lock_agent(&self, id: Uuid) -> AgentLock {
        let lock = match self.inner.locks.lock() {
            Ok(mut locks) => locks.entry(id).or_default().clone(),
            Err(_) => Arc::new(Mutex::new(())),
        };
        AgentLock {
            inner: self.inner.clone(),
            id,
            guard: Some(lock.lock_owned().await),
        }
    }

    /// The registry of running agents this manager keeps up to date.
    pub fn registry(&self) -> &AgentRegistry {
        self.inner.messaging.agents()
    }

    /// Whether the agent runs here.
    pub fn is_running(&self, id: Uuid) -> bool {
        self.inner.messaging.agents().is_running(id)
    }

    /// Starts the agent unless it already runs (then nothing changes) and marks it enabled.
    /// Returns the stored agent. `Storage(NotFound)` for an unknown agent.
    pub async fn start(&self, id: Uuid) -> Result<Agent, ManagerError> {
        let _lock = self.lock_agent(id).await;
        if self.inner.running.lock().await.contains_key(&id) {
            return Ok(self.inner.messaging.db().get_agent(id).await?);
        }
        let agent = self.inner.messaging.db().get_agent(id).await?;
        let provider = provider_for(&agent.settings).map_err(ManagerError::Invalid)?;
        let plugins = self
            .inner
            .plugins
            .resolve(&agent.plugins)
            .map_err(ManagerError::Invalid)?;
        let ctx = PluginContext {
            agent: Arc::new(agent.clone()),
            db: self.inner.messaging.db().clone(),
            bus: self.inner.messaging.bus().clone(),
        };
        for p in &plugins {
            self.init_plugin(p, &ctx).await?;
        }
        let agent = if agent.enabled {
            agent
        } else {
            self.inner
                .messaging
                .db()
                .set_agent_enabled(id, true)
                .await?
        };
        self.inner
            .messaging
            .db()
            .add_agent_to_server(DEFAULT_SERVER_ID, id)
            .await?;
        let (stop, stop_rx) = watch::channel(false);
        let runtime = AgentRuntime::new(
            agent.clone(),
            self.inner.messaging.clone(),
            provider.clone(),
            self.inner.config.clone(),
        )
        .with_plugins(plugins.clone());
        let task = match &self.inner.spawner {
            Some(handle) => handle.spawn(runtime.run(stop_rx.clone())),
            None => tokio::spawn(runtime.run(stop_rx.clone())),
        };
        let services = Services::start(&plugins, &ctx, &stop_rx, self.inner.spawner.as_ref());
        self.inner.running.lock().await.insert(
            id,
            Running {
                stop,
                task,
                services,
                plugins,
                provider,
            },
        );
        self.inner.messaging.agents().mark_running(id);
        tracing::info!(agent.id = %id, agent.name = %agent.name, "agent started");
        Ok(agent)
    }

    /// Runs one plugin's `init` in its own task, so a panic is an error like any other,
    /// bounded by [`INIT_TIMEOUT`].
    async fn init_plugin(
        &self,
        plugin: &Arc<dyn Plugin>,
        ctx: &PluginContext,
    ) -> Result<(), ManagerError> {
        let (p, c) = (plugin.clone(), ctx.clone());
        let fut = async move { p.init(&c).await };
        let task = match &self.inner.spawner {
            Some(handle) => handle.spawn(fut),
            None => tokio::spawn(fut),
        };
        let abort = task.abort_handle();
        let message = match tokio::time::timeout(INIT_TIMEOUT, task).await {
            Ok(Ok(Ok(()))) => return Ok(()),
            Ok(Ok(Err(message))) => message,
            Ok(Err(_)) => "it panicked".to_owned(),
            Err(_) => {
                abort.abort();
                format!("it did not finish within {} s", INIT_TIMEOUT.as_secs())
            }
        };
        tracing::error!(agent.id = %ctx.agent.id, plugin = plugin.name(), error = %message,
            "plugin init failed; the agent does not start");
        Err(ManagerError::PluginInit {
            plugin: plugin.name(),
            message,
        })
    }

    /// The plugins of a running agent (`None` when it does not run here).
    pub async fn plugins(&self, id: Uuid) -> Option<Vec<Arc<dyn Plugin>>> {
        self.inner
            .running
            .lock()
            .await
            .get(&id)
            .map(|r| r.plugins.clone())
    }

    /// Every running agent with its plugins, ordered by id, so bare-path plugin dispatch
    /// sees the agents in a stable order.
    pub async fn running_plugins(&self) -> Vec<(Uuid, Vec<Arc<dyn Plugin>>)> {
        let mut all: Vec<_> = self
            .inner
            .running
            .lock()
            .await
            .iter()
            .map(|(id, r)| (*id, r.plugins.clone()))
            .collect();
        all.sort_by_key(|(id, _)| *id);
        all
    }

    /// The model provider of a running agent (`None` when it does not run here), so routes
    /// such as title generation and audio use the same models as the agent's replies.
    pub async fn provider(&self, id: Uuid) -> Option<Arc<dyn ModelProvider>> {
        self.inner
            .running
            .lock()
            .await
            .get(&id)
            .map(|r| r.provider.clone())
    }

    /// Stops the agent and marks it disabled; returns false if it was not running.
    pub async fn stop(&self, id: Uuid) -> Result<bool, ManagerError> {
        let _lock = self.lock_agent(id).await;
        if !self.halt(id).await {
            return Ok(false);
        }
        if let Err(e) = self.inner.messaging.settle_stopped_agent(id).await {
            tracing::warn!(agent.id = %id, error = %e, "deliveries of the stopped agent not settled");
        }
        match self.inner.messaging.db().set_agent_enabled(id, false).await {
            Ok(_) | Err(StorageError::NotFound(_)) => Ok(true),
            Err(e) => Err(e.into()),
        }
    }

    /// Stops every agent without changing `enabled`, for a graceful shutdown.
    pub async fn shutdown(&self) {
        let ids: Vec<Uuid> = self.inner.running.lock().await.keys().copied().collect();
        for id in ids {
            let _lock = self.lock_agent(id).await;
            self.halt(id).await;
        }
    }

    /// Starts every enabled agent; failures are logged and returned, never fatal.
    pub async fn start_enabled(&self) -> Result<Vec<(Uuid, ManagerError)>, StorageError> {
        let mut failures = Vec::new();
        for agent in self.inner.messaging.db().list_enabled_agents().await? {
            if let Err(e) = self.start(agent.id).await {
                tracing::error!(agent.id = %agent.id, error = %e, "agent did not start");
                failures.push((agent.id, e));
            }
        }
        Ok(failures)
    }

    /// Stops the runtime and the services (the caller holds the agent's lock); returns
    /// whether it was running.
    async fn halt(&self, id: Uuid) -> bool {
        let Some(r) = self.inner.running.lock().await.remove(&id) else {
            return false;
        };
        let _ = r.stop.send(true);
        let abort = r.task.abort_handle();
        let (task, services) = (r.task, r.services);
        let runtime = async {
            if tokio::time::timeout(STOP_GRACE, task).await.is_err() {
                abort.abort();
            }
        };
        tokio::join!(runtime, services.join(STOP_GRACE));
        self.inner.messaging.agents().mark_stopped(id);
        tracing::info!(agent.id = %id, "agent stopped");
        true
    }
}
