//! Memory, rooms and groups. The agent-memory and room routes are mounted under
//! both `/api/memory` and `/api/agents`; the group routes only under `/api/memory`. The
//! shapes are in `agentd_wire::memory`.

pub mod groups;
pub mod memories;
pub mod rooms;

use actix_web::web;

use crate::routes::support::resource;

/// The routes mounted under both prefixes.
pub fn configure_agent_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/{agentId}/rooms/{roomId}/memories")
            .route(web::get().to(memories::list_room_memories)),
    )
    .service(
        resource("/{agentId}/memories")
            .route(web::get().to(memories::list_agent_memories))
            .route(web::delete().to(memories::delete_agent_memories)),
    )
    .service(
        resource("/{agentId}/memories/all/{roomId}")
            .route(web::delete().to(memories::delete_room_memories)),
    )
    .service(
        resource("/{agentId}/memories/{memoryId}")
            .route(web::patch().to(memories::update_memory))
            .route(web::delete().to(memories::delete_memory)),
    )
    .service(
        resource("/{agentId}/rooms")
            .route(web::get().to(rooms::list_rooms))
            .route(web::post().to(rooms::create_room)),
    )
    .service(resource("/{agentId}/rooms/{roomId}").route(web::get().to(rooms::get_room)));
}

/// `/api/memory`: the group routes first (their first segment is literal), then the
/// agent routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/groups/{messageServerId}")
            .route(web::post().to(groups::create_groups))
            .route(web::delete().to(groups::delete_group)),
    )
    .service(
        resource("/groups/{messageServerId}/memories")
            .route(web::delete().to(groups::delete_group_memories)),
    );
    configure_agent_routes(cfg);
}
