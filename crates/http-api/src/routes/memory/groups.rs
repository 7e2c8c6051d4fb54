//! Groups (`/api/memory/groups/:messageServerId`): a room per agent for a message server,
//! and the bulk deletes by world.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::agent_data::{Room, World};
use agentd_core::{ErrorCode, create_unique_uuid, parse_uuid};
use agentd_storage::{AgentStore, MemoryStore, RoomStore, StorageError, WorldStore};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::routes::support::{ok, path_id};
use crate::state::AppState;

/// Agents one request may add a group for.
const MAX_GROUP_AGENTS: usize = 100;

/// Body of `POST /groups/:messageServerId`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewGroup {
    /// Required, non-empty.
    agent_ids: Option<Vec<String>>,
    /// Room name.
    name: Option<String>,
    /// The world; default each agent's mirror of the server.
    world_id: Option<String>,
    /// Default `client`.
    source: Option<String>,
    /// Free-form metadata.
    metadata: Option<Value>,
}

/// `POST /api/memory/groups/:messageServerId`: 201 with one room per agent; 207 with
/// `errors` when some agents failed; 404 when every agent is unknown.
#[utoipa::path(
    post, path = "/api/memory/groups/{messageServerId}", tag = "memory", params(("messageServerId" = uuid::Uuid, Path, description = "Message server id (create) or world id (delete)")), request_body(content = NewGroup, description = "The agents and the room"),
    responses(
        (status = 201, description = "One room per agent", body = doc::Success<Vec<doc::Json>>),
        (status = 207, description = "`{success:false,data,errors}` when some agents failed", body = doc::Json),
        (status = 400, description = "Invalid id or request", body = doc::StdError),
        (status = 404, description = "Every agent is unknown", body = doc::StdError),
    )
)]
pub async fn create_groups(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<NewGroup>,
) -> Result<HttpResponse, ApiError> {
    let server = path_id(&path, "message server")?;
    let body = body.into_inner();
    let ids = body.agent_ids.filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiError::new(ErrorCode::BadRequest, "agentIds must be a non-empty array")
    })?;
    if ids.len() > MAX_GROUP_AGENTS {
        return Err(ApiError::new(ErrorCode::BadRequest, "Too many agentIds"));
    }
    let world_given = match body.world_id.as_deref() {
        None => None,
        Some(w) => Some(
            parse_uuid(w)
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidId, "Invalid world ID format"))?,
        ),
    };
    let name = body
        .name
        .unwrap_or_else(|| format!("Group {}", &server.to_string()[..8]));
    let source = body.source.unwrap_or_else(|| "client".into());
    let (mut created, mut errors) = (Vec::new(), Vec::new());
    for raw in ids {
        let result = match parse_uuid(&raw) {
            None => Err(("INVALID_ID", "Invalid agent ID format".to_owned())),
            Some(agent_id) => group_room(
                &state,
                server,
                agent_id,
                world_given,
                &name,
                &source,
                &body.metadata,
            )
            .await
            .map_err(|e| match e {
                StorageError::NotFound(_) => ("NOT_FOUND", "Agent not found".to_owned()),
                other => {
                    tracing::error!(error = %other, "group room creation failed");
                    ("CREATE_ERROR", "Failed to create the group room".to_owned())
                }
            }),
        };
        match result {
            Ok(room) => created.push(json!({
                "id": room.id, "name": room.name, "source": room.source,
                "worldId": room.world_id, "type": room.kind,
            })),
            Err((code, message)) => errors.push(json!({
                "agentId": raw, "code": code, "message": message, "details": message,
            })),
        }
    }
    if errors.is_empty() {
        return Ok(ok(StatusCode::CREATED, Value::Array(created)));
    }
    if created.is_empty() {
        let status = if errors.iter().all(|e| e["code"] != "CREATE_ERROR") {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        return Ok(HttpResponse::build(status).json(json!({"success": false, "error": errors})));
    }
    Ok(HttpResponse::build(StatusCode::MULTI_STATUS)
        .json(json!({"success": false, "data": created, "errors": errors})))
}

async fn group_room(
    state: &AppState,
    server: Uuid,
    agent_id: Uuid,
    world: Option<Uuid>,
    name: &str,
    source: &str,
    metadata: &Option<Value>,
) -> Result<Room, StorageError> {
    state.db().get_agent(agent_id).await?;
    let now = Utc::now();
    let world_id = match world {
        Some(w) => w,
        None => {
            state
                .db()
                .ensure_world(&World {
                    id: create_unique_uuid(agent_id, &server.to_string()),
                    agent_id,
                    name: format!("Server {}", &server.to_string()[..8]),
                    metadata: None,
                    message_server_id: Some(server),
                    created_at: now,
                })
                .await?
                .id
        }
    };
    state
        .db()
        .ensure_room(&Room {
            id: create_unique_uuid(agent_id, &format!("group-{server}")),
            agent_id: Some(agent_id),
            source: source.to_owned(),
            kind: "API".into(),
            message_server_id: Some(server),
            world_id: Some(world_id),
            name: Some(name.to_owned()),
            metadata: Some(metadata.clone().unwrap_or_else(|| json!({}))),
            channel_id: None,
            created_at: now,
        })
        .await
}

/// `DELETE /api/memory/groups/:id`: the id is a world id; deletes its rooms. 204.
#[utoipa::path(
    delete, path = "/api/memory/groups/{messageServerId}", tag = "memory", params(("messageServerId" = uuid::Uuid, Path, description = "Message server id (create) or world id (delete)")),
    responses(
        (status = 204, description = "The world's rooms are deleted"),
        (status = 400, description = "Invalid id or request", body = doc::StdError),
    )
)]
pub async fn delete_group(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let world = path_id(&path, "world")?;
    state.db().delete_world_rooms(world).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /api/memory/groups/:id/memories`: deletes the world's message memories. 204.
#[utoipa::path(
    delete, path = "/api/memory/groups/{messageServerId}/memories", tag = "memory", params(("messageServerId" = uuid::Uuid, Path, description = "Message server id (create) or world id (delete)")),
    responses(
        (status = 204, description = "The world's message memories are deleted"),
        (status = 400, description = "Invalid id or request", body = doc::StdError),
    )
)]
pub async fn delete_group_memories(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let world = path_id(&path, "world")?;
    state.db().delete_world_memories(world, "messages").await?;
    Ok(HttpResponse::NoContent().finish())
}
