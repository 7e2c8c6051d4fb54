//! `/api/agents`: agent CRUD, lifecycle, worlds, panels and logs, plus the memory and room
//! routes of `routes::memory` that are mounted here too. Family A envelopes.

pub mod character_path;
pub mod crud;
pub mod lifecycle;
pub mod logs;
pub mod plugins;
pub mod runs;
pub mod worlds;

use actix_web::web;
use agentd_core::character::mask_secrets;
use agentd_core::model::Agent;
use agentd_core::time::to_millis;
use serde_json::{Map, Value};

pub(crate) use crate::routes::support::{ok, optional_id, path_id, resource, running_agent};

/// The stored agent row as `GET /api/agents/:id` renders it, secrets masked.
pub(crate) fn render_agent(a: &Agent, running: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), a.id.to_string().into());
    m.insert("enabled".into(), a.enabled.into());
    m.insert(
        "server_id".into(),
        a.server_id.map(|s| s.to_string()).into(),
    );
    m.insert("createdAt".into(), to_millis(a.created_at).into());
    m.insert("updatedAt".into(), to_millis(a.updated_at).into());
    m.insert("name".into(), a.name.clone().into());
    m.insert(
        "username".into(),
        a.username.clone().unwrap_or_default().into(),
    );
    if let Some(s) = a.system.as_ref().filter(|s| !s.is_empty()) {
        m.insert("system".into(), s.clone().into());
    }
    m.insert("bio".into(), a.bio.clone());
    m.insert("messageExamples".into(), a.message_examples.clone());
    m.insert("postExamples".into(), a.post_examples.clone());
    m.insert("topics".into(), a.topics.clone());
    m.insert("adjectives".into(), a.adjectives.clone());
    m.insert("knowledge".into(), a.knowledge.clone());
    m.insert("plugins".into(), a.plugins.clone());
    m.insert("settings".into(), mask_secrets(&a.settings));
    m.insert("style".into(), a.style.clone());
    m.insert("status".into(), status(running).into());
    Value::Object(m)
}

/// `"active"` when running, else `"inactive"`.
pub(crate) fn status(running: bool) -> &'static str {
    if running { "active" } else { "inactive" }
}

/// Registers the `/api/agents` routes; `GET /worlds` comes before `/{agentId}`, so it is
/// reachable (it is shadowed in elizaOS 1.7.2).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/worlds").route(web::get().to(worlds::list_worlds)))
        .service(
            resource("")
                .route(web::get().to(crud::list_agents))
                .route(web::post().to(crud::create_agent)),
        )
        .service(
            resource("/{agentId}")
                .route(web::get().to(crud::get_agent))
                .route(web::patch().to(crud::update_agent))
                .route(web::delete().to(crud::delete_agent)),
        )
        .service(resource("/{agentId}/start").route(web::post().to(lifecycle::start_agent)))
        .service(resource("/{agentId}/stop").route(web::post().to(lifecycle::stop_agent)))
        .service(resource("/{agentId}/worlds").route(web::post().to(worlds::create_world)))
        .service(
            resource("/{agentId}/worlds/{worldId}").route(web::patch().to(worlds::update_world)),
        )
        .service(resource("/{agentId}/panels").route(web::get().to(plugins::list_panels)))
        .service(resource("/{agentId}/plugins/{tail:.*}").route(web::route().to(plugins::dispatch)))
        .service(resource("/{agentId}/logs").route(web::get().to(logs::list_logs)))
        .service(resource("/{agentId}/runs").route(web::get().to(runs::list_runs)))
        .service(resource("/{agentId}/runs/{runId}").route(web::get().to(runs::get_run)))
        .service(resource("/{agentId}/logs/{logId}").route(web::delete().to(logs::delete_log)));
    crate::routes::memory::configure_agent_routes(cfg);
}
