//! Plugins: compiled-in extensions an agent names in its character (`plugins`).
//!
//! A plugin contributes context to the prompt (elizaOS "providers") and HTTP routes
//! (spec 4), served under `/api/agents/<id>/plugins/<plugin><route>`. Plugins are
//! registered here by name; a character naming an unknown plugin is refused with the list
//! of known ones. Actions and evaluators are in [`crate::action`]; services are not part of
//! the trait yet.

use std::collections::HashMap;
use std::sync::Arc;

use agentd_core::model::Agent;
use chrono::Utc;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::provider::BoxFuture;

/// The HTTP method of a plugin route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The method of an HTTP method name (any case), if a plugin route can have it.
    pub fn parse(s: &str) -> Option<Method> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "PATCH" => Some(Method::Patch),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

/// What a route handler gets.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginRequest {
    /// The agent the route was called for.
    pub agent_id: Uuid,
    /// The path after `/plugins` (starting with `/<plugin name>`).
    pub path: String,
    /// `:name` parameters of the route pattern.
    pub params: HashMap<String, String>,
    /// Query string parameters (the last value of a repeated key).
    pub query: HashMap<String, String>,
    /// The JSON body (`null` when empty).
    pub body: Value,
}

/// What a route handler answers.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginResponse {
    /// HTTP status.
    pub status: u16,
    /// Content type of `body`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

impl PluginResponse {
    /// A JSON answer.
    pub fn json(status: u16, v: &Value) -> Self {
        PluginResponse {
            status,
            content_type: "application/json",
            body: v.to_string().into_bytes(),
        }
    }

    /// An HTML answer (panels).
    pub fn html(status: u16, html: String) -> Self {
        PluginResponse {
            status,
            content_type: "text/html; charset=utf-8",
            body: html.into_bytes(),
        }
    }
}

/// A route handler.
pub type RouteHandler =
    Arc<dyn Fn(PluginRequest) -> BoxFuture<'static, PluginResponse> + Send + Sync>;

/// One HTTP route of a plugin. `path` may hold `:name` segments and may end in `/*`.
#[derive(Clone)]
pub struct PluginRoute {
    /// The method.
    pub method: Method,
    /// The path under the plugin, starting with `/`.
    pub path: &'static str,
    /// Listed as a panel when it is a named GET route.
    pub public: bool,
    /// The panel name.
    pub name: Option<&'static str>,
    /// The handler.
    pub handler: RouteHandler,
}

/// A compiled-in plugin.
pub trait Plugin: Send + Sync + 'static {
    /// The name characters use.
    fn name(&self) -> &'static str;
    /// What it does, for listings.
    fn description(&self) -> &'static str;
    /// Its HTTP routes.
    fn routes(&self) -> Vec<PluginRoute> {
        Vec::new()
    }
    /// Context added to the agent's system prompt (an elizaOS "provider").
    fn context(&self, _agent: &Agent) -> Option<String> {
        None
    }
    /// Its actions: recorded on replies they apply to, run after the reply is stored.
    fn actions(&self) -> Vec<crate::action::Action> {
        Vec::new()
    }
    /// Its evaluators: run after every stored reply.
    fn evaluators(&self) -> Vec<crate::action::Evaluator> {
        Vec::new()
    }
}

/// elizaOS plugin names whose behaviour agentd has built in (storage, the reply loop, the
/// model providers); a character may list them and they add nothing.
pub const BUILT_IN_ALIASES: &[&str] = &[
    "@elizaos/plugin-sql",
    "@elizaos/plugin-bootstrap",
    "@elizaos/plugin-openai",
    "@elizaos/plugin-ollama",
];

/// Every compiled-in plugin.
pub fn registry() -> Vec<Arc<dyn Plugin>> {
    vec![Arc::new(TimePlugin), Arc::new(ExamplePlugin)]
}

