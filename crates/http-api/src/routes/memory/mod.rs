//! Memory, rooms and groups. The agent-memory and room routes are mounted under
//! both `/api/memory` and `/api/agents`; the group routes only under `/api/memory`.

pub mod groups;
pub mod memories;
pub mod rooms;

use actix_web::web;
use agentd_core::agent_data::{Memory, Room};
use agentd_core::time::to_millis;
use serde_json::{Value, json};

use crate::routes::support::resource;

/// The Memory JSON of elizaOS (`worldId` is not returned; `embedding` only on request,
/// and agentd stores none yet, so it is never present).
pub(crate) fn render_memory(m: &Memory) -> Value {
    let entity = m
        .entity_id
        .map(|e| Value::String(e.to_string()))
        .or_else(|| m.metadata.get("entityId").cloned())
        .unwrap_or(Value::Null);
    json!({
        "id": m.id, "type": m.kind, "createdAt": to_millis(m.created_at),
        "content": m.content, "entityId": entity, "agentId": m.agent_id,
        "roomId": m.room_id, "unique": m.unique, "metadata": m.metadata,
    })
}

/// The Room JSON of elizaOS (`serverId` duplicates `messageServerId`).
pub(crate) fn render_room(r: &Room) -> Value {
    json!({
        "id": r.id, "name": r.name, "channelId": r.channel_id, "agentId": r.agent_id,
        "messageServerId": r.message_server_id, "worldId": r.world_id, "type": r.kind,
        "source": r.source, "metadata": r.metadata.clone().unwrap_or(json!({})),
        "serverId": r.message_server_id,
    })
}

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
