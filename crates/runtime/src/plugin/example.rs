//! `example`: a public panel, routes with a parameter and a wildcard, and a `WAVE`
//! action, showing what a plugin can contribute.

use std::sync::Arc;

use serde_json::json;

use crate::action::{Action, Exchange, Outcome, Turn};
use crate::plugin::{Method, Plugin, PluginRequest, PluginResponse, PluginRoute, RouteHandler};

/// The example plugin.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExamplePlugin;

impl Plugin for ExamplePlugin {
    fn name(&self) -> &'static str {
        "example"
    }
    fn description(&self) -> &'static str {
        "An example panel (GET /panel), routes with a parameter and a wildcard, and a WAVE action."
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