/// The plugins a character's `plugins` list names, or an error naming the unknown one.
pub fn resolve_plugins(names: &Value) -> Result<Vec<Arc<dyn Plugin>>, String> {
    let all = registry();
    let mut out: Vec<Arc<dyn Plugin>> = Vec::new();
    for name in names
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if BUILT_IN_ALIASES.contains(&name) {
            continue;
        }
        let Some(p) = all.iter().find(|p| p.name() == name) else {
            let known: Vec<&str> = all
                .iter()
                .map(|p| p.name())
                .chain(BUILT_IN_ALIASES.iter().copied())
                .collect();
            return Err(format!(
                "Unknown plugin \"{name}\"; available: {}",
                known.join(", ")
            ));
        };
        if !out.iter().any(|o| o.name() == name) {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Matches `path` against a route `pattern` (`:name` segments, optional trailing `/*`);
/// returns the parameters. A `/*` pattern matches the prefix and anything below it.
pub fn match_route(pattern: &str, path: &str) -> Option<HashMap<String, String>> {
    if let Some(prefix) = pattern.strip_suffix("/*") {
        return path
            .strip_prefix(prefix)
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            .map(|_| HashMap::new());
    }
    let (pat, segs): (Vec<&str>, Vec<&str>) = (
        pattern.trim_matches('/').split('/').collect(),
        path.trim_matches('/').split('/').collect(),
    );
    if pat.len() != segs.len() {
        return None;
    }
    let mut params = HashMap::new();
    for (p, s) in pat.iter().zip(&segs) {
        if let Some(name) = p.strip_prefix(':') {
            if s.is_empty() {
                return None;
            }
            params.insert(name.to_owned(), (*s).to_owned());
        } else if p != s {
            return None;
        }
    }
    Some(params)
}

/// `time`: tells the model the current date and time.
struct TimePlugin;

impl Plugin for TimePlugin {
    fn name(&self) -> &'static str {
        "time"
    }
    fn description(&self) -> &'static str {
        "Adds the current UTC date and time to the prompt."
    }
    fn context(&self, _agent: &Agent) -> Option<String> {
        Some(format!(
            "The current time is {}.",
            Utc::now().format("%A %Y-%m-%d %H:%M UTC")
        ))
    }
}

/// `example`: a public panel and two API routes, showing the route rules.
struct ExamplePlugin;

impl Plugin for ExamplePlugin {
    fn name(&self) -> &'static str {
        "example"
    }
    fn description(&self) -> &'static str {
        "An example panel (GET /panel), routes with a parameter and a wildcard, and a WAVE action."
    }
    fn actions(&self) -> Vec<crate::action::Action> {
        vec![crate::action::Action {
            name: "WAVE",
            description: "Marks replies to messages that mention waving.",
            validate: Arc::new(|ex: &crate::action::Exchange| {
                ex.message.to_lowercase().contains("wave")
            }),
            handler: Arc::new(|ex: crate::action::Exchange| {
                Box::pin(async move {
                    tracing::info!(agent.id = %ex.agent_id, "example plugin: wave");
                })
            }),
        }]
    }
    fn routes(&self) -> Vec<PluginRoute> {
        let panel: RouteHandler = Arc::new(|req: PluginRequest| {
            Box::pin(async move {
                PluginResponse::html(
                    200,
                    format!(
                        "<!doctype html><title>Example</title><p>Agent {}</p>",
                        req.agent_id
                    ),
                )
            })
        });
        let item: RouteHandler = Arc::new(|req: PluginRequest| {
            Box::pin(async move {
                PluginResponse::json(200, &json!({"params": req.params, "query": req.query}))
            })
        });
        let files: RouteHandler = Arc::new(|req: PluginRequest| {
            Box::pin(async move {
                PluginResponse::json(200, &json!({"path": req.path, "body": req.body}))
            })
        });
        vec![
            PluginRoute {
                method: Method::Get,
                path: "/panel",
                public: true,
                name: Some("Example"),
                handler: panel,
            },
            PluginRoute {
                method: Method::Get,
                path: "/items/:id",
                public: false,
                name: None,
                handler: item,
            },
            PluginRoute {
                method: Method::Post,
                path: "/files/*",
                public: false,
                name: None,
                handler: files,
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_patterns_match_params_and_wildcards() {
        let p = match_route("/example/items/:id", "/example/items/42").unwrap();
        assert_eq!(p["id"], "42");
        assert!(match_route("/example/items/:id", "/example/items").is_none());
        assert!(match_route("/example/items/:id", "/example/items/1/2").is_none());
        assert!(match_route("/example/files/*", "/example/files/a/b.txt").is_some());
        assert!(match_route("/example/files/*", "/example/files").is_some());
        assert!(match_route("/example/files/*", "/example/filesystem").is_none());
    }

    #[test]
    fn plugins_resolve_by_name_and_unknown_names_are_errors() {
        let names = json!(["@elizaos/plugin-sql", "time", "example", "time"]);
        let got: Vec<&str> = resolve_plugins(&names)
            .unwrap()
            .iter()
            .map(|p| p.name())
            .collect();
        assert_eq!(got, ["time", "example"]);
        let err = resolve_plugins(&json!(["@acme/nope"])).err().unwrap();
        assert!(
            err.contains("\"@acme/nope\"") && err.contains("example"),
            "{err}"
        );
    }
}
