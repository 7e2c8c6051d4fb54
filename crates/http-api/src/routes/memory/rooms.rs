//! An agent's rooms: create, list (bounded), get.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::agent_data::{Room, World};
use agentd_core::{DEFAULT_SERVER_ID, ErrorCode, create_unique_uuid};
use agentd_storage::{RoomStore, StorageError, WorldStore};
use agentd_wire::envelope::StdError;
use agentd_wire::memory::rooms::{CreatedRoom, NewRoom, Room as RoomBody, RoomList};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use crate::error::ApiError;
use crate::routes::support::{body, optional_id, path_id, running_agent, success};
use crate::state::AppState;

/// Rooms listed when the client does not give `limit`.
const DEFAULT_ROOMS: i64 = 100;

/// `POST /:agentId/rooms`: 201 with the room.
#[utoipa::path(
    post, path = "/api/memory/{agentId}/rooms", tag = "memory", params(("agentId" = uuid::Uuid, Path, description = "Agent id (running)")), request_body(content = NewRoom, description = "The room"),
    responses(
        (status = 201, description = "The room", body = agentd_wire::Success<CreatedRoom>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn create_room(
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: NewRoom = body(&bytes)?;
    let agent = running_agent(&state, &path).await?;
    let name = body
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::MissingParam, "Room name is required"))?;
    let server = optional_id(body.message_server_id.as_deref(), "message server")?
        .unwrap_or(DEFAULT_SERVER_ID);
    let now = Utc::now();
    let world_id = match optional_id(body.world_id.as_deref(), "world")? {
        Some(w) => w,
        None => {
            let world = World {
                id: create_unique_uuid(agent.id, &server.to_string()),
                agent_id: agent.id,
                name: format!("Server {}", &server.to_string()[..8]),
                metadata: None,
                message_server_id: Some(server),
                created_at: now,
            };
            state.db().ensure_world(&world).await?.id
        }
    };
    let room = Room {
        id: uuid::Uuid::new_v4(),
        agent_id: Some(agent.id),
        source: body.source.unwrap_or_else(|| "client".into()),
        kind: body.kind.unwrap_or_else(|| "DM".into()),
        message_server_id: Some(server),
        world_id: Some(world_id),
        name: Some(name),
        metadata: Some(body.metadata.unwrap_or_else(|| json!({}))),
        channel_id: None,
        created_at: now,
    };
    let r = state
        .db()
        .create_room(&room)
        .await
        .map_err(|e| ApiError::opaque(ErrorCode::CreateError, e))?;
    Ok(success(StatusCode::CREATED, CreatedRoom::from(&r)))
}

/// Query of `GET /:agentId/rooms`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoomsQuery {
    /// At most this many rooms (default 100, at most 500).
    limit: Option<i64>,
}

/// `GET /:agentId/rooms`: `{rooms}`, oldest first, bounded.
#[utoipa::path(
    get, path = "/api/memory/{agentId}/rooms", tag = "memory", params(("agentId" = uuid::Uuid, Path, description = "Agent id (running)"), RoomsQuery),
    responses(
        (status = 200, description = "`{rooms:[Room]}`, oldest first", body = agentd_wire::Success<RoomList>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn list_rooms(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RoomsQuery>,
) -> Result<HttpResponse, ApiError> {
    let agent = running_agent(&state, &path).await?;
    let rooms = state
        .db()
        .list_rooms(agent.id, query.limit.unwrap_or(DEFAULT_ROOMS))
        .await
        .map_err(|e| ApiError::opaque(ErrorCode::DbError, e))?;
    Ok(success(StatusCode::OK, RoomList::new(&rooms)))
}

/// `GET /:agentId/rooms/:roomId`: the room with its world's name.
#[utoipa::path(
    get, path = "/api/memory/{agentId}/rooms/{roomId}", tag = "memory", params(("agentId" = uuid::Uuid, Path, description = "Agent id (running)"), ("roomId" = uuid::Uuid, Path, description = "Room id")),
    responses(
        (status = 200, description = "The room with `worldName`", body = agentd_wire::Success<RoomBody>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running or no such room", body = StdError),
    )
)]
pub async fn get_room(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (agent_raw, room_raw) = path.into_inner();
    let agent = running_agent(&state, &agent_raw).await?;
    let id = path_id(&room_raw, "room")?;
    let not_found = || ApiError::new(ErrorCode::NotFound, "Room not found");
    let room = match state.db().get_room(id).await {
        Ok(r) if r.agent_id == Some(agent.id) => r,
        Ok(_) | Err(StorageError::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let mut out = RoomBody::from(&room);
    if let Some(w) = room.world_id
        && let Ok(world) = state.db().get_world(w).await
    {
        out.world_name = Some(world.name);
    }
    Ok(success(StatusCode::OK, out))
}
