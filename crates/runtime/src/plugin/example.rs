//! `example`: a public panel, routes with a parameter and a wildcard, a `WAVE` action,
//! and an `init` that reads its configuration once, showing what a plugin can contribute.

use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};

use crate::action::{Action, Exchange, Outcome, Turn};
use crate::plugin::{
    Method, Plugin, PluginContext, PluginRequest, PluginResponse, PluginRoute, RouteHandler,
};
use crate::provider::BoxFuture;

/// The agent setting the panel's greeting comes from.
const GREETING_SETTING: &str = "EXAMPLE_GREETING";
/// The greeting's longest accepted length, in characters.
const MAX_GREETING: usize = 200;

/// The example plugin; `init` fixes its greeting for the agent it serves.
#[derive(Debug, Default)]
pub struct ExamplePlugin {
    greeting: OnceLock<String>,
}

/// `text` safe inside HTML.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Plugin for ExamplePlugin {
    fn name(&self) -> &'static str {
        "example"
    }
    fn description(&self) -> &'static str {
        "An example panel (GET /panel), routes with a parameter and a wildcard, and a WAVE action."
    }
    /// Reads `settings.EXAMPLE_GREETING` (default "Hello"); anything but a short string is
    /// refused, so a misconfigured agent does not start.
    fn init<'a>(&'a self, ctx: &'a PluginContext) -> BoxFuture<'a, Result<(), String>> {
        let greeting = match ctx.agent.settings.get(GREETING_SETTING) {
            None | Some(Value::Null) => Ok("Hello".to_owned()),
            Some(Value::String(s)) if s.chars().count() <= MAX_GREETING => Ok(s.clone()),
            Some(_) => Err(format!(
                "settings.{GREETING_SETTING} must be a string of at most {MAX_GREETING} characters"
            )),
        };
        Box::pin(async move {
            let _ = self.greeting.set(greeting?);
            Ok(())
        })
    }
    fn actions(&self) -> Vec<Action> {
        vec![Action {
            name: "WAVE",
            description: "Wave back at someone who waves at you (in addition to replying).",
            validate: Arc::new(|t: &Turn| t.message.content.to_lowercase().contains("wave")),
            handler: Arc::new(|ex: Exchange| {
                Box::pin(async move {
                    tracing::info!(agent.id = %ex.turn.agent.id, "example plugin: wave");
                    Outcome::default()
                })
            }),
        }]
    }
    fn routes(&self) -> Vec<PluginRoute> {
        let greeting = escape_html(self.greeting.get().map_or("Hello", String::as_str));
        let panel: RouteHandler = Arc::new(move |req: PluginRequest| {
            let greeting = greeting.clone();
            Box::pin(async move {
                PluginResponse::html(
                    200,
                    format!(
                        "<!doctype html><title>Example</title><p>{greeting} from agent {}</p>",
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
