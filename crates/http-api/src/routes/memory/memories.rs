//! An agent's memories: list (bounded), update, delete.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::time::parse_millis_or_iso;
use agentd_core::{ErrorCode, create_unique_uuid, parse_uuid};
use agentd_storage::{MemoryQuery, MemoryStore, StorageError};
use agentd_wire::BodyError;
use agentd_wire::envelope::{Notice, StdError};
use agentd_wire::memory::{MemoriesDeleted, MemoryList, MemoryUpdate, MemoryUpdated};
use serde::Deserialize;

use crate::error::ApiError;
use crate::routes::support::{invalid_body, path_id, running_agent, success};
use crate::state::AppState;

/// Room memories returned when the client does not give `limit` (elizaOS's default).
const DEFAULT_ROOM_LIMIT: i64 = 20;
/// Agent memories returned when the client does not give `limit` (elizaOS has no limit).
const DEFAULT_AGENT_LIMIT: i64 = 100;

/// Query of the memory lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct MemoryListQuery {
    /// Page size (at most 500).
    limit: Option<String>,
    /// Only memories older than this (ms or ISO).
    before: Option<String>,
    /// The memory table (`messages` by default).
    table_name: Option<String>,
    /// Accepted for compatibility; no embeddings are stored yet.
    #[expect(
        dead_code,
        reason = "accepted and ignored: no embeddings are stored yet"
    )]
    include_embedding: Option<String>,
    /// A central channel id, converted to the agent's room id.
    channel_id: Option<String>,
    /// A room id, used as is.
    room_id: Option<String>,
}

fn bad(message: &str) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, message.to_owned())
}

impl MemoryListQuery {
    fn to_query(&self, agent_id: uuid::Uuid, default_limit: i64) -> Result<MemoryQuery, ApiError> {
        let limit = match &self.limit {
            None => default_limit,
            Some(s) => s.parse().map_err(|_| bad("limit must be a number"))?,
        };
        let before = match self.before.as_deref() {
            None | Some("") => None,
            Some(s) => Some(
                parse_millis_or_iso(s)
                    .ok_or_else(|| bad("before must be a timestamp in milliseconds or ISO 8601"))?,
            ),
        };
        Ok(MemoryQuery {
            agent_id,
            kind: self.table_name.clone().unwrap_or_else(|| "messages".into()),
            room_id: None,
            before,
            limit,
        })
    }
}

/// `GET /:agentId/rooms/:roomId/memories`: the room is given as a central channel id and
/// converted with `createUniqueUuid`, as elizaOS does. Newest first.
#[utoipa::path(
    get, path = "/api/memory/{agentId}/rooms/{roomId}/memories", tag = "memory", params(("agentId" = uuid::Uuid, Path, description = "Agent id (running)"), ("roomId" = uuid::Uuid, Path, description = "Central channel id (converted to the agent's room)"), MemoryListQuery),
    responses(
        (status = 200, description = "`{memories}`, newest first", body = agentd_wire::Success<MemoryList>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn list_room_memories(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<MemoryListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (agent_raw, room_raw) = path.into_inner();
    let agent = running_agent(&state, &agent_raw).await?;
    let channel = path_id(&room_raw, "room")?;
    let mut q = query.to_query(agent.id, DEFAULT_ROOM_LIMIT)?;
    q.room_id = Some(create_unique_uuid(agent.id, &channel.to_string()));
    let memories = state.db().list_memories(&q).await?;
    Ok(success(StatusCode::OK, MemoryList::new(&memories)))
}

/// `GET /:agentId/memories`: `channelId` (converted) or `roomId` (as is) narrows it;
/// bounded by `limit` (default 100) where elizaOS reads everything.
#[utoipa::path(
    get, path = "/api/memory/{agentId}/memories", tag = "memory", params(("agentId" = uuid::Uuid, Path, description = "Agent id (running)"), MemoryListQuery),
    responses(
        (status = 200, description = "`{memories:[Memory]}`, newest first", body = agentd_wire::Success<MemoryList>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn list_agent_memories(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<MemoryListQuery>,
) -> Result<HttpResponse, ApiError> {
    let agent = running_agent(&state, &path).await?;
    let mut q = query.to_query(agent.id, DEFAULT_AGENT_LIMIT)?;
    if let Some(c) = query.channel_id.as_deref() {
        let c = parse_uuid(c)
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidId, "Invalid channel ID format"))?;
        q.room_id = Some(create_unique_uuid(agent.id, &c.to_string()));
    } else if let Some(r) = query.room_id.as_deref() {
        q.room_id = Some(
            parse_uuid(r)
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidId, "Invalid room ID format"))?,
        );
    }
    let memories = state
        .db()
        .list_memories(&q)
        .await
        .map_err(|e| ApiError::opaque(ErrorCode::DbError, e))?;
    Ok(success(StatusCode::OK, MemoryList::new(&memories)))
}

