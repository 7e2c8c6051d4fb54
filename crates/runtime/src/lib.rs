//! Agent runtimes: one `AgentRuntime` per running agent, owning its character, plugins and
//! model provider, and the task that handles its messages (design section 4, step 5).
//!
//! [`AgentManager`] starts and stops runtimes; [`AgentRegistry`] is the set of running
//! agents the HTTP edge reports in `/health`; [`ModelProvider`] is the model seam, with the
//! offline ELIZA provider as the default. How a message is answered is made of plugin
//! contributions ([`action`], [`plugin`]), the model choosing the actions ([`choice`]).

pub mod action;
mod agent;
pub mod choice;
pub mod eliza;
mod manager;
pub mod openai;
pub mod plugin;
pub mod prompt;
pub mod provider;
pub mod service;

pub use agent::{AgentRuntime, RuntimeConfig, ensure_channel_room};
pub use manager::{AgentManager, ManagerError};
pub use provider::{
    ElizaProvider, GenerateRequest, ModelProvider, ProviderError, provider_for, provider_with_env,
};

use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use uuid::Uuid;

/// The set of agents running in this process, shared by the HTTP edge and the runtimes.
#[derive(Debug, Clone, Default)]
pub struct AgentRegistry {
    running: Arc<RwLock<HashSet<Uuid>>>,
}

impl AgentRegistry {
    /// An empty registry: no agent runs until started.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an agent as running; returns false if it already was.
    pub fn mark_running(&self, id: Uuid) -> bool {
        self.running
            .write()
            .map(|mut set| set.insert(id))
            .unwrap_or(false)
    }

    /// Records an agent as stopped; returns false if it was not running.
    pub fn mark_stopped(&self, id: Uuid) -> bool {
        self.running
            .write()
            .map(|mut set| set.remove(&id))
            .unwrap_or(false)
    }

    /// Whether the agent is running here.
    pub fn is_running(&self, id: Uuid) -> bool {
        self.running
            .read()
            .map(|set| set.contains(&id))
            .unwrap_or(false)
    }

    /// How many agents run here; `/health` answers 503 when this is zero.
    pub fn running_count(&self) -> usize {
        self.running.read().map(|set| set.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_and_stop_are_idempotent() {
        let registry = AgentRegistry::new();
        let id = Uuid::new_v4();
        assert!(registry.mark_running(id));
        assert!(!registry.mark_running(id));
        assert_eq!(registry.running_count(), 1);
        assert!(registry.mark_stopped(id));
        assert!(!registry.mark_stopped(id));
        assert!(!registry.is_running(id));
    }
}
