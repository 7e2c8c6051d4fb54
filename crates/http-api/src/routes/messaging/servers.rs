//! Message servers and their agents, with the deprecated `/central-servers` and
//! `/servers` aliases.

use actix_web::{HttpResponse, web};
use agentd_bus::BusEvent;
use agentd_core::model::MessageServer;
use agentd_core::{DEFAULT_SERVER_ID, ErrorCode};
use agentd_storage::prelude::*;
use chrono::Utc;
use serde_json::{Value, json};
use uuid::Uuid;

use super::render;
use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::routes::support::messaging::{
    bad_request, created, fail, object, ok, path_id, resource, storage, text,
};
use crate::state::AppState;

/// Registers the server routes and their aliases.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/message-server/current").get(get_current_server))
        .service(
            resource("/message-servers")
                .get(list_servers)
                .post(create_server),
        )
        .service(resource("/central-servers").get(list_servers_legacy))
        .service(resource("/servers").post(create_server));
    for prefix in ["/message-servers", "/servers"] {
        cfg.service(
            resource(&format!("{prefix}/{{serverId}}/agents"))
                .get(list_server_agents)
                .post(add_server_agent),
        )
        .service(
            resource(&format!("{prefix}/{{serverId}}/agents/{{agentId}}"))
                .delete(remove_server_agent),
        );
    }
    cfg.service(resource("/agents/{agentId}/message-servers").get(list_agent_servers));
    for prefix in ["/message-servers", "/central-servers"] {
        cfg.service(resource(&format!("{prefix}/{{serverId}}/channels")).get(list_server_channels));
    }
}

/// `GET /message-server/current`: `data:{messageServerId}`.
#[utoipa::path(
    get, path = "/api/messaging/message-server/current", tag = "messaging",
    responses(
        (status = 200, description = "`{messageServerId}`", body = doc::Success<doc::Json>),
    )
)]
pub async fn get_current_server() -> HttpResponse {
    ok(json!({"messageServerId": DEFAULT_SERVER_ID.to_string()}))
}

async fn servers_json(state: &AppState) -> Result<Vec<Value>, ApiError> {
    let servers = state
        .db()
        .list_message_servers()
        .await
        .map_err(|e| storage(e, "Server not found"))?;
    Ok(servers.iter().map(render::server).collect())
}

/// `GET /message-servers`: `data:{messageServers}`.
#[utoipa::path(
    get, path = "/api/messaging/message-servers", tag = "messaging",
    responses(
        (status = 200, description = "`{messageServers:[MessageServer]}`", body = doc::Success<doc::Json>),
    )
)]
pub async fn list_servers(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(ok(json!({"messageServers": servers_json(&state).await?})))
}

/// `GET /central-servers` (deprecated): `data:{servers}`.
#[utoipa::path(
    get, path = "/api/messaging/central-servers", tag = "messaging",
    responses(
        (status = 200, description = "`{servers:[MessageServer]}`", body = doc::Success<doc::Json>),
    )
)]
pub async fn list_servers_legacy(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(ok(json!({"servers": servers_json(&state).await?})))
}