fn memory_not_found(e: StorageError) -> ApiError {
    match e {
        StorageError::NotFound(_) => ApiError::new(ErrorCode::NotFound, "Memory not found"),
        other => other.into(),
    }
}

/// `PATCH /:agentId/memories/:memoryId`: replaces `content` and `metadata` when given;
/// `roomId`, `entityId`, `worldId` are taken only when they are UUIDs. `id` and `agentId`
/// cannot change.
#[utoipa::path(
    patch, path = "/api/memory/{agentId}/memories/{memoryId}", tag = "memory", params(("agentId" = uuid::Uuid, Path, description = "Agent id (running)"), ("memoryId" = uuid::Uuid, Path, description = "Memory id")), request_body(content = MemoryUpdate, description = "`{content?, metadata?, roomId?, entityId?, worldId?}`"),
    responses(
        (status = 200, description = "`{id,message}`", body = agentd_wire::Success<MemoryUpdated>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running or no such memory", body = StdError),
    )
)]
pub async fn update_memory(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let update = match agentd_wire::parse::<MemoryUpdate>(&body) {
        Err(e @ BodyError::Syntax(_)) => return Err(invalid_body(e)),
        other => other,
    };
    let (agent_raw, memory_raw) = path.into_inner();
    let agent = running_agent(&state, &agent_raw).await?;
    let id = path_id(&memory_raw, "memory")?;
    let mut memory = state.db().get_memory(id).await.map_err(memory_not_found)?;
    if memory.agent_id != agent.id {
        return Err(ApiError::new(ErrorCode::NotFound, "Memory not found"));
    }
    update
        .map_err(|_| bad("Update must be a JSON object"))?
        .apply(&mut memory);
    state
        .db()
        .update_memory(&memory)
        .await
        .map_err(|e| match e {
            StorageError::NotFound(_) => ApiError::new(ErrorCode::NotFound, "Memory not found"),
            StorageError::MissingReference(_) => bad("roomId or entityId refers to nothing"),
            other => ApiError::opaque(ErrorCode::UpdateError, other),
        })?;
    let updated = MemoryUpdated {
        id,
        message: "Memory updated successfully".into(),
    };
    Ok(success(StatusCode::OK, updated))
}

/// `DELETE /:agentId/memories`: `{deleted, message}`.
#[utoipa::path(
    delete, path = "/api/memory/{agentId}/memories", tag = "memory", params(("agentId" = uuid::Uuid, Path, description = "Agent id (running)")),
    responses(
        (status = 200, description = "`{deleted,message}`", body = agentd_wire::Success<MemoriesDeleted>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn delete_agent_memories(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let agent = running_agent(&state, &path).await?;
    let deleted = state.db().delete_agent_memories(agent.id).await?;
    let deleted = MemoriesDeleted {
        deleted,
        message: "All agent memories cleared successfully".into(),
    };
    Ok(success(StatusCode::OK, deleted))
}

/// The kinds a room clear deletes: elizaOS's table names and its singular enum values
/// (elizaOS 1.7.2 deletes only the singular ones and so clears nothing).
const ROOM_KINDS: &[&str] = &["messages", "message", "documents", "document"];

/// `DELETE /:agentId/memories/all/:roomId`: 204. The id may be the room id or the
/// central channel id; both are cleared.
#[utoipa::path(
    delete, path = "/api/memory/{agentId}/memories/all/{roomId}", tag = "memory", params(("agentId" = uuid::Uuid, Path, description = "Agent id (running)"), ("roomId" = uuid::Uuid, Path, description = "Room id (or central channel id)")),
    responses(
        (status = 204, description = "Cleared"),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn delete_room_memories(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (agent_raw, room_raw) = path.into_inner();
    let agent = running_agent(&state, &agent_raw).await?;
    let room = path_id(&room_raw, "room")?;
    let converted = create_unique_uuid(agent.id, &room.to_string());
    for r in [room, converted] {
        state
            .db()
            .delete_room_memories(agent.id, r, ROOM_KINDS)
            .await?;
    }
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /:agentId/memories/:memoryId`: `{message}`; 404 if the agent has no such memory.
#[utoipa::path(
    delete, path = "/api/memory/{agentId}/memories/{memoryId}", tag = "memory", params(("agentId" = uuid::Uuid, Path, description = "Agent id (running)"), ("memoryId" = uuid::Uuid, Path, description = "Memory id")),
    responses(
        (status = 200, description = "`{message}`", body = agentd_wire::Success<Notice>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running or no such memory", body = StdError),
    )
)]
pub async fn delete_memory(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (agent_raw, memory_raw) = path.into_inner();
    let agent = running_agent(&state, &agent_raw).await?;
    let id = path_id(&memory_raw, "memory")?;
    state
        .db()
        .delete_memory(agent.id, id)
        .await
        .map_err(memory_not_found)?;
    Ok(success(
        StatusCode::OK,
        Notice::new("Memory deleted successfully"),
    ))
}
