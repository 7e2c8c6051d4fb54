//! `/api/agents`: agent CRUD, lifecycle, worlds, panels and logs, plus the memory and room
//! routes of `routes::memory` that are mounted here too. Family A envelopes; the shapes are
//! in `agentd_wire::agents`.

pub mod character_path;
pub mod crud;
pub mod lifecycle;
pub mod logs;
pub mod plugins;
pub mod runs;
pub mod worlds;

use actix_web::web;

pub(crate) use crate::routes::support::{
    body, optional_id, path_id, resource, running_agent, success,
};

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
