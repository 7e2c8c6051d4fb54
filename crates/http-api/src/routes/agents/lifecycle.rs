//! Start and stop: hot and idempotent, never touching other agents.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_runtime::ManagerError;
use agentd_storage::StorageError;
use agentd_wire::agents::{Started, Status};
use agentd_wire::envelope::{Notice, StdError};

use super::{path_id, success};
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /api/agents/:agentId/start`: 200 `{id, name, status:"active"}`, also when it
/// already runs; 404 if the agent is not stored.
#[utoipa::path(
    post, path = "/api/agents/{agentId}/start", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "`{id,name,status:\"active\"}`, also when it already runs", body = agentd_wire::Success<Started>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "No such agent", body = StdError),
    )
)]
pub async fn start_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "agent")?;
    let agent = state.agent_manager().start(id).await.map_err(|e| match e {
        ManagerError::Storage(StorageError::NotFound(_)) => {
            ApiError::new(ErrorCode::NotFound, "Agent not found")
        }
        ManagerError::Invalid(message) => {
            ApiError::new(ErrorCode::BadRequest, message.clone()).with_details(message)
        }
        ManagerError::PluginInit { .. } => {
            ApiError::new(ErrorCode::StartError, e.to_string()).with_details(e.to_string())
        }
        other => ApiError::opaque(ErrorCode::StartError, other),
    })?;
    let started = Started {
        id: agent.id,
        name: agent.name,
        status: Status::Active,
    };
    Ok(success(StatusCode::OK, started))
}

/// `POST /api/agents/:agentId/stop`: 200 `{message:"Agent stopped"}`; 404 if it was not
/// running.
#[utoipa::path(
    post, path = "/api/agents/{agentId}/stop", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "`{message:\"Agent stopped\"}`", body = agentd_wire::Success<Notice>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Not running", body = StdError),
    )
)]
pub async fn stop_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "agent")?;
    let stopped = state
        .agent_manager()
        .stop(id)
        .await
        .map_err(ApiError::internal)?;
    if !stopped {
        return Err(ApiError::new(ErrorCode::NotFound, "Agent not found"));
    }
    Ok(success(StatusCode::OK, Notice::new("Agent stopped")))
}
