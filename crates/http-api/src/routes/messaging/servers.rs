//! Message servers and their agents, with the deprecated `/central-servers` and
//! `/servers` aliases.

use actix_web::{HttpResponse, web};
use agentd_bus::BusEvent;
use agentd_core::model::MessageServer;
use agentd_core::{DEFAULT_SERVER_ID, ErrorCode};
use agentd_storage::prelude::*;
use chrono::Utc;
use uuid::Uuid;

use agentd_wire::Success;
use agentd_wire::envelope::MsgError;
use agentd_wire::filled;
use agentd_wire::messaging::AgentRef;
use agentd_wire::messaging::servers as wire;

use crate::error::ApiError;
use crate::routes::support::messaging::{
    bad_request, body, created, fail, ok, path_id, resource, storage,
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
        (status = 200, description = "`{messageServerId}`", body = Success<wire::CurrentServer>),
    )
)]
pub async fn get_current_server() -> HttpResponse {
    ok(wire::CurrentServer {
        message_server_id: DEFAULT_SERVER_ID,
    })
}

async fn servers(state: &AppState) -> Result<Vec<agentd_wire::messaging::MessageServer>, ApiError> {
    let servers = state
        .db()
        .list_message_servers()
        .await
        .map_err(|e| storage(e, "Server not found"))?;
    Ok(servers.iter().map(Into::into).collect())
}

/// `GET /message-servers`: `data:{messageServers}`.
#[utoipa::path(
    get, path = "/api/messaging/message-servers", tag = "messaging",
    responses(
        (status = 200, description = "`{messageServers:[MessageServer]}`", body = Success<wire::ServerList>),
    )
)]
pub async fn list_servers(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(ok(wire::ServerList {
        message_servers: servers(&state).await?,
    }))
}

/// `GET /central-servers` (deprecated): `data:{servers}`.
#[utoipa::path(
    get, path = "/api/messaging/central-servers", tag = "messaging",
    responses(
        (status = 200, description = "`{servers:[MessageServer]}`", body = Success<wire::LegacyServerList>),
    )
)]
pub async fn list_servers_legacy(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(ok(wire::LegacyServerList {
        servers: servers(&state).await?,
    }))
}

/// `POST /message-servers` (and `/servers`): `{name, sourceType, sourceId?, metadata?}` →
/// `201 data:{server}`.
#[utoipa::path(
    post, path = "/api/messaging/message-servers", tag = "messaging", request_body(content = wire::CreateServer, description = "`{name, sourceType, sourceId?, metadata?}`"),
    responses(
        (status = 201, description = "`{server:MessageServer}`", body = Success<wire::CreatedServer>),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn create_server(
    state: web::Data<AppState>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: wire::CreateServer = body(&bytes, &[])?;
    let (Some(name), Some(source_type)) = (filled(&b.name), filled(&b.source_type)) else {
        return Err(bad_request("Missing required fields: name, sourceType"));
    };
    let now = Utc::now();
    let server = MessageServer {
        id: Uuid::new_v4(),
        name: name.to_owned(),
        source_type: source_type.to_owned(),
        source_id: filled(&b.source_id).map(str::to_owned),
        metadata: b.metadata.filter(serde_json::Value::is_object),
        created_at: now,
        updated_at: now,
    };
    let stored = state
        .db()
        .create_message_server(&server)
        .await
        .map_err(|e| storage(e, "Server not found"))?;
    Ok(created(wire::CreatedServer {
        server: (&stored).into(),
    }))
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
        (status = 200, description = "`{messageServerId,agents}`", body = Success<wire::ServerAgents>),
        (status = 400, description = "Invalid id or body", body = MsgError),
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
    Ok(ok(wire::ServerAgents {
        message_server_id: id,
        agents,
    }))
}

/// `POST /message-servers/:id/agents {agentId}`: `201`, bus `server_agent_update`.
#[utoipa::path(
    post, path = "/api/messaging/message-servers/{serverId}/agents", tag = "messaging", params(("serverId" = uuid::Uuid, Path, description = "Message server id")), request_body(content = AgentRef, description = "`{agentId}`"),
    responses(
        (status = 201, description = "`{serverId,agentId,message}`", body = Success<wire::ServerAgentChange>),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such server or agent", body = MsgError),
    )
)]
pub async fn add_server_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = current_server(&path)?;
    let b: AgentRef = body(&bytes, &[])?;
    let agent_id = b
        .agent_id
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
    Ok(created(wire::ServerAgentChange {
        message_server_id: id,
        agent_id,
        message: "Agent added to server successfully".into(),
    }))
}

/// `DELETE /message-servers/:id/agents/:agentId`: `200`, bus `server_agent_update`.
#[utoipa::path(
    delete, path = "/api/messaging/message-servers/{serverId}/agents/{agentId}", tag = "messaging", params(("serverId" = uuid::Uuid, Path, description = "Message server id"), ("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "`{serverId,agentId,message}`", body = Success<wire::ServerAgentChange>),
        (status = 400, description = "Invalid id or body", body = MsgError),
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
    Ok(ok(wire::ServerAgentChange {
        message_server_id: id,
        agent_id,
        message: "Agent removed from server successfully".into(),
    }))
}

/// `GET /agents/:agentId/message-servers`: `data:{agentId, messageServers}`.
#[utoipa::path(
    get, path = "/api/messaging/agents/{agentId}/message-servers", tag = "messaging", params(("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "`{agentId,messageServers}`", body = Success<wire::AgentServers>),
        (status = 400, description = "Invalid id or body", body = MsgError),
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
    Ok(ok(wire::AgentServers {
        agent_id,
        message_servers: servers,
    }))
}

/// `GET /message-servers/:id/channels`: `data:{channels}`.
#[utoipa::path(
    get, path = "/api/messaging/message-servers/{serverId}/channels", tag = "messaging", params(("serverId" = uuid::Uuid, Path, description = "Message server id")),
    responses(
        (status = 200, description = "`{channels:[Channel]}`", body = Success<wire::ChannelList>),
        (status = 400, description = "Invalid id or body", body = MsgError),
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
    Ok(ok(wire::ChannelList {
        channels: channels.iter().map(Into::into).collect(),
    }))
}
