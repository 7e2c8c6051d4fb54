//! Plugin services: long-running background tasks owned by a running agent.
//!
//! A service starts after every plugin of the agent initialised and runs until the agent
//! stops: it is then told to stop through its [`StopSignal`], awaited for a grace period
//! and aborted if it is still running, so stopping an agent is bounded whatever its
//! services do. A service that ends on its own (or fails) is logged and not restarted.

use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::plugin::{Plugin, PluginContext};
use crate::provider::BoxFuture;

/// Runs a service until its stop signal fires; an error is logged.
pub type ServiceRun =
    Arc<dyn Fn(ServiceContext) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// A plugin service.
#[derive(Clone)]
pub struct Service {
    /// Its name, for logs.
    pub name: &'static str,
    /// The task.
    pub run: ServiceRun,
}

/// What a service gets.
#[derive(Debug, Clone)]
pub struct ServiceContext {
    /// The agent and handles, as plugins' `init` gets them.
    pub plugin: PluginContext,
    /// Fires when the agent stops.
    pub stop: StopSignal,
}

/// Tells a service that its agent stops.
#[derive(Debug, Clone)]
pub struct StopSignal(watch::Receiver<bool>);

impl StopSignal {
    /// A signal that fires when `rx` turns true (or its sender is gone).
    pub fn new(rx: watch::Receiver<bool>) -> Self {
        StopSignal(rx)
    }

    /// Whether the agent is stopping.
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow() || self.0.has_changed().is_err()
    }

    /// Resolves once the agent is stopping; use it in a `select!` beside the work.
    pub async fn stopped(&mut self) {
        while !*self.0.borrow_and_update() {
            if self.0.changed().await.is_err() {
                return;
            }
        }
    }
}

/// The running services of one agent.
#[derive(Debug, Default)]
pub struct Services {
    tasks: Vec<(&'static str, JoinHandle<()>)>,
}

impl Services {
    /// Starts every service of `plugins` on `spawner` (or the current runtime).
    pub fn start(
        plugins: &[Arc<dyn Plugin>],
        ctx: &PluginContext,
        stop: &watch::Receiver<bool>,
        spawner: Option<&tokio::runtime::Handle>,
    ) -> Self {
        let mut tasks = Vec::new();
        for (plugin, service) in plugins
            .iter()
            .flat_map(|p| p.services().into_iter().map(move |s| (p.name(), s)))
        {
            let sc = ServiceContext {
                plugin: ctx.clone(),
                stop: StopSignal::new(stop.clone()),
            };
            let agent_id = ctx.agent.id;
            let name = service.name;
            let fut = async move {
                match (service.run)(sc).await {
                    Ok(()) => tracing::debug!(agent.id = %agent_id, plugin, service = name,
                        "service ended"),
                    Err(e) => tracing::warn!(agent.id = %agent_id, plugin, service = name,
                        error = %e, "service failed"),
                }
            };
            let task = match spawner {
                Some(h) => h.spawn(fut),
                None => tokio::spawn(fut),
            };
            tasks.push((name, task));
        }
        Services { tasks }
    }

    /// How many services were started.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Waits (the stop signal already sent) until every service ended or `grace` passed,
    /// then aborts those still running.
    pub async fn join(self, grace: std::time::Duration) {
        let aborts: Vec<_> = self
            .tasks
            .iter()
            .map(|(n, t)| (*n, t.abort_handle()))
            .collect();
        let all = async {
            for (_, t) in self.tasks {
                let _ = t.await;
            }
        };
        if tokio::time::timeout(grace, all).await.is_err() {
            for (name, a) in aborts {
                if !a.is_finished() {
                    tracing::warn!(service = name, "service did not stop in time; aborted");
                    a.abort();
                }
            }
        }
    }
}