/// `POST /message-servers` (and `/servers`): `{name, sourceType, sourceId?, metadata?}` →
/// `201 data:{server}`.
#[utoipa::path(
    post, path = "/api/messaging/message-servers", tag = "messaging", request_body(content = doc::Json, description = "`{name, sourceType, sourceId?, metadata?}`"),
    responses(
        (status = 201, description = "`{server:MessageServer}`", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn create_server(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let o = object(&body)?;
    let (Some(name), Some(source_type)) = (text(&o, "name"), text(&o, "sourceType")) else {
        return Err(bad_request("Missing required fields: name, sourceType"));
    };
    let now = Utc::now();
    let server = MessageServer {
        id: Uuid::new_v4(),
        name: name.to_owned(),
        source_type: source_type.to_owned(),
        source_id: text(&o, "sourceId").map(str::to_owned),
        metadata: o.get("metadata").filter(|m| m.is_object()).cloned(),
        created_at: now,
        updated_at: now,
    };
    let stored = state
        .db()
        .create_message_server(&server)
        .await
        .map_err(|e| storage(e, "Server not found"))?;
    Ok(created(json!({"server": render::server(&stored)})))
}

/// The server id of an agents route; only the current server's agents may be read or
/// changed (403 otherwise, as in 1.7.2).
fn current_server(raw: &str) -> Result<Uuid, ApiError> {
    let id = path_id(raw, "Invalid messageServerId format")?;
    if id != DEFAULT_SERVER_ID {
        return Err(fail(
            ErrorCode::Forbidden,
            "Cannot access agents for a different server",
        ));
    }
    Ok(id)
}

/// `GET /message-servers/:id/agents`: `data:{messageServerId, agents}`.
#[utoipa::path(
    get, path = "/api/messaging/message-servers/{serverId}/agents", tag = "messaging", params(("serverId" = uuid::Uuid, Path, description = "Message server id")),
    responses(
        (status = 200, description = "`{messageServerId,agents}`", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn list_server_agents(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = current_server(&path)?;
    let agents = state
        .db()
        .list_server_agents(id)
        .await
        .map_err(|e| storage(e, "Server not found"))?;
    let agents: Vec<String> = agents.iter().map(Uuid::to_string).collect();
    Ok(ok(
        json!({"messageServerId": id.to_string(), "agents": agents}),
    ))
}

/// `POST /message-servers/:id/agents {agentId}`: `201`, bus `server_agent_update`.
#[utoipa::path(
    post, path = "/api/messaging/message-servers/{serverId}/agents", tag = "messaging", params(("serverId" = uuid::Uuid, Path, description = "Message server id")), request_body(content = doc::Json, description = "`{agentId}`"),
    responses(
        (status = 201, description = "`{serverId,agentId,message}`", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such server or agent", body = doc::MsgError),
    )
)]
pub async fn add_server_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = current_server(&path)?;
    let o = object(&body)?;
    let agent_id = text(&o, "agentId")
        .and_then(agentd_core::parse_uuid)
        .ok_or_else(|| bad_request("Invalid agentId format"))?;
    state
        .db()
        .add_agent_to_server(id, agent_id)
        .await
        .map_err(|e| match e {
            agentd_storage::StorageError::MissingReference(_) => {
                fail(ErrorCode::NotFound, "Agent not found")
            }
            other => storage(other, "Agent not found"),
        })?;
    state.bus().publish(BusEvent::ServerAgentUpdate {
        server_id: id,
        agent_id,
        added: true,
    });
    Ok(created(json!({
        "messageServerId": id.to_string(),
        "agentId": agent_id.to_string(),
        "message": "Agent added to server successfully",
    })))
}

/// `DELETE /message-servers/:id/agents/:agentId`: `200`, bus `server_agent_update`.
#[utoipa::path(
    delete, path = "/api/messaging/message-servers/{serverId}/agents/{agentId}", tag = "messaging", params(("serverId" = uuid::Uuid, Path, description = "Message server id"), ("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "`{serverId,agentId,message}`", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn remove_server_agent(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (server, agent) = path.into_inner();
    let id = current_server(&server)?;
    let agent_id = path_id(&agent, "Invalid agentId format")?;
    state
        .db()
        .remove_agent_from_server(id, agent_id)
        .await
        .map_err(|e| storage(e, "Agent not found"))?;
    state.bus().publish(BusEvent::ServerAgentUpdate {
        server_id: id,
        agent_id,
        added: false,
    });
    Ok(ok(json!({
        "messageServerId": id.to_string(),
        "agentId": agent_id.to_string(),
        "message": "Agent removed from server successfully",
    })))
}

/// `GET /agents/:agentId/message-servers`: `data:{agentId, messageServers}`.
#[utoipa::path(
    get, path = "/api/messaging/agents/{agentId}/message-servers", tag = "messaging", params(("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "`{agentId,messageServers}`", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn list_agent_servers(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let agent_id = path_id(&path, "Invalid agentId format")?;
    let servers = state
        .db()
        .list_agent_servers(agent_id)
        .await
        .map_err(|e| storage(e, "Agent not found"))?;
    let servers: Vec<String> = servers.iter().map(Uuid::to_string).collect();
    Ok(ok(
        json!({"agentId": agent_id.to_string(), "messageServers": servers}),
    ))
}

/// `GET /message-servers/:id/channels`: `data:{channels}`.
#[utoipa::path(
    get, path = "/api/messaging/message-servers/{serverId}/channels", tag = "messaging", params(("serverId" = uuid::Uuid, Path, description = "Message server id")),
    responses(
        (status = 200, description = "`{channels:[Channel]}`", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn list_server_channels(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "Invalid messageServerId format")?;
    let channels = state
        .db()
        .list_channels(id)
        .await
        .map_err(|e| storage(e, "Server not found"))?;
    let channels: Vec<Value> = channels.iter().map(render::channel).collect();
    Ok(ok(json!({"channels": channels})))
}
