//! Plugin actions and evaluators (elizaOS `actions` / `evaluators`), in a minimal shape.
//!
//! An [`Action`] says, from the incoming message, whether it applies (`validate`); the
//! runtime records the names of the applying actions in the reply's `actions` (next to
//! `REPLY`) and runs their handlers once the reply is stored. An [`Evaluator`] runs after
//! every stored reply (memory extraction, reflection, metrics). Both are compiled-in code,
//! so they get the texts only: no storage or network handle is granted here.

use std::sync::Arc;

use uuid::Uuid;

use crate::plugin::Plugin;
use crate::provider::BoxFuture;

/// What actions and evaluators see of one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The agent that answered.
    pub agent_id: Uuid,
    /// The channel of the exchange.
    pub channel_id: Uuid,
    /// The incoming message's text.
    pub message: String,
    /// The agent's reply text (empty while validating).
    pub reply: String,
}

/// Decides from the incoming message whether an action applies.
pub type Validate = Arc<dyn Fn(&Exchange) -> bool + Send + Sync>;
/// Runs an action or an evaluator after the reply is stored.
pub type AfterReply = Arc<dyn Fn(Exchange) -> BoxFuture<'static, ()> + Send + Sync>;

/// A plugin action.
#[derive(Clone)]
pub struct Action {
    /// Upper-case name recorded in the reply's `actions` (elizaOS convention).
    pub name: &'static str,
    /// What it does, for listings and prompts.
    pub description: &'static str,
    /// Whether it applies to the exchange.
    pub validate: Validate,
    /// What it does once the reply is stored.
    pub handler: AfterReply,
}

/// A plugin evaluator: runs after every stored reply.
#[derive(Clone)]
pub struct Evaluator {
    /// Its name, for logs.
    pub name: &'static str,
    /// What it does.
    pub handler: AfterReply,
}

/// The actions of `plugins` that apply to `ex`, in plugin order.
pub fn applying_actions(plugins: &[Arc<dyn Plugin>], ex: &Exchange) -> Vec<Action> {
    plugins
        .iter()
        .flat_map(|p| p.actions())
        .filter(|a| (a.validate)(ex))
        .collect()
}

/// Runs the handlers of `actions`, then every evaluator of `plugins`, in order.
pub async fn after_reply(plugins: &[Arc<dyn Plugin>], actions: &[Action], ex: &Exchange) {
    for a in actions {
        (a.handler)(ex.clone()).await;
    }
    for e in plugins.iter().flat_map(|p| p.evaluators()) {
        tracing::debug!(evaluator = e.name, agent.id = %ex.agent_id, "evaluator");
        (e.handler)(ex.clone()).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Records what ran; its action applies to messages containing "time".
    struct Probe(Arc<Mutex<Vec<String>>>);

    impl Plugin for Probe {
        fn name(&self) -> &'static str {
            "probe"
        }
        fn description(&self) -> &'static str {
            "test"
        }
        fn actions(&self) -> Vec<Action> {
            let log = self.0.clone();
            vec![Action {
                name: "TELL_TIME",
                description: "tells the time",
                validate: Arc::new(|ex: &Exchange| ex.message.contains("time")),
                handler: Arc::new(move |ex: Exchange| {
                    let log = log.clone();
                    Box::pin(async move {
                        if let Ok(mut l) = log.lock() {
                            l.push(format!("action:{}", ex.reply));
                        }
                    })
                }),
            }]
        }
        fn evaluators(&self) -> Vec<Evaluator> {
            let log = self.0.clone();
            vec![Evaluator {
                name: "count",
                handler: Arc::new(move |ex: Exchange| {
                    let log = log.clone();
                    Box::pin(async move {
                        if let Ok(mut l) = log.lock() {
                            l.push(format!("eval:{}", ex.message));
                        }
                    })
                }),
            }]
        }
    }

    fn exchange(message: &str) -> Exchange {
        Exchange {
            agent_id: Uuid::nil(),
            channel_id: Uuid::nil(),
            message: message.into(),
            reply: String::new(),
        }
    }

    #[tokio::test]
    async fn actions_apply_by_validation_and_evaluators_always_run() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let plugins: Vec<Arc<dyn Plugin>> = vec![Arc::new(Probe(log.clone()))];
        let mut ex = exchange("what time is it");
        let actions = applying_actions(&plugins, &ex);
        assert_eq!(
            actions.iter().map(|a| a.name).collect::<Vec<_>>(),
            ["TELL_TIME"]
        );
        ex.reply = "noon".into();
        after_reply(&plugins, &actions, &ex).await;
        let other = exchange("hello");
        let none = applying_actions(&plugins, &other);
        assert!(none.is_empty());
        after_reply(&plugins, &none, &other).await;
        assert_eq!(
            *log.lock().unwrap(),
            ["action:noon", "eval:what time is it", "eval:hello"]
        );
    }
}
