//! What plugins contribute to answering one message (elizaOS actions, providers and
//! evaluators, plus gates), and the runtime's steps that combine them.
//!
//! Answering a message is a fixed pipeline whose steps are plugin contributions:
//! 1. **gates** decide whether the agent answers at all ([`decide`]);
//! 2. every **action** whose `validate` accepts the [`Turn`] is *valid* ([`valid_actions`]);
//! 3. **context providers** compose the system prompt, the valid actions among it
//!    ([`compose`]);
//! 4. the model answers and names the actions it chose (`crate::choice`);
//! 5. the chosen actions run in order; the one whose [`Outcome`] carries text (the core
//!    plugin's `REPLY`) has it stored as the reply;
//! 6. **evaluators** run once the actions have.
//!
//! The built-in reply behaviour is itself such a plugin (`crate::plugin::core`), so none
//! of these steps is hard-wired in the runtime.

use std::sync::Arc;

use agentd_core::model::{Agent, Channel, Message};

use crate::plugin::Plugin;
use crate::provider::BoxFuture;

/// Everything known about one incoming message when the agent considers answering it.
#[derive(Debug, Clone)]
pub struct Turn {
    /// The agent (its character and settings).
    pub agent: Arc<Agent>,
    /// The channel the message is in.
    pub channel: Channel,
    /// How many members the channel has.
    pub participants: usize,
    /// The message to answer.
    pub message: Message,
    /// Recent history, newest first; the first entry is `message`.
    pub recent: Vec<Message>,
    /// Consecutive agent messages after which agents stop answering each other (the
    /// channel's `metadata.maxAgentStreak`, else the runtime's default).
    pub max_agent_streak: usize,
    /// The valid actions, known once validation ran (empty while gates and `validate` run).
    pub actions: Vec<ActionInfo>,
}

/// A gate's opinion on answering a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The message is for the agent.
    Answer,
    /// No opinion.
    Pass,
    /// The agent must not answer (a veto: it wins over any `Answer`).
    Refuse,
}

/// Decides, before any prompt is composed, whether the agent answers (elizaOS does this
/// inside plugin-bootstrap's message handler; here it is a replaceable contribution).
#[derive(Clone)]
pub struct Gate {
    /// Its name, for logs.
    pub name: &'static str,
    /// Its opinion on the turn.
    pub decide: Arc<dyn Fn(&Turn) -> Decision + Send + Sync>,
}

/// Context for the system prompt (an elizaOS "provider").
#[derive(Clone)]
pub struct ContextProvider {
    /// Upper-case name, for logs.
    pub name: &'static str,
    /// What it adds.
    pub description: &'static str,
    /// Where its text goes: lower first; equal positions keep plugin order.
    pub position: i32,
    /// The text to add, if any.
    pub get: Arc<dyn Fn(Arc<Turn>) -> BoxFuture<'static, Option<String>> + Send + Sync>,
}

/// What an action did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Text to send to the channel as the reply. Only one reply per message is stored
    /// (storage enforces it), so text from a later action is dropped with a warning.
    pub reply: Option<String>,
}

/// Decides from the turn whether an action may be chosen.
pub type Validate = Arc<dyn Fn(&Turn) -> bool + Send + Sync>;
/// Runs a chosen action.
pub type ActionHandler = Arc<dyn Fn(Exchange) -> BoxFuture<'static, Outcome> + Send + Sync>;
/// Runs an evaluator.
pub type AfterReply = Arc<dyn Fn(Exchange) -> BoxFuture<'static, ()> + Send + Sync>;

/// A plugin action: offered to the model when valid, run when chosen.
#[derive(Clone)]
pub struct Action {
    /// Upper-case name: what the model writes and what the reply's `actions` records.
    pub name: &'static str,
    /// What it does, shown to the model.
    pub description: &'static str,
    /// Whether it may be chosen for the turn.
    pub validate: Validate,
    /// What it does when chosen.
    pub handler: ActionHandler,
}

/// An action's name and description, as listed in the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInfo {
    /// The name.
    pub name: &'static str,
    /// The description.
    pub description: &'static str,
}

/// A plugin evaluator: runs after the chosen actions of every answered message.
#[derive(Clone)]
pub struct Evaluator {
    /// Its name, for logs.
    pub name: &'static str,
    /// What it does.
    pub handler: AfterReply,
}

/// What actions and evaluators see of one exchange.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The turn answered.
    pub turn: Arc<Turn>,
    /// The model's answer, without the action block.
    pub text: String,
    /// The chosen actions' names, in the order they run.
    pub actions: Vec<&'static str>,
    /// The stored reply, once an action sent it.
    pub reply: Option<Message>,
}

/// Whether the agent answers: some gate says [`Decision::Answer`] and none refuses.
/// Returns the refusing gate's name on a veto, for the log.
pub fn decide(plugins: &[Arc<dyn Plugin>], turn: &Turn) -> Result<bool, &'static str> {
    let mut answer = false;
    for gate in plugins.iter().flat_map(|p| p.gates()) {
        match (gate.decide)(turn) {
            Decision::Refuse => return Err(gate.name),
            Decision::Answer => answer = true,
            Decision::Pass => {}
        }
    }
    Ok(answer)
}

/// The actions of `plugins` whose `validate` accepts `turn`, in plugin order; a name
/// taken by an earlier plugin is skipped, so names stay unique.
pub fn valid_actions(plugins: &[Arc<dyn Plugin>], turn: &Turn) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    for a in plugins.iter().flat_map(|p| p.actions()) {
        if !out.iter().any(|o| o.name == a.name) && (a.validate)(turn) {
            out.push(a);
        }
    }
    out
}

/// The system prompt: every context provider's text by position, blank-line separated.
pub async fn compose(plugins: &[Arc<dyn Plugin>], turn: &Arc<Turn>) -> String {
    let mut providers: Vec<ContextProvider> = plugins.iter().flat_map(|p| p.providers()).collect();
    providers.sort_by_key(|p| p.position);
    let mut parts = Vec::new();
    for p in providers {
        if let Some(text) = (p.get)(turn.clone()).await.filter(|t| !t.trim().is_empty()) {
            parts.push(text);
        }
    }
    parts.join("\n\n")
}

/// Runs every evaluator of `plugins`, in order.
pub async fn evaluate(plugins: &[Arc<dyn Plugin>], ex: &Exchange) {
    for e in plugins.iter().flat_map(|p| p.evaluators()) {
        tracing::debug!(evaluator = e.name, agent.id = %ex.turn.agent.id, "evaluator");
        (e.handler)(ex.clone()).await;
    }
}

#[cfg(test)]
mod tests;
