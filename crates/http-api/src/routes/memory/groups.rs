//! Groups (`/api/memory/groups/:messageServerId`): a room per agent for a message server,
//! and the bulk deletes by world.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::agent_data::{Room, World};
use agentd_core::{ErrorCode, create_unique_uuid, parse_uuid};
use agentd_storage::{AgentStore, MemoryStore, RoomStore, StorageError, WorldStore};
use agentd_wire::envelope::StdError;
use agentd_wire::memory::groups::{
    GroupError, GroupFailure, GroupOutcome, GroupPartial, GroupRoom, NewGroup,
};
use chrono::Utc;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::error::ApiError;
use crate::routes::support::{body, path_id, success};
use crate::state::AppState;

/// Agents one request may add a group for.
const MAX_GROUP_AGENTS: usize = 100;

/// `POST /api/memory/groups/:messageServerId`: 201 with one room per agent; 207 with
/// `errors` when some agents failed; 404 when every agent is unknown.
#[utoipa::path(
    post, path = "/api/memory/groups/{messageServerId}", tag = "memory", params(("messageServerId" = uuid::Uuid, Path, description = "Message server id (create) or world id (delete)")), request_body(content = NewGroup, description = "The agents and the room"),
    responses(
        (status = 201, description = "One room per agent", body = agentd_wire::Success<Vec<GroupRoom>>),
        (status = 207, description = "`{success:false,data,errors}` when some agents failed", body = GroupPartial),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Every agent failed, none on the server's side: `{success:false,error:[...]}`", body = GroupFailure),
        (status = 500, description = "Every agent failed, some on the server's side: `{success:false,error:[...]}`", body = GroupFailure),
    )
)]
pub async fn create_groups(
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: NewGroup = body(&bytes)?;
    let server = path_id(&path, "message server")?;
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
            Ok(room) => created.push(GroupRoom::from(&room)),
            Err((code, message)) => errors.push(GroupError::new(raw, code, &message)),
        }
    }
    Ok(match GroupOutcome::new(created, errors) {
        GroupOutcome::Created(rooms) => success(StatusCode::CREATED, rooms),
        GroupOutcome::Partial(partial) => {
            HttpResponse::build(StatusCode::MULTI_STATUS).json(partial)
        }
        GroupOutcome::Failed(status, failure) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            HttpResponse::build(status).json(failure)
        }
    })
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
        (status = 400, description = "Invalid id or request", body = StdError),
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
        (status = 400, description = "Invalid id or request", body = StdError),
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
