//! Worlds: `GET /api/agents/worlds`, `POST /:agentId/worlds`, `PATCH /:agentId/worlds/:worldId`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::agent_data::World;
use agentd_core::{ErrorCode, create_unique_uuid};
use agentd_storage::{StorageError, WorldStore};
use agentd_wire::agents::worlds::{NewWorld, WorldData, WorldList, WorldUpdate, WorldUpdated};
use agentd_wire::envelope::StdError;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::{body, optional_id, path_id, running_agent, success};
use crate::error::ApiError;
use crate::state::AppState;

/// Worlds listed when the client does not say how many.
const DEFAULT_WORLDS: i64 = 100;

/// Query of `GET /api/agents/worlds`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// At most this many worlds (default 100, at most 500).
    limit: Option<i64>,
}

/// `GET /api/agents/worlds`: the worlds of every agent, oldest first, bounded.
#[utoipa::path(
    get, path = "/api/agents/worlds", tag = "agents", params(ListQuery),
    responses(
        (status = 200, description = "Every agent's worlds, oldest first", body = agentd_wire::Success<WorldList>),
        (status = 400, description = "Invalid id or request", body = StdError),
    )
)]
pub async fn list_worlds(
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let worlds = state
        .db()
        .list_worlds(None, query.limit.unwrap_or(DEFAULT_WORLDS))
        .await?;
    Ok(success(StatusCode::OK, WorldList::new(&worlds)))
}

/// `POST /api/agents/:agentId/worlds`: 201 `{world}`.
#[utoipa::path(
    post, path = "/api/agents/{agentId}/worlds", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")), request_body(content = NewWorld, description = "The world"),
    responses(
        (status = 201, description = "`{world}`", body = agentd_wire::Success<WorldData>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn create_world(
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: NewWorld = body(&bytes)?;
    let agent = running_agent(&state, &path).await?;
    let name = body
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::BadRequest, "World name is required"))?;
    let server = optional_id(body.message_server_id.as_deref(), "message server")?;
    let now = Utc::now();
    let world = World {
        id: create_unique_uuid(
            agent.id,
            &format!("world-{}-{}", now.timestamp_millis(), uuid::Uuid::new_v4()),
        ),
        agent_id: agent.id,
        name,
        metadata: Some(body.metadata.unwrap_or_else(|| json!({}))),
        message_server_id: server,
        created_at: now,
    };
    let world = state.db().create_world(&world).await?;
    Ok(success(StatusCode::CREATED, WorldData::from(&world)))
}

/// `PATCH /api/agents/:agentId/worlds/:worldId`: 200 `{world}`.
#[utoipa::path(
    patch, path = "/api/agents/{agentId}/worlds/{worldId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id"), ("worldId" = uuid::Uuid, Path, description = "World id")), request_body(content = WorldUpdate, description = "Fields to change"),
    responses(
        (status = 200, description = "`{world, worldId, settings}`", body = agentd_wire::Success<WorldUpdated>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running or no such world", body = StdError),
    )
)]
pub async fn update_world(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let update: WorldUpdate = body(&bytes)?;
    let (agent_raw, world_raw) = path.into_inner();
    let agent = running_agent(&state, &agent_raw).await?;
    let world_id = path_id(&world_raw, "world")?;
    let not_found = || ApiError::new(ErrorCode::NotFound, "World not found");
    let mut world = match state.db().get_world(world_id).await {
        Ok(w) if w.agent_id == agent.id => w,
        Ok(_) | Err(StorageError::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    update.apply(&mut world);
    let world = state.db().update_world(&world).await?;
    Ok(success(StatusCode::OK, WorldUpdated::from(&world)))
}
