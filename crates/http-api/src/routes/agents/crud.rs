//! Agent CRUD: list, get, create (from `characterJson`, `agent` or `characterPath`),
//! update, delete.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_core::character::{agent_to_character, character_to_agent};
use agentd_storage::{AgentStore, StorageError};
use agentd_wire::BodyError;
use agentd_wire::agents::{Agent, AgentList, AgentUpdate, CreatedAgent, NewAgent};
use chrono::Utc;

use super::{path_id, success};
use crate::error::ApiError;
use crate::routes::support::invalid_body;
use crate::state::AppState;

/// `GET /api/agents`: every agent, running ones first, then by name.
#[utoipa::path(
    get, path = "/api/agents", tag = "agents",
    responses(
        (status = 200, description = "Every agent, running first", body = agentd_wire::Success<AgentList>),
    )
)]
pub async fn list_agents(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let manager = state.agent_manager();
    let agents = state.db().list_agents().await?;
    let list = AgentList::new(agents.iter().map(|a| (a, manager.is_running(a.id))));
    Ok(success(StatusCode::OK, list))
}

/// `GET /api/agents/:agentId`: the stored row and its status (running or not).
#[utoipa::path(
    get, path = "/api/agents/{agentId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "The agent, secrets masked", body = agentd_wire::Success<Agent>),
        (status = 400, description = "Invalid id or request", body = agentd_wire::envelope::StdError),
        (status = 404, description = "No such agent", body = agentd_wire::envelope::StdError),
    )
)]
pub async fn get_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "agent")?;
    let agent = state.db().get_agent(id).await.map_err(agent_not_found)?;
    let running = state.agent_manager().is_running(id);
    Ok(success(StatusCode::OK, Agent::render(&agent, running)))
}

fn agent_not_found(e: StorageError) -> ApiError {
    match e {
        StorageError::NotFound(_) => ApiError::new(ErrorCode::NotFound, "Agent not found"),
        other => other.into(),
    }
}

fn create_error(message: String) -> ApiError {
    ApiError::new(ErrorCode::CreateError, message.clone()).with_details(message)
}

/// `POST /api/agents`: validates the character strictly and stores it (not started).
/// An agent with the same id is returned as it is (still 201), as in elizaOS. Nothing
/// from the process environment is copied into the agent.
#[utoipa::path(
    post, path = "/api/agents", tag = "agents", request_body(content = NewAgent, description = "`{characterJson}`, `{agent}` (a character) or `{characterPath}` (a file under <data>/characters)"),
    responses(
        (status = 201, description = "`{id, character}` (an existing id is returned as is)", body = agentd_wire::Success<CreatedAgent>),
        (status = 400, description = "No or invalid character (CREATE_ERROR), or a body that is not JSON (INVALID_JSON)", body = agentd_wire::envelope::StdError),
    )
)]
pub async fn create_agent(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = match agentd_wire::parse::<NewAgent>(&body) {
        Ok(b) => b,
        // JSON that is not an object carries no character.
        Err(BodyError::NotObject) => NewAgent::default(),
        Err(e) => return Err(invalid_body(e)),
    };
    let character = if let Some(c) = body.character() {
        c.clone()
    } else if let Some(p) = &body.character_path {
        let dir = state.settings().characters_dir.clone();
        super::character_path::load(dir, p).await?
    } else {
        return Err(create_error("No character configuration provided".into()));
    };
    let agent =
        character_to_agent(&character, Utc::now()).map_err(|e| create_error(e.to_string()))?;
    agentd_runtime::provider_for(&agent.settings).map_err(create_error)?;
    state
        .agent_manager()
        .plugin_registry()
        .resolve(&agent.plugins)
        .map_err(create_error)?;
    let stored = match state.db().create_agent(&agent).await {
        Ok(a) => a,
        Err(StorageError::Duplicate(_)) => state.db().get_agent(agent.id).await?,
        Err(e) => return Err(e.into()),
    };
    let created = CreatedAgent {
        id: stored.id,
        character: agent_to_character(&stored),
    };
    Ok(success(StatusCode::CREATED, created))
}

/// `PATCH /api/agents/:agentId`: applies a partial character (`settings` deep-merged,
/// `null` deleting keys, masked secrets kept), validates the result as a character, and
/// restarts a running agent so it uses the new character.
#[utoipa::path(
    patch, path = "/api/agents/{agentId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")), request_body(content = AgentUpdate, description = "A partial character; `settings` deep-merged, `null` deletes a key"),
    responses(
        (status = 200, description = "The updated agent (restarted when running)", body = agentd_wire::Success<Agent>),
        (status = 400, description = "Invalid id or request", body = agentd_wire::envelope::StdError),
        (status = 404, description = "No such agent", body = agentd_wire::envelope::StdError),
        (status = 500, description = "Stored, but the restart failed (UPDATE_ERROR)", body = agentd_wire::envelope::StdError),
    )
)]
pub async fn update_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let patch = match agentd_wire::parse::<AgentUpdate>(&body) {
        Err(e @ BodyError::Syntax(_)) => return Err(invalid_body(e)),
        other => other,
    };
    let id = path_id(&path, "agent")?;
    let patch =
        patch.map_err(|_| ApiError::new(ErrorCode::BadRequest, "Update must be a JSON object"))?;
    let current = state.db().get_agent(id).await.map_err(agent_not_found)?;
    let character = patch.apply(&current);
    let mut updated = character_to_agent(&character, current.created_at)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.to_string()))?;
    agentd_runtime::provider_for(&updated.settings)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, e))?;
    state
        .agent_manager()
        .plugin_registry()
        .resolve(&updated.plugins)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, e))?;
    updated.enabled = current.enabled;
    updated.server_id = current.server_id;
    let stored = state.db().update_agent(&updated).await?;
    let manager = state.agent_manager();
    let running = manager.is_running(id);
    if running {
        manager.stop(id).await.map_err(restart_error)?;
        manager.start(id).await.map_err(restart_error)?;
    }
    let stored = if running {
        state.db().get_agent(id).await?
    } else {
        stored
    };
    Ok(success(StatusCode::OK, Agent::render(&stored, running)))
}

fn restart_error(e: agentd_runtime::ManagerError) -> ApiError {
    match e {
        // The update is stored, but a plugin refused to start with it: say which and why.
        agentd_runtime::ManagerError::PluginInit { .. } => {
            ApiError::new(ErrorCode::UpdateError, e.to_string())
        }
        other => ApiError::opaque(ErrorCode::UpdateError, other),
    }
}

/// `DELETE /api/agents/:agentId`: stops the agent, then deletes it and everything it
/// owns in one transaction. 204.
#[utoipa::path(
    delete, path = "/api/agents/{agentId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 204, description = "Stopped and deleted with everything it owns"),
        (status = 400, description = "Invalid id or request", body = agentd_wire::envelope::StdError),
        (status = 404, description = "No such agent", body = agentd_wire::envelope::StdError),
    )
)]
pub async fn delete_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "agent")?;
    state.db().get_agent(id).await.map_err(agent_not_found)?;
    state
        .agent_manager()
        .stop(id)
        .await
        .map_err(|e| ApiError::opaque(ErrorCode::DeleteError, e))?;
    match state.db().delete_agent(id).await {
        Ok(()) | Err(StorageError::NotFound(_)) => Ok(HttpResponse::NoContent().finish()),
        Err(e) => Err(ApiError::opaque(ErrorCode::DeleteError, e)),
    }
}
