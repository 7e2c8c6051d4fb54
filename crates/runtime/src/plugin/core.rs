//! `core`: the reply behaviour every agent runs (elizaOS's plugin-bootstrap).
//!
//! - Gates: `ADDRESSED` answers in DMs, sessions, API and two-member channels, and in
//!   groups when the agent is named, targeted (`metadata.targetAgentId`) or configured to
//!   answer (`settings.respondInGroups`); `LOOP_GUARD` refuses once the newest messages
//!   are `max_agent_streak` agent replies in a row.
//! - Context: `CHARACTER` (system text, bio, style, example conversations) first, and
//!   `ACTIONS` last: the valid actions and the answer format (`crate::choice`).
//! - Actions: `REPLY` sends the model's answer; `IGNORE` sends nothing.
//!
//! The history itself is given to the model as chat messages by the runtime.

use std::sync::Arc;

use crate::action::{Action, ContextProvider, Decision, Exchange, Gate, Outcome, Turn};
use crate::plugin::Plugin;
use crate::prompt::{agent_streak, should_respond, system_prompt};

/// The plugin's name.
pub const NAME: &str = "core";
/// The action that sends the model's answer as the reply.
pub const REPLY: &str = "REPLY";
/// The action that stays silent.
pub const IGNORE: &str = "IGNORE";
/// Actions that steer the conversation itself rather than doing something beside it; a
/// provider that cannot choose gets `REPLY` and none of the others (`crate::choice`).
pub const CONTROL_ACTIONS: &[&str] = &[REPLY, IGNORE];

/// The name of the gate that stops agents answering each other in a loop.
pub const LOOP_GUARD: &str = "LOOP_GUARD";

/// The core plugin.
#[derive(Debug, Clone, Copy, Default)]
pub struct CorePlugin;

impl Plugin for CorePlugin {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "The reply behaviour: when to answer, the character prompt, REPLY and IGNORE."
    }

    fn gates(&self) -> Vec<Gate> {
        vec![
            Gate {
                name: "ADDRESSED",
                decide: Arc::new(|t: &Turn| {
                    if should_respond(&t.agent, &t.channel, t.participants, &t.message) {
                        Decision::Answer
                    } else {
                        Decision::Pass
                    }
                }),
            },
            Gate {
                name: LOOP_GUARD,
                decide: Arc::new(|t: &Turn| {
                    if agent_streak(&t.recent) >= t.max_agent_streak {
                        Decision::Refuse
                    } else {
                        Decision::Pass
                    }
                }),
            },
        ]
    }

    fn providers(&self) -> Vec<ContextProvider> {
        vec![
            ContextProvider {
                name: "CHARACTER",
                description: "The character's system text, bio, style and examples.",
                position: -100,
                get: Arc::new(|t: Arc<Turn>| {
                    Box::pin(async move { Some(system_prompt(&t.agent)) })
                }),
            },
            ContextProvider {
                name: "ACTIONS",
                description: "The valid actions and how to choose them.",
                position: 100,
                get: Arc::new(|t: Arc<Turn>| Box::pin(async move { actions_context(&t) })),
            },
        ]
    }

    fn actions(&self) -> Vec<Action> {
        vec![
            Action {
                name: REPLY,
                description: "Answer the message with the text you write after the block.",
                validate: Arc::new(|_: &Turn| true),
                handler: Arc::new(|ex: Exchange| {
                    Box::pin(async move {
                        Outcome {
                            reply: Some(ex.text).filter(|t| !t.trim().is_empty()),
                        }
                    })
                }),
            },
            Action {
                name: IGNORE,
                description: "Say nothing: the message is not for you, or the conversation is over.",
                validate: Arc::new(|_: &Turn| true),
                handler: Arc::new(|_: Exchange| Box::pin(async { Outcome::default() })),
            },
        ]
    }
}

/// The list of valid actions and the answer format the runtime parses.
fn actions_context(t: &Turn) -> Option<String> {
    if t.actions.is_empty() {
        return None;
    }
    let mut out = String::from("Actions you can take (choose one or more):");
    for a in &t.actions {
        out.push_str(&format!("\n- {}: {}", a.name, a.description));
    }
    out.push_str(
        "\n\nBegin your answer with the names of the actions you choose in one block on \
         its own line, then write your reply, for example:\n<actions>REPLY</actions>\nYour reply.",
    );
    Some(out)
}
