//! Which agents run in this process: who a message is handed to.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use uuid::Uuid;

/// The set of agents running in this process, shared by the HTTP edge, the messaging
/// service (a message is dispatched to the running participants) and the runtimes.
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
