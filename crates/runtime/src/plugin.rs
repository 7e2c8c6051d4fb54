//! Plugins: compiled-in extensions an agent names in its character (`plugins`).
//!
//! A plugin has a name, an `init` run when an agent with it starts, long-running `services`
//! owned by the running agent, and the pieces of message handling (`crate::action`): gates,
//! context providers, actions and evaluators. It may also serve HTTP routes under
//! `/api/agents/<id>/plugins/<plugin><route>`. Plugins are registered here by name; a character
//! naming an unknown plugin is refused with the list of known ones. Every agent runs the
//! [`core`] plugin (the reply behaviour) first, as elizaOS agents run plugin-bootstrap.

use std::collections::HashMap;
use std::sync::Arc;

use agentd_bus::Bus;
use agentd_core::model::Agent;
use agentd_storage::Db;
use serde_json::Value;
use uuid::Uuid;

use crate::action::{Action, ContextProvider, Evaluator, Gate};
use crate::provider::BoxFuture;
pub use crate::service::Service;

pub mod core;
mod example;
mod time;

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

/// What a plugin's `init` and services get: the agent they serve and the handles it runs
/// with. Plugins are compiled-in code, trusted like the runtime itself.
#[derive(Clone)]
pub struct PluginContext {
    /// The agent, as stored (settings and secrets included, for configuration).
    pub agent: Arc<Agent>,
    /// The database.
    pub db: Db,
    /// The bus.
    pub bus: Arc<dyn Bus>,
}

impl std::fmt::Debug for PluginContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginContext")
            .field("agent.id", &self.agent.id)
            .finish_non_exhaustive()
    }
}

/// A compiled-in plugin. One instance is made per agent start, so a plugin may keep
/// per-agent state; every method but `name` and `description` has a default.
pub trait Plugin: Send + Sync + 'static {
    /// The name characters use.
    fn name(&self) -> &'static str;
    /// What it does, for listings.
    fn description(&self) -> &'static str;
    /// Runs once when an agent with this plugin starts, before its services and before
    /// the agent handles any message. An error stops that agent's start (the agent stays
    /// inactive) and is reported to the caller; other agents are not affected.
    fn init<'a>(&'a self, _ctx: &'a PluginContext) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async { Ok(()) })
    }
    /// Long-running background tasks owned by the running agent: started after `init`,
    /// told to stop (and awaited, then aborted after a grace period) when it stops.
    fn services(&self) -> Vec<Service> {
        Vec::new()
    }
    /// Whether the agent answers a message at all.
    fn gates(&self) -> Vec<Gate> {
        Vec::new()
    }
    /// Context added to the agent's system prompt (elizaOS "providers").
    fn providers(&self) -> Vec<ContextProvider> {
        Vec::new()
    }
    /// Its actions: offered to the model when valid, run when chosen.
    fn actions(&self) -> Vec<Action> {
        Vec::new()
    }
    /// Its evaluators: run after the actions of every answered message.
    fn evaluators(&self) -> Vec<Evaluator> {
        Vec::new()
    }
    /// Its HTTP routes.
    fn routes(&self) -> Vec<PluginRoute> {
        Vec::new()
    }
}

/// elizaOS plugin names whose behaviour agentd has built in (storage, the model
/// providers); a character may list them and they add nothing.
/// `@elizaos/plugin-bootstrap` is the [`core`] plugin, which every agent runs anyway.
pub const BUILT_IN_ALIASES: &[&str] = &[
    "@elizaos/plugin-sql",
    "@elizaos/plugin-bootstrap",
    "@elizaos/plugin-openai",
    "@elizaos/plugin-ollama",
];

/// Makes a fresh instance of a plugin (one per agent start).
pub type PluginFactory = Arc<dyn Fn() -> Arc<dyn Plugin> + Send + Sync>;

/// The plugins characters may name: the compiled-in ones, plus any an embedding program
/// or a test registers. Cheap to clone.
#[derive(Clone)]
pub struct PluginRegistry {
    factories: Vec<(&'static str, PluginFactory)>,
}

impl std::fmt::Debug for PluginRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.factories.iter().map(|(n, _)| n))
            .finish()
    }
}

impl Default for PluginRegistry {
    fn default() -> Self {
        Self::builtin()
    }
}

impl PluginRegistry {
    /// The compiled-in plugins: `core`, `time`, `example`.
    pub fn builtin() -> Self {
        let mut r = PluginRegistry {
            factories: Vec::new(),
        };
        r.add(|| Arc::new(core::CorePlugin));
        r.add(|| Arc::new(time::TimePlugin));
        r.add(|| Arc::new(example::ExamplePlugin::default()));
        r
    }

    fn add(&mut self, make: impl Fn() -> Arc<dyn Plugin> + Send + Sync + 'static) {
        let name = make().name();
        self.factories.push((name, Arc::new(make)));
    }

    /// Registers another plugin; its name must not be taken (nor be an alias).
    pub fn register(
        &mut self,
        make: impl Fn() -> Arc<dyn Plugin> + Send + Sync + 'static,
    ) -> Result<(), String> {
        let name = make().name();
        if self.factories.iter().any(|(n, _)| *n == name) || BUILT_IN_ALIASES.contains(&name) {
            return Err(format!("a plugin named \"{name}\" is already registered"));
        }
        self.add(make);
        Ok(())
    }

    /// The names characters may use, aliases last.
    pub fn names(&self) -> Vec<&'static str> {
        self.factories
            .iter()
            .map(|(n, _)| *n)
            .chain(BUILT_IN_ALIASES.iter().copied())
            .collect()
    }

    /// Fresh instances of the plugins an agent runs for its character's `plugins` list:
    /// [`core`] first, then the named ones in order (each once), or an error naming the
    /// unknown one.
    pub fn resolve(&self, names: &Value) -> Result<Vec<Arc<dyn Plugin>>, String> {
        let mut out: Vec<Arc<dyn Plugin>> = Vec::new();
        let wanted = std::iter::once(core::NAME).chain(
            names
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        );
        for name in wanted {
            if BUILT_IN_ALIASES.contains(&name) || out.iter().any(|o| o.name() == name) {
                continue;
            }
            let Some((_, make)) = self.factories.iter().find(|(n, _)| *n == name) else {
                return Err(format!(
                    "Unknown plugin \"{name}\"; available: {}",
                    self.names().join(", ")
                ));
            };
            out.push(make());
        }
        Ok(out)
    }
}

/// [`PluginRegistry::resolve`] over the compiled-in plugins.
pub fn resolve_plugins(names: &Value) -> Result<Vec<Arc<dyn Plugin>>, String> {
    PluginRegistry::builtin().resolve(names)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn plugins_resolve_by_name_core_first_and_unknown_names_are_errors() {
        let names = json!(["@elizaos/plugin-sql", "time", "example", "time", "core"]);
        let got: Vec<&str> = resolve_plugins(&names)
            .unwrap()
            .iter()
            .map(|p| p.name())
            .collect();
        assert_eq!(got, ["core", "time", "example"]);
        let only_core: Vec<&str> = resolve_plugins(&json!(null))
            .unwrap()
            .iter()
            .map(|p| p.name())
            .collect();
        assert_eq!(only_core, ["core"]);
        let err = resolve_plugins(&json!(["@acme/nope"])).err().unwrap();
        assert!(
            err.contains("\"@acme/nope\"") && err.contains("example"),
            "{err}"
        );
    }
}
