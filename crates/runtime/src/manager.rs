//! `AgentManager`: starts and stops agent runtimes, hot and idempotently.
//!
//! One lock serialises start and stop of all agents, so two concurrent starts of one
//! agent cannot run it twice; each agent is its own task, so starting or stopping one
//! never touches another. The `enabled` column records the operator's intent: `start`
//! sets it, `stop` clears it, and a shutdown leaves it, so agents running at shutdown
//! start again at boot.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use agentd_bus::Bus;
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::Agent;
use agentd_storage::prelude::*;
use agentd_storage::{Db, StorageError};
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::AgentRegistry;
use crate::agent::{AgentRuntime, RuntimeConfig};
use crate::plugin::{Plugin, resolve_plugins};
use crate::provider::{ModelProvider, provider_for};

/// How long a stopping agent may take to finish the message in hand before it is aborted.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Why an agent could not be started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ManagerError {
    /// The agent's configuration cannot run (for example an unknown model provider).
    #[error("{0}")]
    Invalid(String),
    /// Storage failed (including `NotFound` for an unknown agent).
    #[error(transparent)]
    Storage(#[from] StorageError),
}

struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    plugins: Vec<Arc<dyn Plugin>>,
    provider: Arc<dyn ModelProvider>,
}

struct Inner {
    db: Db,
    bus: Arc<dyn Bus>,
    registry: AgentRegistry,
    config: RuntimeConfig,
    spawner: Option<tokio::runtime::Handle>,
    running: Mutex<HashMap<Uuid, Running>>,
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
        AgentManager {
            inner: Arc::new(Inner {
                db,
                bus,
                registry,
                config,
                spawner: tokio::runtime::Handle::try_current().ok(),
                running: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The registry of running agents this manager keeps up to date.
    pub fn registry(&self) -> &AgentRegistry {
        &self.inner.registry
    }

    /// Whether the agent runs here.
    pub fn is_running(&self, id: Uuid) -> bool {
        self.inner.registry.is_running(id)
    }

    /// Starts the agent unless it already runs (then nothing changes) and marks it enabled.
    /// Returns the stored agent. `Storage(NotFound)` for an unknown agent.
    pub async fn start(&self, id: Uuid) -> Result<Agent, ManagerError> {
        let mut running = self.inner.running.lock().await;
        if running.contains_key(&id) {
            return Ok(self.inner.db.get_agent(id).await?);
        }
        let agent = self.inner.db.get_agent(id).await?;
        let provider = provider_for(&agent.settings).map_err(ManagerError::Invalid)?;
        let plugins = resolve_plugins(&agent.plugins).map_err(ManagerError::Invalid)?;
        let agent = if agent.enabled {
            agent
        } else {
            self.inner.db.set_agent_enabled(id, true).await?
        };
        self.inner
            .db
            .add_agent_to_server(DEFAULT_SERVER_ID, id)
            .await?;
        let (stop, stop_rx) = watch::channel(false);
        let runtime = AgentRuntime::new(
            agent.clone(),
            self.inner.db.clone(),
            self.inner.bus.clone(),
            provider.clone(),
            self.inner.config.clone(),
        )
        .with_plugins(plugins.clone());
        let task = match &self.inner.spawner {
            Some(handle) => handle.spawn(runtime.run(stop_rx)),
            None => tokio::spawn(runtime.run(stop_rx)),
        };
        running.insert(
            id,
            Running {
                stop,
                task,
                plugins,
                provider,
            },
        );
        self.inner.registry.mark_running(id);
        tracing::info!(agent.id = %id, agent.name = %agent.name, "agent started");
        Ok(agent)
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
    /// (spec 4.2) sees the agents in a stable order.
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
        if !self.halt(id).await {
            return Ok(false);
        }
        match self.inner.db.set_agent_enabled(id, false).await {
            Ok(_) | Err(StorageError::NotFound(_)) => Ok(true),
            Err(e) => Err(e.into()),
        }
    }

    /// Stops every agent without changing `enabled`, for a graceful shutdown.
    pub async fn shutdown(&self) {
        let ids: Vec<Uuid> = self.inner.running.lock().await.keys().copied().collect();
        for id in ids {
            self.halt(id).await;
        }
    }

    /// Starts every enabled agent; failures are logged and returned, never fatal.
    pub async fn start_enabled(&self) -> Result<Vec<(Uuid, ManagerError)>, StorageError> {
        let mut failures = Vec::new();
        for agent in self.inner.db.list_enabled_agents().await? {
            if let Err(e) = self.start(agent.id).await {
                tracing::error!(agent.id = %agent.id, error = %e, "agent did not start");
                failures.push((agent.id, e));
            }
        }
        Ok(failures)
    }

    /// Stops the task; returns whether it was running.
    async fn halt(&self, id: Uuid) -> bool {
        let Some(r) = self.inner.running.lock().await.remove(&id) else {
            return false;
        };
        let _ = r.stop.send(true);
        let abort = r.task.abort_handle();
        if tokio::time::timeout(STOP_GRACE, r.task).await.is_err() {
            abort.abort();
        }
        self.inner.registry.mark_stopped(id);
        tracing::info!(agent.id = %id, "agent stopped");
        true
    }
}
