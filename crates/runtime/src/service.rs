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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use agentd_bus::LocalBus;
    use agentd_core::model::Agent;
    use agentd_storage::testing::TestDb;
    use uuid::Uuid;

    use super::*;

    /// Sets its flag when dropped: when the service's future is dropped by an abort.
    struct Dropped(Arc<AtomicBool>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// One service that never looks at its stop signal.
    struct Stubborn(Arc<AtomicBool>);

    impl Plugin for Stubborn {
        fn name(&self) -> &'static str {
            "stubborn"
        }
        fn description(&self) -> &'static str {
            "ignores stop"
        }
        fn services(&self) -> Vec<Service> {
            let flag = self.0.clone();
            vec![Service {
                name: "forever",
                run: Arc::new(move |_ctx: ServiceContext| {
                    let guard = Dropped(flag.clone());
                    Box::pin(async move {
                        let _guard = guard;
                        std::future::pending::<()>().await;
                        Ok(())
                    })
                }),
            }]
        }
    }

    #[tokio::test]
    async fn a_service_that_ignores_stop_is_aborted_after_the_grace() {
        let t = TestDb::sqlite().await;
        let ctx = PluginContext {
            agent: Arc::new(Agent::new(Uuid::new_v4(), "Ann", chrono::Utc::now())),
            db: t.db().clone(),
            bus: Arc::new(LocalBus::default()),
        };
        let aborted = Arc::new(AtomicBool::new(false));
        let plugins: Vec<Arc<dyn Plugin>> = vec![Arc::new(Stubborn(aborted.clone()))];
        let (stop, rx) = watch::channel(false);
        let services = Services::start(&plugins, &ctx, &rx, None);
        assert_eq!(services.len(), 1);
        stop.send(true).unwrap();
        let started = std::time::Instant::now();
        services.join(Duration::from_millis(100)).await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "stop is bounded"
        );
        for _ in 0..100 {
            if aborted.load(Ordering::SeqCst) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the service was not aborted");
    }
}
