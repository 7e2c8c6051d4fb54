//! Plugin lifecycle: `init` failures stop only that agent's start; services run while the
//! agent runs and stop with it, again after a restart.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use agentd_runtime::plugin::{Plugin, PluginContext, PluginRegistry};
use agentd_runtime::provider::BoxFuture;
use agentd_runtime::service::{Service, ServiceContext};
use agentd_runtime::{AgentManager, AgentRegistry, ManagerError, RuntimeConfig};
use agentd_storage::prelude::*;
use serde_json::json;

use crate::{Ctx, both};

/// Fails its `init` with a message, or panics in it.
struct Broken {
    panic: bool,
}

impl Plugin for Broken {
    fn name(&self) -> &'static str {
        if self.panic { "panicky" } else { "broken" }
    }
    fn description(&self) -> &'static str {
        "init fails"
    }
    fn init<'a>(&'a self, ctx: &'a PluginContext) -> BoxFuture<'a, Result<(), String>> {
        let panic = self.panic;
        let name = ctx.agent.name.clone();
        Box::pin(async move {
            assert!(!panic, "plugin bug");
            Err(format!("BROKEN_API_KEY is not set for {name}"))
        })
    }
}

/// What the ticker's service did.
#[derive(Default)]
struct Ticks {
    inits: AtomicUsize,
    starts: AtomicUsize,
    ticks: AtomicUsize,
    running: AtomicBool,
}

/// Counts inits, and runs a service that ticks until told to stop.
struct Ticker(Arc<Ticks>);

impl Plugin for Ticker {
    fn name(&self) -> &'static str {
        "ticker"
    }
    fn description(&self) -> &'static str {
        "a service"
    }
    fn init<'a>(&'a self, _ctx: &'a PluginContext) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.0.inits.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }
    fn services(&self) -> Vec<Service> {
        let t = self.0.clone();
        vec![Service {
            name: "tick",
            run: Arc::new(move |mut ctx: ServiceContext| {
                let t = t.clone();
                Box::pin(async move {
                    t.starts.fetch_add(1, Ordering::SeqCst);
                    t.running.store(true, Ordering::SeqCst);
                    loop {
                        tokio::select! {
                            () = ctx.stop.stopped() => break,
                            () = tokio::time::sleep(Duration::from_millis(5)) => {
                                t.ticks.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                    }
                    t.running.store(false, Ordering::SeqCst);
                    Ok(())
                })
            }),
        }]
    }
}

fn manager(c: &Ctx, ticks: &Arc<Ticks>) -> AgentManager {
    let mut plugins = PluginRegistry::builtin();
    plugins
        .register(|| Arc::new(Broken { panic: false }))
        .unwrap();
    plugins
        .register(|| Arc::new(Broken { panic: true }))
        .unwrap();
    let t = ticks.clone();
    plugins
        .register(move || Arc::new(Ticker(t.clone())))
        .unwrap();
    assert!(
        plugins
            .register(|| Arc::new(Ticker(Arc::default())))
            .is_err()
    );
    AgentManager::with_plugins(
        c.t.db().clone(),
        c.bus.clone(),
        AgentRegistry::new(),
        RuntimeConfig::default(),
        plugins,
    )
}

async fn failing_init_stops_only_that_start(c: Ctx) {
    let m = manager(&c, &Arc::default());
    let ok = c.agent("Ann", json!({})).await;
    m.start(ok.id).await.unwrap();
    for (plugin, said) in [
        ("broken", "BROKEN_API_KEY is not set for Bob"),
        ("panicky", "panicked"),
    ] {
        let mut bad = c.agent("Bob", json!({})).await;
        bad.plugins = json!(["time", plugin]);
        c.t.update_agent(&bad).await.unwrap();
        let err = m.start(bad.id).await.unwrap_err();
        assert!(
            matches!(&err, ManagerError::PluginInit { plugin: p, .. } if *p == plugin),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains(&format!("\"{plugin}\"")) && text.contains(said),
            "{text}"
        );
        assert!(!m.is_running(bad.id));
        assert!(!c.t.get_agent(bad.id).await.unwrap().enabled);
        assert!(m.plugins(bad.id).await.is_none());
        c.t.delete_agent(bad.id).await.unwrap();
    }
    assert!(m.is_running(ok.id), "other agents are not disturbed");
    assert_eq!(m.registry().running_count(), 1);
    m.shutdown().await;
}
both!(failing_init_stops_only_that_start);

async fn services_run_while_the_agent_runs(c: Ctx) {
    let ticks = Arc::new(Ticks::default());
    let m = manager(&c, &ticks);
    let mut a = c.agent("Ann", json!({})).await;
    a.plugins = json!(["ticker"]);
    c.t.update_agent(&a).await.unwrap();
    let wait_ticking = || async {
        let from = ticks.ticks.load(Ordering::SeqCst);
        for _ in 0..200 {
            if ticks.ticks.load(Ordering::SeqCst) > from + 2 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the service does not run");
    };
    for round in 1..=2 {
        m.start(a.id).await.unwrap();
        m.start(a.id).await.unwrap();
        wait_ticking().await;
        assert!(ticks.running.load(Ordering::SeqCst));
        assert_eq!(ticks.inits.load(Ordering::SeqCst), round);
        assert_eq!(ticks.starts.load(Ordering::SeqCst), round);
        assert!(m.stop(a.id).await.unwrap());
        assert!(
            !ticks.running.load(Ordering::SeqCst),
            "stop waits for the service to end"
        );
        let after = ticks.ticks.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(ticks.ticks.load(Ordering::SeqCst), after);
        assert!(!m.stop(a.id).await.unwrap(), "a second stop is a no-op");
    }
}
both!(services_run_while_the_agent_runs);
