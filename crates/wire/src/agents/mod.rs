//! `/api/agents`: the agent rows and their list, creation and update bodies, start, panels
//! and logs; worlds and runs in their submodules.

mod character;
mod logs;
pub mod runs;
pub mod worlds;

pub use character::{AgentUpdate, CreatedAgent, NewAgent};
pub use logs::LogItem;

use agentd_core::character::mask_secrets;
use agentd_core::model;
use agentd_core::time::to_millis;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::envelope::{RouteNotFound, StdError};

/// Whether an agent runs on this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It runs.
    Active,
    /// It is stored but does not run.
    Inactive,
}

impl Status {
    /// `Active` when `running`, else `Inactive`.
    pub fn of(running: bool) -> Self {
        if running {
            Status::Active
        } else {
            Status::Inactive
        }
    }
}

/// A stored agent as `GET /api/agents/{agentId}` renders it; secrets leave only as
/// `********`. Character fields (`bio`, `style`, `messageExamples`...) are as given.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    /// Agent id.
    pub id: Uuid,
    /// Starts at boot when true.
    pub enabled: bool,
    /// The message server it belongs to.
    #[serde(rename = "server_id")]
    pub server_id: Option<Uuid>,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    /// Milliseconds since the epoch.
    pub updated_at: i64,
    /// Name.
    pub name: String,
    /// Username (empty when none).
    pub username: String,
    /// System prompt, when set and not empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// String or array of strings.
    pub bio: Value,
    /// Example conversations.
    pub message_examples: Value,
    /// Example posts.
    pub post_examples: Value,
    /// Topics.
    pub topics: Value,
    /// Adjectives.
    pub adjectives: Value,
    /// Knowledge items.
    pub knowledge: Value,
    /// Plugin names.
    pub plugins: Value,
    /// Settings; every value under `secrets` is masked.
    pub settings: Value,
    /// Style rules (`all`, `chat`, `post`).
    pub style: Value,
    /// Whether it runs.
    pub status: Status,
}

impl Agent {
    /// The stored row `a`, secrets masked; `running` gives its status.
    pub fn render(a: &model::Agent, running: bool) -> Self {
        Agent {
            id: a.id,
            enabled: a.enabled,
            server_id: a.server_id,
            created_at: to_millis(a.created_at),
            updated_at: to_millis(a.updated_at),
            name: a.name.clone(),
            username: a.username.clone().unwrap_or_default(),
            system: a.system.clone().filter(|s| !s.is_empty()),
            bio: a.bio.clone(),
            message_examples: a.message_examples.clone(),
            post_examples: a.post_examples.clone(),
            topics: a.topics.clone(),
            adjectives: a.adjectives.clone(),
            knowledge: a.knowledge.clone(),
            plugins: a.plugins.clone(),
            settings: mask_secrets(&a.settings),
            style: a.style.clone(),
            status: Status::of(running),
        }
    }
}

/// A list item of `GET /api/agents`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentSummary {
    /// Agent id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Same as `name`.
    pub character_name: String,
    /// The first bio line (the bio itself when it is not an array).
    pub bio: Value,
    /// Whether it runs.
    pub status: Status,
}

impl AgentSummary {
    /// The summary of `a`.
    pub fn render(a: &model::Agent, running: bool) -> Self {
        let bio = match &a.bio {
            Value::Array(v) => v.first().cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        AgentSummary {
            id: a.id,
            name: a.name.clone(),
            character_name: a.name.clone(),
            bio,
            status: Status::of(running),
        }
    }
}

/// `data` of `GET /api/agents`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentList {
    /// Running agents first, then by name.
    pub agents: Vec<AgentSummary>,
}

impl AgentList {
    /// The agents, each with whether it runs, in list order: running first, then by name.
    pub fn new<'a>(agents: impl IntoIterator<Item = (&'a model::Agent, bool)>) -> Self {
        let mut agents: Vec<AgentSummary> = agents
            .into_iter()
            .map(|(a, running)| AgentSummary::render(a, running))
            .collect();
        agents.sort_by(|a, b| {
            let running = |s: &AgentSummary| s.status == Status::Active;
            running(b)
                .cmp(&running(a))
                .then_with(|| a.name.cmp(&b.name))
        });
        AgentList { agents }
    }
}

/// `data` of `POST /api/agents/{agentId}/start`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Started {
    /// Agent id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Always `active`.
    pub status: Status,
}

/// A panel: a public, named GET route of one of the agent's plugins.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Panel {
    /// The route's panel name.
    pub name: String,
    /// `/api/agents/<id>/plugins/<plugin><route>?agentId=<id>`.
    pub path: String,
}

impl Panel {
    /// The panel `name` of `plugin`'s route `route` (a path starting with `/`) for `agent`.
    pub fn new(agent: Uuid, plugin: &str, route: &str, name: &str) -> Self {
        Panel {
            name: name.to_owned(),
            path: format!("/api/agents/{agent}/plugins/{plugin}{route}?agentId={agent}"),
        }
    }
}

/// The 404 of a plugin route: `AGENT_NOT_FOUND` in the standard envelope when the agent
/// does not run, the unmatched-route envelope when no route of its plugins matches.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PluginRouteNotFound {
    /// The agent does not run.
    Agent(StdError),
    /// No route matches.
    Route(RouteNotFound),
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use serde_json::json;

    fn agent(name: &str) -> model::Agent {
        let mut a = model::Agent::new(Uuid::new_v4(), name, Utc::now());
        a.settings = json!({"model": "m", "secrets": {"KEY": "real"}});
        a.bio = json!(["first", "second"]);
        a
    }

    #[test]
    fn an_agent_renders_with_secrets_masked_and_no_empty_system() {
        let mut a = agent("Ada");
        a.system = Some(String::new());
        let v = serde_json::to_value(Agent::render(&a, true)).unwrap();
        assert_eq!(v["settings"]["secrets"]["KEY"], "********");
        assert_eq!(v["status"], "active");
        assert_eq!(v["server_id"], Value::Null);
        assert_eq!(v["username"], "");
        assert!(v.get("system").is_none());
    }

    #[test]
    fn the_list_has_running_agents_first_then_names_in_order() {
        let (b, a, c) = (agent("b"), agent("a"), agent("c"));
        let list = AgentList::new([(&b, false), (&c, true), (&a, false)]);
        let names: Vec<&str> = list.agents.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["c", "a", "b"]);
        assert_eq!(list.agents[1].bio, json!("first"));
    }
}
