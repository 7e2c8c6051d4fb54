//! Start and stop: hot and idempotent, never touching other agents.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_runtime::ManagerError;
use agentd_storage::StorageError;
use serde_json::json;

use super::{ok, path_id};
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /api/agents/:agentId/start`: 200 `{id, name, status:"active"}`, also when it
/// already runs; 404 if the agent is not stored.
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
    Ok(ok(
        StatusCode::OK,
        json!({"id": agent.id, "name": agent.name, "status": "active"}),
    ))
}

/// `POST /api/agents/:agentId/stop`: 200 `{message:"Agent stopped"}`; 404 if it was not
/// running.
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
    Ok(ok(StatusCode::OK, json!({"message": "Agent stopped"})))
}
